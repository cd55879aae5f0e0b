"""Model importers: detection by content, what each format maps to, and bad input refused with its place."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cdassess.errors import ModelError
from cdassess.importers import convert, detect
from cdassess.importers import safe as safe_mod
from tests.core.samm_sample import write_samm

DATA = Path(__file__).parent.parent / "fixtures" / "importers"
DSOMM = DATA / "dsomm-excerpt.yaml"
CSF = DATA / "ciso-csf-excerpt.yaml"
CONTROLS = DATA / "ciso-controls-excerpt.yaml"
ASVS = DATA / "ciso-asvs-excerpt.yaml"


def items_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in data["domains"]:
        out += d.get("items", [])
        for s in d.get("subdomains", []):
            out += s["items"]
    return out


def reqs_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for i in items_of(data) for r in i["requirements"]}


def error_of(path: Path) -> str:
    with pytest.raises(ModelError) as info:
        convert(path)
    return str(info.value) + "\n" + info.value.details()


@pytest.fixture
def samm_dir(tmp_path: Path) -> Path:
    return write_samm(tmp_path / "core-2.1.0")


# ------------------------------------------------------------------------------------------- detection


def test_detect_by_content_not_extension(tmp_path: Path, samm_dir: Path) -> None:
    renamed = tmp_path / "model.json"
    shutil.copyfile(DSOMM, renamed)
    assert detect(renamed) == "dsomm"
    lib = tmp_path / "framework.txt"
    shutil.copyfile(CSF, lib)
    assert detect(lib) == "ciso-assistant"
    assert detect(samm_dir) == "samm"
    assert detect(samm_dir / "model") == "samm"
    z = tmp_path / "samm.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(samm_dir.rglob("*.yml")):
            zf.write(p, "core-main/" + p.relative_to(samm_dir).as_posix())
    assert detect(z) == "samm-zip"
    assert convert(z).data["domains"] == convert(samm_dir).data["domains"]
    tgz = tmp_path / "samm.tar.gz"  # what SAMM's release page offers
    with tarfile.open(tgz, "w:gz") as tf:
        tf.add(samm_dir / "model", "model")
    assert detect(tgz) == "samm-tar"
    assert convert(tgz).data["domains"] == convert(samm_dir).data["domains"]
    mini = Path(__file__).parent.parent / "fixtures" / "models" / "mini.json"
    assert detect(mini) == "cdassess-json"


@pytest.mark.parametrize(("content", "expected"), [
    ('{"format": "cdassess-questionnaire/1"}', "a cdassess file of another kind"),
    ('{"name": "package.json", "version": "1.0"}', "JSON that is no cdassess model"),
    ("urn: urn:intuitem:risk:library:x\nobjects:\n  threats: []\n", "a CISO Assistant library without a framework"),
    ("id: 1234\nname: Governance\ntype: Function\n", "one file of the OWASP SAMM core model"),
    ("version: 3\nservices:\n  web: {image: nginx}\n", "YAML of another kind (top-level keys: services, version)"),
    ("- a\n- b\n", "YAML of another kind (a list at the top)"),
    ("", "an empty file"),
])
def test_wrong_kind_named_with_what_is_accepted(tmp_path: Path, content: str, expected: str) -> None:
    p = tmp_path / "thing.yaml"
    p.write_text(content, encoding="utf-8")
    msg = error_of(p)
    assert expected in msg
    assert "thing.yaml" in msg
    assert "accepted:" in msg and "CISO Assistant framework library" in msg


def test_wrong_zip_and_folder(tmp_path: Path) -> None:
    z = tmp_path / "photos.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a/readme.txt", "hello")
    assert "a zip without the SAMM core model's business_functions/ folder" in error_of(z)
    (tmp_path / "empty").mkdir()
    assert "a folder without the SAMM core model" in error_of(tmp_path / "empty")


# ----------------------------------------------------------------------------------------------- DSOMM


def test_dsomm_maps_activities_to_requirements_of_sub_dimensions() -> None:
    conv = convert(DSOMM)
    d = conv.data
    assert (d["format"], d["id"], d["version"], d["languages"]) == ("cdassess-model/2", "owasp-dsomm", "4.3.1", ["en"])
    assert d["scoring"] == {"rule": "coverage", "empty_levels": "hold"}
    assert d["source"]["kind"] == "dsomm" and d["source"]["file"] == "dsomm-excerpt.yaml"
    assert [(o["id"], o["weight"], o["satisfies"]) for o in d["scale"]] == [
        ("not_implemented", 0.0, False), ("started", 0.2, False), ("partly_implemented", 0.5, False),
        ("fully_implemented", 1.0, True)]
    assert [lv["n"] for lv in d["levels"]] == [1, 2, 3, 4, 5]
    assert d["levels"][0]["names"] == {"en": "Basic understanding of security practices"}
    # dimensions > sub-dimensions (items) > activities (requirements), several at one level
    assert [dm["id"] for dm in d["domains"]] == ["BD", "TV"]
    build = d["domains"][0]["items"][0]
    assert build["id"] == "BD.BU" and build["names"] == {"en": "Build"}
    assert [(r["level"], r["text"]["en"].split(":")[0]) for r in build["requirements"]] == [
        (1, "Defined build process"), (2, "Pinning of artifacts"), (2, "Signing of artifacts")]
    reqs = reqs_of(d)
    first = reqs["f6f7737f"]
    assert first["text"]["en"] == "Defined build process: Write the build steps down and automate them."
    assert "A *build process* covers more than compiling:\n- managing dependencies" in first["description"]["en"]
    assert "**Risk**\n\nWithout a defined build process" in first["description"]["en"]
    assert "**Assessment**\n\n- Show the pipeline configuration" in first["guidance"]["en"]
    assert first["references"][0] == {
        "title": "DSOMM activity f6f7737f-25a9-4317-8de2-09bf59f29b5b",
        "url": "https://dsomm.owasp.org/activity-description?uuid=f6f7737f-25a9-4317-8de2-09bf59f29b5b"}
    assert {"title": "OWASP SAMM 2: I-SB-A-1"} in first["references"]
    assert {"title": "Tool: Jenkins", "url": "https://www.jenkins.io/"} in first["references"]
    assert "tags" not in first  # DSOMM's "none" tag is no tag
    pin = reqs["f3c4971e"]
    assert pin["depends_on"] == ["f6f7737f"] and pin["tags"] == ["inventory"]
    assert "**Implementation guide**\n\nUse a digest" in pin["guidance"]["en"]
    # an older file names the activity it depends on instead of its uuid
    assert reqs["2d1fe9f6"]["depends_on"] == ["f6f7737f"]
    assert any("default progress definition" in n for n in conv.notes)


def test_dsomm_ids_are_stable_on_reimport() -> None:
    a, b = convert(DSOMM).data, convert(DSOMM).data
    a["source"].pop("imported_at")
    b["source"].pop("imported_at")
    assert a == b


def test_dsomm_progress_definition_in_the_file_is_the_scale(tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text(DSOMM.read_text(encoding="utf-8") + "\n---\nprogressDefinition:\n  Nothing: {score: 0%}\n"
                 "  Half: {score: 50%}\n  Done: {score: 100%}\n", encoding="utf-8")
    assert [(o["id"], o["weight"]) for o in convert(p).data["scale"]] == [("nothing", 0), ("half", 0.5), ("done", 1)]
    p.write_text(DSOMM.read_text(encoding="utf-8") + "\n---\nprogressDefinition:\n  Nothing: {score: 0%}\n"
                 "  Too much: {score: 150%}\n  Done: {score: 100%}\n", encoding="utf-8")
    msg = error_of(p)
    assert "progressDefinition > Too much > score" in msg and "outside 0%-100%" in msg


def test_dsomm_activity_without_level(tmp_path: Path) -> None:
    p = tmp_path / "dsomm.yaml"
    p.write_text(DSOMM.read_text(encoding="utf-8").replace("      level: 5\n", ""), encoding="utf-8")
    msg = error_of(p)
    assert "dsomm.yaml: Test and Verification > Static depth for applications > Exploit likelihood estimation: " \
           "level" in msg
    assert "the activity has no level (accepted: a whole number" in msg
    assert "nothing was added to the library" in msg


def test_dsomm_duplicate_ids_after_import(tmp_path: Path) -> None:
    p = tmp_path / "dsomm.yaml"
    text = DSOMM.read_text(encoding="utf-8")
    first_uuid = "uuid: f6f7737f-25a9-4317-8de2-09bf59f29b5b"
    p.write_text(text.replace("uuid: 74938a3f-1269-49b9-9d0f-c43a79a1985a", first_uuid), encoding="utf-8")
    msg = error_of(p)
    assert "Build and Deployment > Deployment > Defined deployment process" in msg
    assert "duplicate id 'f6f7737f' after import (also used by Build and Deployment > " \
           "Build > Defined build process)" in msg


# ------------------------------------------------------------------------------------------------ SAMM


def test_samm_functions_practices_streams_and_questions(samm_dir: Path) -> None:
    d = convert(samm_dir).data
    assert (d["id"], d["version"]) == ("owasp-samm", "2.1.0")  # the version from the folder's name
    assert d["scoring"]["rule"] == "weighted"
    assert [dm["id"] for dm in d["domains"]] == ["G", "D"]
    gov = d["domains"][0]
    assert [s["id"] for s in gov["subdomains"]] == ["G-SM", "G-PC"]
    assert gov["subdomains"][0]["names"] == {"en": "Strategy and Metrics"}
    assert [i["id"] for i in gov["subdomains"][0]["items"]] == ["G-SM-A", "G-SM-B"]
    stream = gov["subdomains"][0]["items"][0]
    assert [(r["id"], r["level"]) for r in stream["requirements"]] == [("G-SM-A-1", 1), ("G-SM-A-2", 2),
                                                                       ("G-SM-A-3", 3)]
    q = stream["requirements"][0]
    assert q["text"] == {"en": "Do you strategy and metrics at level 1 in stream A?"}
    assert "**Quality criteria**\n\n- A first criterion for G-SM-1-A" in q["guidance"]["en"]
    assert "- Yes, for at least half of the applications (0.5)" in q["guidance"]["en"]
    assert "**Activity: Activity G-SM-1-A**" in q["description"]["en"]
    assert len(reqs_of(d)) == 24
    assert [lv["n"] for lv in d["levels"]] == [1, 2, 3]


def test_samm_answer_sets_become_the_scale(samm_dir: Path) -> None:
    scale = convert(samm_dir).data["scale"]
    assert [(o["id"], o["weight"], o["satisfies"]) for o in scale] == [
        ("no", 0.0, False), ("some", 0.25, False), ("half", 0.5, False), ("most", 1.0, True)]
    # YAML reads SAMM's bare "No" as false: the label is the word its authors wrote
    assert scale[0]["labels"] == {"en": "No"}
    assert scale[1]["labels"] == {"en": "Yes, for some applications"}  # the most used answer set
    assert "Yes, for some of the training" in scale[1]["words"]  # every set's own words are accepted
    assert "Yes, for at least half of the training" in scale[2]["words"]


def test_samm_answer_weights_outside_0_1(tmp_path: Path) -> None:
    root = write_samm(tmp_path / "core", answer_values=(0, 0.25, 0.5, 1.5))
    msg = error_of(root)
    assert "answer_sets/A.yml: values[3].value" in msg and "answer weight 1.5 is outside [0, 1]" in msg


def test_samm_missing_practice_file(samm_dir: Path) -> None:
    (samm_dir / "model" / "security_practices" / "G-Policy-and-Compliance.yml").unlink()
    msg = error_of(samm_dir)
    assert "model/streams/G-PC-A.yml: practice" in msg
    assert "matches no file in security_practices/ (is a security practice file missing?)" in msg


def test_samm_missing_folder(samm_dir: Path) -> None:
    shutil.rmtree(samm_dir / "model" / "answer_sets")
    assert "model/answer_sets/: missing: the SAMM core model needs its answer_sets files" in error_of(samm_dir)


# -------------------------------------------------------------------------------------- CISO Assistant


def test_ciso_three_layers_nameless_nodes_and_scores() -> None:
    d = convert(CSF).data
    assert (d["id"], d["version"], d["scoring"]["rule"]) == ("test-csf-2.0", "3", "coverage")
    assert [(o["id"], round(o["weight"], 3), o["satisfies"]) for o in d["scale"]] == [
        ("partial", 0.0, False), ("risk_informed", 0.333, False), ("repeatable", 0.667, False),
        ("adaptive", 1.0, True), ("not_applicable", 0.0, True)]
    assert d["scale"][-1]["needs_justification"] and d["scale"][-1]["not_applicable"]
    gv, ident = d["domains"]
    assert (gv["id"], gv["names"]) == ("GV", {"en": "GOVERN"})
    item = gv["items"][0]
    assert (item["id"], item["names"]) == ("GV.OC", {"en": "Organizational Context"})
    assert [r["id"] for r in item["requirements"]] == ["GV.OC-01", "GV.OC-02"]
    r1 = item["requirements"][0]
    assert r1["text"] == {"en": "The organizational mission is understood and informs cybersecurity risk management"}
    assert r1["guidance"] == {"en": "Ex1: Share the mission  \nEx2: Review it yearly"}
    # a nameless layer is named from its ref_id and first words, and its text is not repeated as description
    am = ident["items"][0]
    assert am["names"] == {"en": "ID.AM Assets are identified and managed consistently…"}
    assert "description" not in am
    assert [i["id"] for i in ident["items"]] == ["ID.AM"]  # the informative node without requirements is left out


def test_ciso_family_control_layout_and_compliance_results() -> None:
    conv = convert(CONTROLS)
    d = conv.data
    assert [o["id"] for o in d["scale"]] == ["compliant", "partially_compliant", "non_compliant", "not_applicable"]
    assert d["levels"] == [{"n": 1, "names": {"en": "Implemented"},
                            "meaning": {"en": "every requirement of the node is satisfied"}}]
    ac = d["domains"][0]
    assert [(i["id"], i["names"]["en"]) for i in ac["items"]] == [("AC-1.item", "Policy and Procedures"),
                                                                  ("AC-2.item", "Account Management")]
    ac1 = ac["items"][0]["requirements"][0]
    assert ac1["id"] == "AC-1"
    assert ac1["text"]["en"] == ("a. Develop and disseminate an access control policy;  \nb. Review it [Assignment: "
                                 "organization-defined frequency].")
    ac2 = ac["items"][1]["requirements"][0]
    assert ac2["guidance"]["en"] == "Example 1: Review accounts monthly.  \nExample 2: Disable unused accounts."
    assert d["domains"][1]["items"][0]["requirements"][0]["id"] == "AU-1"
    assert any("became their guidance" in n for n in conv.notes)


def test_ciso_nested_implementation_groups_are_levels() -> None:
    d = convert(ASVS).data
    assert [(lv["n"], lv["names"]["en"]) for lv in d["levels"]] == [(1, "Level 1"), (2, "Level 2"), (3, "Level 3")]
    assert {r: v["level"] for r, v in reqs_of(d).items()} == {"V1.1.1": 2, "V1.1.2": 3, "V1.1.3": 1}
    v1 = d["domains"][0]
    assert v1["items"][0]["id"] == "V1.1"


def test_ciso_groups_that_are_not_nested_stay_tags(tmp_path: Path) -> None:
    p = tmp_path / "lib.yaml"
    p.write_text(ASVS.read_text(encoding="utf-8").replace("implementation_groups: [L3]",
                                                          "implementation_groups: [L1]"), encoding="utf-8")
    conv = convert(p)
    assert [lv["n"] for lv in conv.data["levels"]] == [1]
    assert reqs_of(conv.data)["V1.1.1"]["tags"] == ["L2", "L3"]
    assert any("not nested" in n for n in conv.notes)


def test_ciso_score_outside_its_range(tmp_path: Path) -> None:
    p = tmp_path / "lib.yaml"
    p.write_text(CSF.read_text(encoding="utf-8").replace("    - score: 4\n", "    - score: 7\n"), encoding="utf-8")
    msg = error_of(p)
    assert "lib.yaml: objects > framework > scores_definition" in msg
    assert "score 7 (Adaptive) is outside min_score 1 - max_score 4: its answer weight 2 is outside [0, 1]" in msg


def test_ciso_duplicate_ids_after_import(tmp_path: Path) -> None:
    p = tmp_path / "lib.yaml"
    text = CONTROLS.read_text(encoding="utf-8")
    # AU-1 renamed to AC-1.item collides with the item made for control AC-1
    p.write_text(text.replace("ref_id: AU-1\n", "ref_id: AC-1.item\n"), encoding="utf-8")
    msg = error_of(p)
    assert "duplicate id 'AC-1.item' after import" in msg


# ---------------------------------------------------------------------------------------- hostile input


def test_yaml_bomb_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for c in "bcdefghi":
        lines.append(f"{c}: &{c} [{','.join([f'*{prev}'] * 9)}]")
        prev = c
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = error_of(p)
    assert "bomb.yaml is refused: YAML that expands without bound" in msg
    assert "bomb.yaml: line" in msg and "more than 2,000,000 nodes" in msg


def test_recursive_alias_refused(tmp_path: Path) -> None:
    p = tmp_path / "loop.yaml"
    p.write_text("a: &a\n  b: *a\n", encoding="utf-8")
    assert "loop.yaml: line 1: a recursive YAML alias" in error_of(p)


def test_large_model_refused_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "huge.yaml"
    with open(p, "wb") as fh:
        fh.truncate(200 * safe_mod.MB)  # sparse: 200 MB without writing them
    msg = error_of(p)
    assert "huge.yaml is too large to be a model" in msg
    assert "the file is 200 MB; a model file may be at most 64 MB" in msg


def test_zip_path_traversal_and_bomb_refused(tmp_path: Path) -> None:
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../etc/business_functions/x.yml", "id: 1\n")
    assert "member '../../etc/business_functions/x.yml': an absolute path or one that leaves the archive" in error_of(z)
    z2 = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z2, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model/business_functions/a.yml", b"\n" * (12 * safe_mod.MB))
    assert "compresses" in error_of(z2) and "(a zip bomb?)" in error_of(z2)


def test_tar_path_traversal_refused(tmp_path: Path) -> None:
    t = tmp_path / "evil.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        data = b"id: 1\n"
        info = tarfile.TarInfo("../model/business_functions/x.yml")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    assert "member '../model/business_functions/x.yml': an absolute path or one that leaves the archive" \
        in error_of(t)


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text("objects:\n  framework: [1, 2\n", encoding="utf-8")
    msg = error_of(p)
    assert "broken.yaml is not valid YAML" in msg and "broken.yaml: line 3, column 1" in msg
