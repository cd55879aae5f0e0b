"""Report commands: ``report gap``, ``report certificate``, ``verify``, ``keys export|trust|list``.

ReportLab and cryptography are imported inside the handlers only, so the CLI starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cdassess.cli.common import level_number, opened
from cdassess.errors import CdassessError, InvalidValueError


def _out_path(args: argparse.Namespace, kind: str = "pdf") -> Path:
    """``-o``: refused when it is the assessment, any assessment, or another kind of file (unless --force)."""
    from cdassess.outputs import guard_output

    return guard_output(args.output, force=bool(getattr(args, "force", False)),
                        inputs=[getattr(args, "file", None)], kind=kind)


def cmd_report_gap(args: argparse.Namespace) -> int:
    from cdassess.export_profile import profile_named
    from cdassess.reports.gap import write_gap_report

    word = str(args.output).lower().endswith(".docx")
    out = _out_path(args, "docx" if word else "pdf")
    profile = profile_named(args.profile)
    with opened(args, readonly=True) as a:
        if word:
            from cdassess.reports.docx import write_gap_docx

            write_gap_docx(a, out, target=args.target, lang=args.lang, profile=profile)
            print(f"wrote {out} (Word document)")
            return 0
        pages = write_gap_report(a, out, target=args.target, lang=args.lang, profile=profile)
    print(f"wrote {out} ({pages} pages)")
    return 0


def _changed_options(current: Any, args: argparse.Namespace) -> Any:
    """The options with what the command line sets; None when it sets nothing (show them)."""
    from dataclasses import replace

    from cdassess.reportopts import SECTIONS, omitted_from, parse_sections, parse_signature, read_logo_file

    changes: dict[str, Any] = {}
    if args.sections is not None:
        changes["omitted"] = omitted_from(args.sections)
    if args.omit is not None:
        base = set(changes.get("omitted", current.omitted))
        gone = base | set(parse_sections(args.omit))
        changes["omitted"] = tuple(s for s in SECTIONS if s in gone)
    if args.all_sections:
        changes["omitted"] = ()
    if args.cover_text is not None:
        changes["cover_text"] = args.cover_text.replace("\\n", "\n")
    if args.signature is not None:
        changes["signatures"] = tuple(parse_signature(x) for x in args.signature)
    if args.no_signatures:
        changes["signatures"] = ()
    if args.logo is not None:
        changes["logo"] = read_logo_file(args.logo)
    if args.no_logo:
        changes["logo"] = None
    return replace(current, **changes) if changes else None


def _print_options(o: Any, as_json: bool, path: Any) -> None:
    from cdassess.reportopts import SECTIONS

    if as_json:
        json.dump({"file": str(path), **o.as_json()}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    print(f"report options of {path}:")
    print(f"  sections:   {', '.join(o.sections) or '(none)'}")
    if o.omitted:
        print(f"  left out:   {', '.join(s for s in SECTIONS if s in o.omitted)}")
    logo = o.logo
    print(f"  logo:       {'(none)' if logo is None else f'{logo.media_type} {logo.width}x{logo.height}, '}"
          f"{'' if logo is None else f'{len(logo.data):,} bytes, SHA-256 {logo.sha256[:16]}…'}")
    cover = o.cover_text.replace("\n", " / ")
    print(f"  cover text: {cover[:70] + '…' if len(cover) > 70 else cover or '(none)'}")
    if not o.signatures:
        print("  signatures: (none)")
    for i, sig in enumerate(o.signatures, start=1):
        print(f"  signature {i}: {sig.name or '(name left blank)'} | {sig.role or '(no role)'}")


def cmd_report_options(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        current = a.report_options()
    new = _changed_options(current, args)
    if new is None:
        _print_options(current, args.json, args.file)
        return 0
    with opened(args) as a:
        change = a.set_report_options(new)
    if not args.json:
        print("saved the report options" if change.changed else "the report options are unchanged")
    _print_options(change.new, args.json, args.file)
    return 0


def cmd_report_certificate(args: argparse.Namespace) -> int:
    from cdassess.reports.certificate import write_certificate

    out = _out_path(args)
    issued = None
    if args.issued:
        try:
            issued = date.fromisoformat(args.issued)
        except ValueError:
            raise InvalidValueError(f"issue date {args.issued!r} is not a date (write it as YYYY-MM-DD)") from None
    with opened(args) as a:
        signed = write_certificate(a, out, level=args.level, valid_years=args.valid_years, issued=issued)
    f = signed.facts
    print(f"wrote {out}: certificate {f['no']}, level {f['level']}, valid until {f['valid_until']}, "
          f"signed with key {f['key']}")
    print(f"verification code: {signed.short}")
    return 0


def _facts_lines(facts: dict[str, Any]) -> list[tuple[str, str]]:
    model = facts.get("model") or ["?", "?"]
    return [
        ("certificate / 证书编号", str(facts.get("no", ""))),
        ("organization / 组织", str(facts.get("org", ""))),
        ("project / 项目", str(facts.get("project", ""))),
        ("scope / 范围", str(facts.get("scope", "")) or "-"),
        ("model / 模型", f"{model[0]} {model[1] if len(model) > 1 else ''}".strip()),
        ("level / 级别", str(facts.get("level", ""))),
        ("issued / 颁发日期", str(facts.get("issued", ""))),
        ("valid until / 有效期至", str(facts.get("valid_until", ""))),
        ("assessors / 评估师", ", ".join(str(x) for x in facts.get("assessors", []))),
        ("results digest / 结果摘要", str(facts.get("digest", ""))),
    ]


def _verify_short(code: str, as_json: bool) -> int:
    from cdassess.reports.certificate import verify_short_code
    from cdassess.signing import KeyStore

    sv = verify_short_code(code, KeyStore())
    expired = sv.valid_until < date.today().isoformat()
    if as_json:
        json.dump({"valid": True, "expired": expired, "key": sv.key.key_id, "key_name": sv.key.name,
                   "own_key": sv.own_key, "facts": {"no": sv.number, "level": sv.level, "issued": sv.issued,
                                                    "valid_until": sv.valid_until,
                                                    "digest_prefix": sv.digest_prefix}},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    whose = "this installation's own key" if sv.own_key else f"trusted key {sv.key.name!r}"
    print(f"VALID: the short code's signature matches; signed by {whose} ({sv.key.key_id})")
    for label, value in (("certificate / 证书编号", sv.number), ("level / 级别", str(sv.level)),
                         ("issued / 颁发日期", sv.issued), ("valid until / 有效期至", sv.valid_until),
                         ("results digest / 结果摘要", sv.digest_prefix + "…")):
        print(f"  {label:<26} {value}")
    print("  The short code carries these facts only: compare the organization, project and assessors with the "
          "certificate, or verify the PDF or the QR code for all of them.")
    if expired:
        print(f"note: the certificate expired on {sv.valid_until}")
    return 0


def _print_facts(result: Any, short: str | None, as_json: bool, headline: str, extra: dict[str, Any]) -> int:
    expired = str(result.facts.get("valid_until", "9999")) < date.today().isoformat()
    if as_json:
        json.dump({"valid": True, "expired": expired, "key": result.key.key_id, "key_name": result.key.name,
                   "own_key": result.own_key, "short_code": short, "facts": result.facts, **extra},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(headline)
    for label, value in _facts_lines(result.facts):
        print(f"  {label:<26} {value}")
    if expired:
        print(f"note: the certificate expired on {result.facts.get('valid_until')}")
    return 0


def _signer(result: Any) -> str:
    """The fingerprint identifies the signer; the key's name is only what it calls itself."""
    if result.own_key:
        return f"this installation's own key {result.key.key_id}"
    return f"trusted key {result.key.key_id} (named {result.key.name!r} when it was trusted)"


