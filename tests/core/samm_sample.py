"""Writes an OWASP SAMM core model folder in the real structure (github.com/owaspsamm/core, model/*), with texts
written for the tests: a small excerpt by default, or the full shape (5 functions x 3 practices x 2 streams x
3 levels = 90 questions) for the benchmark. Not a copy of SAMM's texts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SMALL = (("Governance", (("Strategy and Metrics", "SM"), ("Policy and Compliance", "PC"))),
         ("Design", (("Threat Assessment", "TA"), ("Security Requirements", "SR"))))
FULL = (("Governance", (("Strategy and Metrics", "SM"), ("Policy and Compliance", "PC"),
                        ("Education and Guidance", "EG"))),
        ("Design", (("Threat Assessment", "TA"), ("Security Requirements", "SR"), ("Secure Architecture", "SA"))),
        ("Implementation", (("Secure Build", "SB"), ("Secure Deployment", "SD"), ("Defect Management", "DM"))),
        ("Verification", (("Architecture Assessment", "AA"), ("Requirements-driven Testing", "RT"),
                          ("Security Testing", "ST"))),
        ("Operations", (("Incident Management", "IM"), ("Environment Management", "EM"),
                        ("Operational Management", "OM"))))

ANSWER_SETS = {
    "A": ("No", "Yes, for some applications", "Yes, for at least half of the applications",
          "Yes, for most or all of the applications"),
    "D": ("No", "Yes, for some of the training", "Yes, for at least half of the training",
          "Yes, for most or all of the training"),
}


def guid(*parts: str) -> str:
    return hashlib.md5("/".join(parts).encode()).hexdigest()


def _write(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + body, encoding="utf-8")


def _answer_set(letter: str, texts: tuple[str, ...]) -> str:
    values = (0, 0.25, 0.5, 1)
    lines = [f"id: {guid('answer_set', letter)}", "values:"]
    for order, (t, v) in enumerate(zip(texts, values, strict=True)):
        # SAMM writes the lowest answer as a bare "No" (which YAML 1.1 reads as false).
        shown = t if t == "No" else f'"{t}"'
        lines += [f"- text: {shown}", f"  value: {v}", "  weight: 1", f"  order: {order}"]
    lines.append("type: AnswerSet")
    return "\n".join(lines) + "\n"


def write_samm(root: Path, functions: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = SMALL,
               answer_values: tuple[float, ...] | None = None) -> Path:
    """Write ``root/model/...``; returns ``root``. ``answer_values`` replaces answer set A's values."""
    m = root / "model"
    for letter, texts in ANSWER_SETS.items():
        _write(m / "answer_sets" / f"{letter}.yml", _answer_set(letter, texts))
    if answer_values is not None:
        body = _answer_set("A", ANSWER_SETS["A"])
        for old, new in zip(("value: 0\n", "value: 0.25\n", "value: 0.5\n", "value: 1\n"), answer_values,
                            strict=True):
            body = body.replace(old, f"value: {new}\n", 1)
        _write(m / "answer_sets" / "A.yml", body)
    for n in (1, 2, 3):
        _write(m / "maturity_levels" / f"{n}.yml",
               f"id: {guid('level', str(n))}\nnumber: {n}\ndescription: Maturity level {n} of the tests.\n"
               "type: MaturityLevel\n")
    for f_order, (fname, practices) in enumerate(functions, start=1):
        fl = fname[0]
        fid = guid("function", fname)
        _write(m / "business_functions" / f"{fname}.yml",
               f"model: SAMM20\nid: {fid}\nname: {fname}\ndescription: |\n  What {fname} covers.\n"
               f"color:\n  #228B22\norder: {f_order}\ntype: Function\n")
        for p_order, (pname, short) in enumerate(practices, start=1):
            pid = guid("practice", fname, short)
            _write(m / "security_practices" / f"{fl}-{pname.replace(' ', '-')}.yml",
                   f"function: {fid}\nid: {pid}\nname: {pname}\nshortName: {short}\n"
                   f"shortDescription: The {pname} practice in one sentence.\nlongDescription: |\n"
                   f"  Why {pname} matters.\norder: {p_order}\nassignee: Someone\nprogress: 90\ntype: Practice\n")
            for n in (1, 2, 3):
                _write(m / "practice_levels" / f"{fl}-{short}-{n}.yml",
                       f"practice: {pid}\nmaturityLevel: {guid('level', str(n))}\n"
                       f"id: {guid('plevel', fname, short, str(n))}\nobjective: Objective {n}.\ntype: PracticeLevel\n")
            for s_order, letter in enumerate("AB", start=1):
                sid = guid("stream", fname, short, letter)
                _write(m / "streams" / f"{fl}-{short}-{letter}.yml",
                       f"practice: {pid}\nid: {sid}\nname: {pname} stream {letter}\nletter: {letter}\n"
                       f"description: Stream {letter} of {pname}.\norder: {s_order}\ntype: Stream\n")
                for n in (1, 2, 3):
                    aid = guid("activity", fname, short, letter, str(n))
                    code = f"{fl}-{short}-{n}-{letter}"
                    _write(m / "activities" / f"{code}.yml",
                           f"stream: {sid}\nlevel: {guid('plevel', fname, short, str(n))}\nid: {aid}\n"
                           f"title: Activity {code}\nbenefit: A benefit.\nshortDescription: Do {code}.\n"
                           f"longDescription: |\n  How to do {code}.\nresults:\nmetrics:\ncosts:\npersonnel:\n"
                           "notes:\nrelatedActivities:\ntype: Activity\n")
                    answer_set = "D" if short == "EG" or (short == "TA" and letter == "B") else "A"
                    _write(m / "questions" / f"{code}.yml",
                           f"activity: {aid}\nanswerSet: {guid('answer_set', answer_set)}\n"
                           f"id: {guid('question', code)}\ntext: Do you {pname.lower()} at level {n} in stream "
                           f"{letter}?\norder: 1\nquality:\n- A first criterion for {code}\n- A second one\n"
                           "type: Question\n")
    return root
