"""Enterprise (or business-domain) assessments by sampled projects.

Since October 2023 CAICT also rates a whole enterprise or business domain by assessing a sample of its
projects, the sample size depending on how many applications it runs. An enterprise assessment file
(``.cdassess-enterprise``, JSON ``cdassess-enterprise/1``) holds the organization, its number of
applications, the sampling table and the sample size it proposed, the rule that derives the enterprise level,
and a snapshot of each registered project assessment (read read-only through the services: its id, audit
position, levels per domain).

- **Sampling table**: rows ``{"max_applications": M, "projects": K}`` in ascending order; the first row whose
  ``max_applications`` is at least the number of applications gives the sample size. The default holds the two
  rows CAICT has published (up to 12 applications: 2 projects; up to 52: 5); larger enterprises are not covered
  by what is public to us, so the default says "unknown" there and asks for ``--sample N`` or a table file.
- **Rule**: ``minimum`` (the default: a domain's enterprise level is the lowest level any sampled project reached
  in it) or ``median`` (the median project, rounded down). The overall enterprise level is the minimum over the
  domains, as for a single project. ``explain`` names the projects and domains that hold a level back.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError, InvalidValueError

FORMAT = "cdassess-enterprise/1"
SUFFIX = ".cdassess-enterprise"
RULES = ("minimum", "median")

DEFAULT_SAMPLING: list[dict[str, Any]] = [
    {"max_applications": 12, "projects": 2, "source": "CAICT (published)"},
    {"max_applications": 52, "projects": 5, "source": "CAICT (published)"},
    {"max_applications": None, "projects": None,
     "source": "unknown: CAICT's rows above 52 applications are not public here; give --sample N or a table"},
]


class EnterpriseError(CdassessError):
    """The enterprise assessment file or a registration is refused."""


def load_sampling_table(path: str | Path) -> list[dict[str, Any]]:
    """A sampling table from a JSON file: a list of rows ``{"max_applications": M|null, "projects": K|null}``."""
    p = Path(path)
    try:
        rows = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EnterpriseError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise EnterpriseError(f"{p}: not JSON ({exc})") from None
    return check_sampling_table(rows, str(p))


def check_sampling_table(rows: Any, where: str = "sampling table") -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not rows:
        raise EnterpriseError(f"{where}: a sampling table is a non-empty list of rows "
                              '{"max_applications": M, "projects": K}')
    last = 0
    out = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise EnterpriseError(f"{where}: row {n} is not an object")
        m, k = row.get("max_applications"), row.get("projects")
        if m is not None and (not isinstance(m, int) or m <= last):
            raise EnterpriseError(f"{where}: row {n}: max_applications must be a whole number above {last} "
                                  "(rows in ascending order; null for 'and above')")
        if k is not None and (not isinstance(k, int) or k < 1):
            raise EnterpriseError(f"{where}: row {n}: projects must be a whole number of 1 or more, or null (unknown)")
        out.append({"max_applications": m, "projects": k, "source": str(row.get("source", ""))})
        if m is None:
            break
        last = m
    return out


def propose_sample(applications: int, table: list[dict[str, Any]]) -> tuple[int | None, dict[str, Any] | None]:
    """The sample size for ``applications`` and the row that gave it (None when the table does not say)."""
    for row in table:
        if row["max_applications"] is None or applications <= row["max_applications"]:
            return row["projects"], row
    return None, None


@dataclass
class Enterprise:
    path: Path
    organization: str
    applications: int
    sampling: list[dict[str, Any]]
    sample_size: int
    sample_source: str
    rule: str = "minimum"
    scope: str = ""
    projects: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = ""

    # ------------------------------------------------------------------------------------ file

    @classmethod
    def create(cls, path: str | Path, *, organization: str, applications: int,
               sampling: list[dict[str, Any]] | None = None, sample: int | None = None, rule: str = "minimum",
               scope: str = "") -> Enterprise:
        p = Path(path)
        if p.exists():
            raise EnterpriseError(f"{p}: already exists; cdassess never overwrites a file (choose a new name)")
        if not organization.strip():
            raise InvalidValueError("the organization name is required")
        if applications < 1:
            raise InvalidValueError(f"the number of applications must be 1 or more (got {applications})")
        if rule not in RULES:
            raise InvalidValueError(f"unknown enterprise rule {rule!r} (accepted: {', '.join(RULES)})")
        table = check_sampling_table(sampling if sampling is not None else DEFAULT_SAMPLING)
        proposed, row = propose_sample(applications, table)
        if sample is not None:
            if sample < 1:
                raise InvalidValueError(f"the sample must be 1 or more projects (got {sample})")
            size, source = sample, (f"given (the table proposes {proposed})" if proposed else "given")
        elif proposed is None:
            why = row["source"] if row else "the table has no row for it"
            raise EnterpriseError(f"{applications} applications: the sampling table gives no sample size ({why}); "
                                  "give --sample N or --sampling-table FILE.json")
        else:
            assert row is not None
            limit = row["max_applications"]
            size, source = proposed, (f"{row['source'] or 'table'}: up to {limit} applications, {proposed} projects"
                                      if limit is not None else f"{row['source'] or 'table'}: {proposed} projects")
        from cdassess.catalogue.db import now_iso

        e = cls(p, organization.strip(), applications, table, size, source, rule, scope.strip(), [], now_iso())
        e.save(new=True)
        return e

    @classmethod
    def open(cls, path: str | Path) -> Enterprise:
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise EnterpriseError(f"{p}: no such enterprise assessment") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise EnterpriseError(f"{p}: cannot be read ({exc})") from None
        except ValueError:
            raise EnterpriseError(f"{p}: not an enterprise assessment (not JSON)") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            hint = " (written by a newer cdassess; update it)" if str(found).startswith("cdassess-enterprise/") else ""
            raise EnterpriseError(f"{p}: not a {FORMAT} file{hint}")
        try:
            return cls(p, str(data["organization"]), int(data["applications"]), check_sampling_table(data["sampling"]),
                       int(data["sample_size"]), str(data.get("sample_source", "")), str(data.get("rule", "minimum")),
                       str(data.get("scope", "")), list(data.get("projects", [])), str(data.get("created_at", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise EnterpriseError(f"{p}: the enterprise assessment is damaged (missing or wrong {exc})") from None

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "organization": self.organization, "scope": self.scope,
                "applications": self.applications, "sampling": self.sampling, "sample_size": self.sample_size,
                "sample_source": self.sample_source, "rule": self.rule, "created_at": self.created_at,
                "projects": self.projects}

    def save(self, *, new: bool = False) -> None:
        """Write atomically (a temporary file renamed into place); ``new`` never replaces an existing file."""
        p = self.path
        if not p.parent.is_dir():
            raise EnterpriseError(f"{p}: the folder {p.parent} does not exist")
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_json(), fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            if new:
                try:
                    os.link(tmp, p)
                except FileExistsError:
                    raise EnterpriseError(f"{p}: already exists; cdassess never overwrites a file") from None
            else:
                os.replace(tmp, p)
        finally:
            Path(tmp).unlink(missing_ok=True)

    # ------------------------------------------------------------------------------------ projects

    def add(self, files: list[str | Path], *, force: bool = False) -> list[str]:
        """Register sampled project assessments (each read read-only); returns one line per file."""
        from cdassess.services import Assessment

        snaps = []
        for f in files:
            with Assessment.open(f, readonly=True) as a:
                snaps.append(_project_snapshot(a))
        lines = []
        for s in snaps:
            models = {p["model_id"] for p in self.projects} | {s["model_id"]}
            if len(models) > 1:
                raise EnterpriseError(f"{s['path']}: on model {s['model_id']}, but the sampled projects are on "
                                      f"{self.projects[0]['model_id']}; an enterprise level needs one model")
            if s["organization"] != self.organization and not force:
                raise EnterpriseError(f"{s['path']}: assesses {s['organization']!r}, not {self.organization!r} "
                                      "(use --force to register it anyway)")
            old = next((p for p in self.projects if p["id"] == s["id"]), None)
            if old is None:
                self.projects.append(s)
                lines.append(f"registered {s['project']} ({s['id'][:8]}): level {s['overall_level']}")
            elif (s["audit_seq"], s["audit_at"]) > (old["audit_seq"], old["audit_at"]):
                self.projects[self.projects.index(old)] = s
                lines.append(f"updated {s['project']} ({s['id'][:8]}) to its newer copy: level {s['overall_level']}")
            else:
                lines.append(f"kept {s['project']} ({s['id'][:8]}): {s['path']} is not newer than the registered copy")
        self.save()
        return lines

    def remove(self, ident: str) -> str:
        found = [p for p in self.projects if p["id"].startswith(ident) or p["project"] == ident]
        if len(found) != 1:
            raise EnterpriseError(f"{self.path}: {ident!r} names {len(found)} registered projects (give its id)")
        self.projects.remove(found[0])
        self.save()
        return str(found[0]["project"])

    # ------------------------------------------------------------------------------------ levels

    def levels(self) -> dict[str, Any]:
        """The enterprise level per domain and overall under the rule, with what holds each back."""
        if not self.projects:
            return {"domains": [], "overall_level": None, "held_back_by": [], "complete": False}
        order = self.projects[0]["domains"]
        domains = []
        for d in order:
            did = d["id"]
            per = [(p, next((x["level"] for x in p["domains"] if x["id"] == did), None)) for p in self.projects]
            vals = [lv for _, lv in per if lv is not None]
            level = min(vals) if self.rule == "minimum" else int(statistics.median_low(vals))
            held = [{"project": p["project"], "assessment": p["id"], "level": lv} for p, lv in per
                    if lv is not None and lv == min(vals)]
            domains.append({"id": did, "name_zh": d["name_zh"], "name_en": d["name_en"], "level": level,
                            "projects": {p["project"]: lv for p, lv in per}, "lowest": held})
        overall = min(d["level"] for d in domains)
        held_back = [{"domain": d["id"], "name_en": d["name_en"], "projects": [h["project"] for h in d["lowest"]]}
                     for d in domains if d["level"] == overall]
        return {"domains": domains, "overall_level": overall, "held_back_by": held_back,
                "complete": len(self.projects) >= self.sample_size}

    def explain_lines(self) -> list[str]:
        lv = self.levels()
        if lv["overall_level"] is None:
            return ["no sampled project is registered yet (cdassess enterprise add E FILE...)"]
        out = []
        for h in lv["held_back_by"]:
            for proj in h["projects"]:
                out.append(f"held back by project {proj}, domain {h['domain']} ({h['name_en']}): level "
                           f"{lv['overall_level']}")
        return out

    def info(self) -> dict[str, Any]:
        lv = self.levels()
        return {
            "format": FORMAT, "file": str(self.path), "organization": self.organization, "scope": self.scope,
            "applications": self.applications, "sample_size": self.sample_size, "sample_source": self.sample_source,
            "sampled": len(self.projects), "complete": lv["complete"], "rule": self.rule,
            "rule_text": RULE_TEXT[self.rule],
            "model": ({"id": self.projects[0]["model_id"], "version": self.projects[0]["model_version"]}
                      if self.projects else None),
            "overall_level": lv["overall_level"], "domains": lv["domains"], "held_back_by": lv["held_back_by"],
            "explain": self.explain_lines(),
            "projects": [{k: p[k] for k in ("id", "organization", "project", "business_unit", "path", "status",
                                            "assessed_on", "target_level", "overall_level", "audit_seq")}
                         for p in self.projects],
        }


RULE_TEXT = {
    "minimum": "each domain's enterprise level is the lowest level any sampled project reached in it; the overall "
               "level is the lowest domain level",
    "median": "each domain's enterprise level is the median sampled project's level (the lower of the two middle "
              "ones); the overall level is the lowest domain level",
}


def _project_snapshot(a: Any) -> dict[str, Any]:
    meta, model = a.meta, a.model
    rep = a.levels()
    last = a.store.audit_entries(limit=1)
    return {
        "id": meta.uuid, "organization": meta.organization, "project": meta.project,
        "business_unit": meta.business_unit, "path": str(Path(a.path).resolve()), "status": meta.status,
        "model_id": model.id, "model_version": model.version, "target_level": meta.target_level,
        "assessed_on": (meta.end_date or meta.start_date or meta.created_at)[:10],
        "overall_level": rep.overall, "audit_seq": last[0].seq if last else 0, "audit_at": last[0].at if last else "",
        "domains": [{"id": d.id, "name_zh": d.names.zh, "name_en": d.names.en, "level": rep.domains[d.id]}
                    for d in model.domains],
    }


# ------------------------------------------------------------------------------------------ report


def write_report(e: Enterprise, dest: str | Path, *, lang: str = "both", force: bool = False) -> Path:
    """The enterprise report (PDF): sampling, the rule, levels per domain per sampled project, what holds it back."""
    from reportlab.platypus import SimpleDocTemplate

    from cdassess.catalogue.output import ReportPdf
    from cdassess.outputs import apply_umask, guard_output
    from cdassess.reports.styles import numbered_canvas

    path = Path(dest)
    if path.suffix.lower() != ".pdf":
        raise InvalidValueError(f"{path}: the enterprise report is a .pdf")
    guard_output(path, force=force, inputs=[e.path, *(p["path"] for p in e.projects)], kind="pdf")
    info = e.info()
    pdf = ReportPdf(lang, ("cdassess 企业级评估报告", "cdassess enterprise assessment report"))
    mm = pdf.mm
    story: list[Any] = [
        pdf.p(pdf.pick("企业级评估报告", "Enterprise assessment report"), pdf.s.h1),
        pdf.p(e.organization, pdf.s.big),
        pdf.p(f"{pdf.pick('应用数', 'Applications')}: {e.applications}    {pdf.pick('抽样项目数', 'Sample size')}: "
              f"{e.sample_size} ({e.sample_source})    {pdf.pick('已登记', 'Registered')}: {len(e.projects)}"
              + ("" if info["complete"] else f"    {pdf.pick('样本不完整', 'sample incomplete')}"), pdf.s.body),
        pdf.p(f"{pdf.pick('规则', 'Rule')}: {e.rule}: {RULE_TEXT[e.rule]}", pdf.s.body),
        pdf.p(f"{pdf.pick('企业总体级别', 'Enterprise overall level')}: "
              f"{info['overall_level'] if info['overall_level'] is not None else '—'}", pdf.s.h2),
    ]
    story += [pdf.p(line, pdf.s.body) for line in info["explain"]]
    story.append(pdf.p(pdf.pick("抽样项目", "Sampled projects"), pdf.s.h2))
    rows = [pdf.head(("项目", "Project"), ("业务单元", "Unit"), ("日期", "Date"), ("状态", "Status"),
                     ("级别", "Level"), ("文件", "File"))]
    for p in info["projects"]:
        rows.append([pdf.p(p["project"]), pdf.p(p["business_unit"] or "—"), pdf.p(p["assessed_on"]),
                     pdf.p(p["status"]), pdf.p(str(p["overall_level"])), pdf.p(Path(p["path"]).name)])
    story.append(pdf.table(rows, [70 * mm, 35 * mm, 25 * mm, 20 * mm, 15 * mm, pdf.width - 165 * mm]))
    if info["domains"]:
        names = [p["project"] for p in info["projects"]]
        story.append(pdf.p(pdf.pick("各领域企业级别", "Enterprise level per domain"), pdf.s.h2))
        rows = [pdf.head(("领域", "Domain"), ("企业级别", "Enterprise"), *((n, n) for n in names))]
        for d in info["domains"]:
            rows.append([pdf.p(f"{d['id']} {pdf.both(d['name_zh'], d['name_en'])}"), pdf.p(str(d["level"])),
                         *(pdf.p(str(d["projects"].get(n, "—"))) for n in names)])
        rest = (pdf.width - 95 * mm) / max(1, len(names))
        story.append(pdf.table(rows, [70 * mm, 25 * mm, *[rest] * len(names)]))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cdassess-", suffix=".pdf.tmp")
    os.close(fd)
    try:
        doc = SimpleDocTemplate(tmp, pagesize=pdf.page, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                                bottomMargin=16 * mm, title="cdassess enterprise assessment", author="cdassess")
        doc.build(story, canvasmaker=numbered_canvas(pdf.decorate))
        apply_umask(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise CdassessError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