def cmd_verify(args: argparse.Namespace) -> int:
    from cdassess.reports.certificate import SHORT_PREFIX
    from cdassess.signing import normalize_code

    if bool(args.certificate) == bool(args.code):
        raise InvalidValueError("give a certificate PDF, a scan or photo of one, or --code CODE (one of them)")
    if args.code and normalize_code(args.code).startswith(SHORT_PREFIX):
        return _verify_short(args.code, args.json)
    crl = _load_crl(args.crl) if args.crl else None
    if args.code:
        result = _verified(args.code, crl)
        if args.against:
            return _verify_against(args, result)
        return _print_facts(result, None, args.json, f"VALID: the signature matches; signed by {_signer(result)}", {})
    path = Path(args.certificate)
    if not path.exists():
        raise CdassessError(f"{path}: no such file")
    from cdassess.reports.certverify import IMAGE_SUFFIXES

    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _verify_scan(args, path, crl)
    from cdassess.reports.certificate import code_from_pdf, short_code_from_pdf

    try:
        code = code_from_pdf(path)
    except CdassessError as exc:
        if "no cdassess certificate code found" not in str(exc):
            raise
        return _verify_scan(args, path, crl)  # a scanned page saved as PDF: only its QR code carries the code
    short = short_code_from_pdf(path)
    result = _verified(code, crl)
    _check_page(path, result, code, short)
    if args.against:
        return _verify_against(args, result)
    return _print_facts(result, short, args.json,
                        f"VALID: the signature matches and the page is the certificate that was signed; signed by "
                        f"{_signer(result)}", {"page": "matches"})


