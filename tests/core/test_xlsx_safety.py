"""Bad workbooks are refused before any parser sees them, each with a message naming the file and what to do."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cdassess.services import Assessment
from cdassess.xlsx import WorkbookFileError, check_workbook_file, export_questionnaire, read_questionnaire
from cdassess.xlsx.safety import MAX_PART_BYTES, clean_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "xlsx"
BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')


def _rewrite(src: Path, dest: Path, changes: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, changes.get(info.filename, zin.read(info.filename)))
    return dest


def _without_declaration(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def _sheet_part(path: Path, title: str) -> str:
    """The zip part of the sheet called ``title`` (openpyxl writes them in order)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"
    finally:
        wb.close()


@pytest.fixture
def questionnaire(tmp_path: Path, mini_assessment: Assessment) -> Path:
    return export_questionnaire(mini_assessment, tmp_path / "q.xlsx")


def _refused(a: Assessment, path: Path, *needles: str) -> str:
    before = a.claims()
    with pytest.raises(WorkbookFileError) as err:
        read_questionnaire(a, path)
    msg = str(err.value)
    assert msg.startswith(str(path)), msg
    for needle in needles:
        assert needle in msg, msg
    assert a.claims() == before
    return msg


def test_empty_file(tmp_path: Path, mini_assessment: Assessment) -> None:
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    _refused(mini_assessment, p, "is empty")


def test_random_bytes(tmp_path: Path, mini_assessment: Assessment) -> None:
    p = tmp_path / "noise.xlsx"
    p.write_bytes(bytes(range(256)) * 40)
    _refused(mini_assessment, p, "not an Excel workbook", "not a zip")


def test_csv_renamed(tmp_path: Path, mini_assessment: Assessment) -> None:
    p = tmp_path / "answers.xlsx"
    p.write_text("ID,自评 Self-assessment\nA.X.1.L1,met\n", encoding="utf-8")
    _refused(mini_assessment, p, "text file (CSV", "save it as .xlsx")


def test_legacy_xls(mini_assessment: Assessment) -> None:
    _refused(mini_assessment, FIXTURES / "legacy.xls", "legacy Excel 97-2003", ".xlsx")


def test_password_encrypted(tmp_path: Path, mini_assessment: Assessment) -> None:
    # An encrypted OOXML file is an OLE container holding EncryptionInfo and EncryptedPackage streams.
    p = tmp_path / "secret.xlsx"
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\0") for n in ("EncryptionInfo", "EncryptedPackage"))
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + names + b"\0" * 2048)
    _refused(mini_assessment, p, "protected with a password", "remove the password")


def test_damaged_zip(tmp_path: Path, mini_assessment: Assessment, questionnaire: Path) -> None:
    p = tmp_path / "cut.xlsx"
    p.write_bytes(questionnaire.read_bytes()[:3000])
    _refused(mini_assessment, p, "damaged")


def test_other_zip_documents(tmp_path: Path, mini_assessment: Assessment) -> None:
    ods = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    _refused(mini_assessment, ods, "OpenDocument spreadsheet (.ods)")
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(mini_assessment, plain, "a zip file, not an Excel workbook")


def test_zip_bomb_ratio_refused_before_reading(tmp_path: Path, mini_assessment: Assessment,
                                               questionnaire: Path) -> None:
    part = _sheet_part(questionnaire, "问卷 Questionnaire")
    p = _rewrite(questionnaire, tmp_path / "bomb.xlsx", {part: b"<a>" + b" " * (8 * 2**20) + b"</a>"})
    _refused(mini_assessment, p, part, "compressed", "to 1")


def test_part_declared_hundreds_of_megabytes(tmp_path: Path, mini_assessment: Assessment,
                                             questionnaire: Path) -> None:
    """The sizes in the zip directory are checked first: nothing is inflated to find out."""
    part = _sheet_part(questionnaire, "问卷 Questionnaire")
    data = bytearray(questionnaire.read_bytes())
    name = part.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name:
            struct.pack_into("<I", data, pos + 24, 400 * 2**20)  # uncompressed size in the central directory
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    p = tmp_path / "huge.xlsx"
    p.write_bytes(bytes(data))
    _refused(mini_assessment, p, part, "400 MB", f"at most {MAX_PART_BYTES // 2**20} MB")


def test_entity_bomb_refused_by_the_prolog_check(tmp_path: Path, mini_assessment: Assessment,
                                                  questionnaire: Path) -> None:
    part = _sheet_part(questionnaire, "问卷 Questionnaire")
    with zipfile.ZipFile(questionnaire) as z:
        body = _without_declaration(z.read(part))
    p = _rewrite(questionnaire, tmp_path / "lol.xlsx", {part: BOMB + body.replace(b"<v>1</v>", b"<v>&lol3;</v>")})
    _refused(mini_assessment, p, "declares XML entities", part)


def test_entity_bomb_behind_a_long_comment_refused_by_defusedxml(tmp_path: Path, mini_assessment: Assessment,
                                                                  questionnaire: Path) -> None:
    """A DTD after a long comment escapes the quick prolog check; defusedxml (used by openpyxl) stops it."""
    part = _sheet_part(questionnaire, "问卷 Questionnaire")
    with zipfile.ZipFile(questionnaire) as z:
        body = _without_declaration(z.read(part))
    padded = BOMB.replace(b"\n<!DOCTYPE", b"\n<!--" + b"x" * 6000 + b"-->\n<!DOCTYPE", 1)
    p = _rewrite(questionnaire, tmp_path / "lol2.xlsx", {part: padded + body})
    from defusedxml import DefusedXmlException

    # openpyxl wraps defusedxml's refusal in a ValueError
    with p.open("rb") as fh, pytest.raises(ValueError, match="invalid XML") as err:
        openpyxl.load_workbook(fh, read_only=True)
    assert isinstance(err.value.__cause__, DefusedXmlException)
    with pytest.raises(WorkbookFileError, match="XML entities"):
        read_questionnaire(mini_assessment, p)


def test_a_good_workbook_passes(questionnaire: Path) -> None:
    scan = check_workbook_file(questionnaire)
    assert "xl/workbook.xml" in scan.parts


def test_clean_text_strips_control_characters_and_cuts_long_text() -> None:
    assert clean_text("a\x00b\x07c\x1fd\te\nf") == "abcd\te\nf"
    long = clean_text("x" * 100_000)
    assert len(long) == 32_767
    assert long.endswith("the whole text is kept in the assessment file; edit it in cdassess]")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkbookFileError, match="no such file"):
        check_workbook_file(tmp_path / "missing.xlsx")
    with pytest.raises(WorkbookFileError, match="is a folder"):
        check_workbook_file(tmp_path)


def test_too_many_rows_and_far_columns(tmp_path: Path, mini_assessment: Assessment, questionnaire: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded: rows below a header are capped, cells far to the right are not read."""
    from cdassess.xlsx import reading

    part = _sheet_part(questionnaire, "问卷 Questionnaire")
    with zipfile.ZipFile(questionnaire) as z:
        xml = z.read(part)
    far = b'<c r="XFD3" t="inlineStr"><is><t>far away</t></is></c></row>'
    row3_end = xml.index(b"</row>", xml.index(b'<row r="3"'))
    p = _rewrite(questionnaire, tmp_path / "far.xlsx", {part: xml[:row3_end] + far + xml[row3_end + 6:]})
    preview = read_questionnaire(mini_assessment, p)
    assert preview.ok and preview.rows_read == 5
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    msg = _refused(mini_assessment, p, "more than 3 rows below its header")
    assert "问卷 Questionnaire" in msg