def _verified(code: str, crl: Any) -> Any:
    from cdassess.signing import KeyStore, VerificationError, verify_code

    result = verify_code(code, KeyStore())
    if result.facts.get("type") != "cdassess-cert/1":
        raise VerificationError(f"the signature is valid, but the statement is not a certificate "
                                f"(type {result.facts.get('type')!r})")
    if crl is not None:
        revoked = crl.get(str(result.facts.get("no", "")))
        if revoked is not None:
            raise VerificationError(f"certificate {result.facts.get('no')} is REVOKED since "
                                    f"{revoked.get('revoked', '?')}: {revoked.get('reason', '')}")
    return result


def _check_page(path: Path, result: Any, code: str, short: str | None) -> None:
    """The PDF's page must be the certificate the statement renders to (statements since RENDER_VERSION)."""
    from cdassess.reports.certificate import check_printed_facts, short_matches, verify_short_code
    from cdassess.signing import KeyStore, VerificationError

    store = KeyStore()
    if short is not None:
        differs = short_matches(verify_short_code(short, store), result.facts, code)
        if differs:
            raise VerificationError(f"{path}: the short code does not belong to the signed statement ({differs} "
                                    "differ); not the certificate that was signed")
    if "render" not in result.facts:  # certificates of older cdassess: compare the printed text
        mismatch = check_printed_facts(path, result.facts)
        if mismatch:
            raise VerificationError(f"{path}: the printed certificate does not match its signed statement "
                                    f"({mismatch}); the PDF was edited")
        return
    from cdassess.reports.certverify import compare_with_rendering

    cmp = compare_with_rendering(path, result.facts, code, short)
    if cmp.differs:
        raise VerificationError(f"{path}: not the certificate that was signed: {', '.join(cmp.differs)} "
                                f"{'differs' if len(cmp.differs) == 1 else 'differ'} from the certificate the "
                                "signed statement renders to (the signature itself is valid: compare the page with "
                                "the facts 'cdassess verify --code' prints for its QR code)")


def _verify_scan(args: argparse.Namespace, path: Path, crl: Any) -> int:
    """A scan or photo: the QR code's signature is checked; the reader compares the printed facts."""
    from cdassess.reports.certverify import codes_from_scan
    from cdassess.signing import CODE_PREFIX, normalize_code

    codes = [c for c in codes_from_scan(path) if normalize_code(c).startswith(CODE_PREFIX)]
    if not codes:
        raise CdassessError(f"{path}: no cdassess QR code found on the page (scan it at 150 dpi or more, flat and "
                            "in focus, or type the verification code with --code)")
    result = _verified(codes[0], crl)
    if args.against:
        return _verify_against(args, result)
    code = _print_facts(result, None, args.json,
                        f"VALID: the QR code's signature matches; signed by {_signer(result)}",
                        {"page": "scan: compare the printed facts"})
    if not args.json:
        print("  This is a scan or photo: the signature is valid; compare these signed facts with the paper "
              "(the printed name, level and dates must read exactly so).")
    return code


def _load_crl(path_text: str) -> dict[str, dict[str, Any]]:
    from cdassess.revocation import read_crl

    return read_crl(Path(path_text))


def _verify_against(args: argparse.Namespace, result: Any) -> int:
    """``verify CERT --against FILE``: the signature is valid; is it still the file's current certificate?"""
    from cdassess.reports.certificate import status_against
    from cdassess.services import Assessment

    with Assessment.open(args.against, readonly=True, actor=args.user) as a:
        st = status_against(a, result.facts)
    if args.json:
        json.dump({"valid": st.state == "valid", "state": st.state, "changed": list(st.changed),
                   "message": st.message, "key": result.key.key_id, "facts": result.facts},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(f"{st.state}: {st.message}")
        print(f"  signature valid; signed by key {result.key.key_id}")
    return 0 if st.state == "valid" else 1


def cmd_keys_export(args: argparse.Namespace) -> int:
    from cdassess.signing import KeyStore

    key = KeyStore().own_public()
    text = key.to_pem() if args.pem else key.to_text()
    if args.output:
        from cdassess.outputs import atomic_output

        out = Path(args.output)
        if out.exists() and not args.force:
            raise CdassessError(f"{out}: already exists (use --force to overwrite)")
        with atomic_output(out, force=args.force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        print(f"wrote public key {key.key_id} ({key.name}) to {out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_keys_trust(args: argparse.Namespace) -> int:
    from cdassess.signing import KeyStore, parse_public_key

    path = Path(args.path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CdassessError(f"{path}: cannot be read ({exc})") from None
    store = KeyStore()
    key = parse_public_key(text, name=args.name or "", source=str(path))
    if key.key_id == store.own_public().key_id:
        print(f"{key.key_id} is this installation's own key; it is always trusted")
        return 0
    key = store.trust(text, name=args.name or "", source=str(path))
    print(f"trusted key {key.key_id} ({key.name}); certificates it signed now verify here")
    return 0


def cmd_keys_passphrase(args: argparse.Namespace) -> int:
    import getpass
    import os

    from cdassess.signing import PASSPHRASE_ENV, KeyStore

    new = os.environ.get("CDASSESS_NEW_KEY_PASSPHRASE")
    if new is None:
        if args.remove:
            new = ""
        elif sys.stdin.isatty():
            new = getpass.getpass("new passphrase: ")
            if getpass.getpass("again: ") != new:
                raise InvalidValueError("the two passphrases differ; nothing was changed")
        else:
            raise InvalidValueError("give the new passphrase on a terminal or in $CDASSESS_NEW_KEY_PASSPHRASE")
    store = KeyStore()
    store.set_passphrase("" if args.remove else new)
    print("the signing key is " + ("no longer protected by a passphrase" if args.remove or not new else
                                   f"protected by a passphrase (asked when it signs, or ${PASSPHRASE_ENV})"))
    return 0


def cmd_keys_untrust(args: argparse.Namespace) -> int:
    from cdassess.signing import KeyStore

    key_id = args.key_id.strip().upper()
    if not KeyStore().untrust(key_id):
        raise CdassessError(f"key {key_id} is not among the trusted keys (see 'cdassess keys list')")
    print(f"no longer trusted: key {key_id}; certificates it signed no longer verify here")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from cdassess.revocation import revoke

    entry = revoke(args.number, args.reason)
    print(f"revoked {entry['no']} ({entry['reason']}); publish the list with 'cdassess keys export-crl -o FILE'")
    return 0


def cmd_keys_export_crl(args: argparse.Namespace) -> int:
    from cdassess.outputs import atomic_output
    from cdassess.revocation import export_crl

    text = export_crl()
    if Path(args.output).exists() and not args.force:
        raise CdassessError(f"{args.output}: already exists (use --force to overwrite)")
    with atomic_output(args.output, force=bool(args.force), kind="json") as tmp:
        tmp.write_text(text, encoding="utf-8")
    out = Path(args.output)
    print(f"wrote the signed revocation list to {out}")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    from cdassess.signing import KeyStore

    store = KeyStore()
    own = store.own_public()
    trusted = store.trusted()
    if args.json:
        json.dump({"own": {"key_id": own.key_id, "name": own.name},
                   "trusted": [{"key_id": k.key_id, "name": k.name} for k in trusted]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"own      {own.key_id}  {own.name}  ({store.root})")
    for k in trusted:
        print(f"trusted  {k.key_id}  {k.name}")
    if not trusted:
        print("(no other trusted keys; add one with 'cdassess keys trust FILE')")
    return 0


def register(sub: Any) -> None:
    rep = sub.add_parser("report", help="write the gap report or the certificate (PDF)").add_subparsers(
        dest="report_command", metavar="KIND")
    p = rep.add_parser("gap", help="the workshop gap report (A4 PDF, or an editable Word document for -o X.docx)")
    p.add_argument("file", metavar="FILE", help="the assessment file (.cdassess)")
    p.add_argument("-o", "--output", required=True, metavar="GAP.pdf")
    p.add_argument("--force", action="store_true", help="replace an existing file of another kind")
    p.add_argument("--lang", choices=["zh", "en", "both"], default="both", help="report language (default both)")
    p.add_argument("--target", type=level_number, help="target level (default: the assessment's)")
    p.add_argument("--profile", choices=["full", "confidential"], default="full",
                   help="confidential leaves out people, internal notes and evidence details (to share outside)")
    p.set_defaults(handler=cmd_report_gap)
    p = rep.add_parser("options", help="show or set the gap report's options saved in the assessment: sections, "
                                       "logo, cover text, signature block")
    p.add_argument("file", metavar="FILE", help="the assessment file (.cdassess)")
    p.add_argument("--sections", nargs="+", metavar="SECTION",
                   help="print only these sections (summary heatmap gaps not_applicable blockers disagreements "
                        "evidence appendix signatures; the cover is always printed)")
    p.add_argument("--omit", nargs="+", metavar="SECTION", help="leave these sections out (the others stay)")
    p.add_argument("--all-sections", action="store_true", help="print every section again")
    p.add_argument("--logo", metavar="IMAGE", help="the organization's logo (PNG or JPEG, at most 1 MB; stored in "
                                                    "the file)")
    p.add_argument("--no-logo", action="store_true", help="remove the logo")
    p.add_argument("--cover-text", metavar="TEXT", help="text on the cover under the status box ('' removes it; "
                                                         "\\n starts a new line)")
    p.add_argument("--signature", action="append", metavar="NAME|ROLE",
                   help="a line of the signature block (repeat for more; replaces the saved ones)")
    p.add_argument("--no-signatures", action="store_true", help="remove the signature block")
    p.add_argument("--json", action="store_true", help="print the options as JSON")
    p.set_defaults(handler=cmd_report_options)
    p = rep.add_parser("certificate", help="the signed certificate (locked assessments only)")
    p.add_argument("file", metavar="FILE", help="the assessment file (.cdassess)")
    p.add_argument("-o", "--output", required=True, metavar="CERT.pdf")
    p.add_argument("--force", action="store_true", help="replace an existing file of another kind")
    p.add_argument("--level", type=level_number, help="level to certify (default: the overall level reached)")
    p.add_argument("--valid-years", type=int, default=3, help="validity in years (default 3)")
    p.add_argument("--issued", metavar="YYYY-MM-DD", help="issue date (default today)")
    p.set_defaults(handler=cmd_report_certificate)

    p = sub.add_parser("verify", help="check a certificate (PDF, or a scan or photo of it) offline and print its facts")
    p.add_argument("certificate", nargs="?", metavar="CERT.pdf|SCAN.png")
    p.add_argument("--code", help="the QR code's text (CDA1...) or the printed verification code (CDS1...), "
                   "instead of the PDF")
    p.add_argument("--against", metavar="FILE.cdassess",
                   help="also say whether the certificate is still the current one of this assessment file "
                        "(valid, superseded, or unknown to this file)")
    p.add_argument("--crl", metavar="CRL.json", help="a revocation list ('keys export-crl'): a revoked certificate "
                   "fails")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_verify)

    _register_keys(sub)


def _register_keys(sub: Any) -> None:
    keys = sub.add_parser("keys", help="the signing key of this installation and trusted keys").add_subparsers(
        dest="keys_command", metavar="ACTION")
    p = keys.add_parser("export", help="print or write this installation's verification bundle (public key, "
                        "fingerprint, name) for 'keys trust'")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--pem", action="store_true", help="PEM instead of the compact cdassess form")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_keys_export)
    p = keys.add_parser("trust", help="trust a public key exported by another installation")
    p.add_argument("path", metavar="FILE")
    p.add_argument("--name", help="who the key belongs to (default: the name in the file)")
    p.set_defaults(handler=cmd_keys_trust)
    p = keys.add_parser("passphrase", help="protect the signing key with a passphrase (or --remove it)")
    p.add_argument("--remove", action="store_true")
    p.set_defaults(handler=cmd_keys_passphrase)
    p = keys.add_parser("untrust", help="stop trusting a key (by its fingerprint, as 'keys list' shows it)")
    p.add_argument("key_id", metavar="FINGERPRINT")
    p.set_defaults(handler=cmd_keys_untrust)
    p = keys.add_parser("revoke", help="revoke a certificate this installation issued")
    p.add_argument("number", metavar="NUMBER", help="the certificate number, e.g. CDA-2026-ABCDEFGH")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_keys_revoke)
    p = keys.add_parser("export-crl", help="write the signed revocation list (for 'verify --crl')")
    p.add_argument("-o", "--output", required=True, metavar="CRL.json")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_keys_export_crl)
    p = keys.add_parser("list", help="own and trusted keys")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_keys_list)
