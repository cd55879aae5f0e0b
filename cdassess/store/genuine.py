"""Is this a genuine cdassess file? Its schema is compared with the one its version must have.

SQLite keeps a file's schema (tables, indexes, triggers, views) as SQL text inside the file, and runs the
triggers and views it finds there. A crafted file can hide SQL that rewrites ratings on the next edit or a
view that never ends. Before anything else is read, every object in ``sqlite_master`` is compared with the
schema cdassess itself creates for the file's applied migrations; anything unknown, missing or altered is
refused (:class:`NotGenuineError`).

The expected schema is derived, not written down: the migrations are applied to a fresh in-memory database
(sqlite-utils, slow to import) once per schema version, SQLite version and migration source, and the result
is cached in memory and in the user's data folder, so a normal open does not import sqlite-utils.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cdassess.errors import AssessmentFileError, Problem
from cdassess.store.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE

CACHE_FORMAT = 1


@dataclass(frozen=True)
class SchemaObject:
    type: str  # table, index, trigger, view
    name: str
    table: str
    sql: str | None  # normalised SQL text; None for SQLite's automatic indexes


Schema = dict[tuple[str, str], SchemaObject]


class NotGenuineError(AssessmentFileError):
    """The file's schema is not the one cdassess creates: it is not opened (or only through the unsafe path)."""

    def __init__(self, message: str, problems: Sequence[Problem]) -> None:
        super().__init__(message)
        self.problems = list(problems)


# ------------------------------------------------------------------------------------ SQL text, normalised

_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<c1>--[^\n]*)|(?P<c2>/\*.*?(?:\*/|\Z))
       |(?P<str>'(?:[^']|'')*'?)
       |(?P<dq>"(?:[^"]|"")*"?)|(?P<br>\[[^\]]*\]?)|(?P<bt>`(?:[^`]|``)*`?)
       |(?P<word>[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*)
       |(?P<num>[0-9][0-9A-Za-z_.]*)
       |(?P<op>.)""",
    re.S | re.X,
)
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@functools.lru_cache(maxsize=512)
def normalise_sql(sql: str) -> str:
    """The SQL as a canonical token string: spacing, comments and identifier quoting do not matter.

    ``"x"``, ``[x]``, `` `x` `` and ``x`` are the same identifier (sqlite-utils changed its quoting between
    versions); case is kept: SQLite ignores it, but cdassess reads columns by their exact names.
    """
    out: list[str] = []
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup
        text = m.group()
        if kind in ("ws", "c1", "c2"):
            continue
        if kind in ("dq", "br", "bt"):
            inner = text[1:-1] if len(text) > 1 else ""
            if kind == "dq":
                inner = inner.replace('""', '"')
            elif kind == "bt":
                inner = inner.replace("``", "`")
            out.append(inner if _PLAIN.match(inner) else '"' + inner.replace('"', '""') + '"')
        else:
            out.append(text)
    return " ".join(out)


def read_schema(conn: sqlite3.Connection) -> Schema:
    """Every object in the file's ``sqlite_master`` (reading it runs nothing the file holds)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    schema: Schema = {}
    for type_, name, table, sql in rows:
        obj = SchemaObject(str(type_), str(name), str(table),
                           normalise_sql(sql) if isinstance(sql, str) else None)
        schema[(obj.type, obj.name.lower())] = obj
    return schema


# ------------------------------------------------------------------------------------ the expected schema

_memory: dict[tuple[str, ...], Schema] = {}


def _source_fingerprint() -> str:
    """What the derived schema depends on: the migrations' source, their names, the SQLite library."""
    digest = hashlib.sha256()
    digest.update(f"{CACHE_FORMAT}\0{sqlite3.sqlite_version}\0{MIGRATION_SET}\0".encode())
    digest.update("\0".join(MIGRATION_NAMES).encode())
    try:  # the migrations and this module's normalisation
        for name in ("schema.py", "genuine.py"):
            digest.update(Path(__file__).with_name(name).read_bytes())
    except OSError:  # a frozen bundle without sources: the program's version stands for its migrations
        from cdassess import __version__

        digest.update(__version__.encode())
    return digest.hexdigest()


def _cache_file(applied: tuple[str, ...]) -> Path | None:
    try:
        from cdassess.paths import user_data_dir

        folder = user_data_dir() / "cache"
    except OSError:
        return None
    key = hashlib.sha256((_source_fingerprint() + "\0" + "\0".join(applied)).encode()).hexdigest()[:32]
    return folder / f"schema-{key}.json"


def _to_json(schema: Schema) -> str:
    return json.dumps([[o.type, o.name, o.table, o.sql] for o in schema.values()], ensure_ascii=False)


def _from_json(text: str) -> Schema:
    schema: Schema = {}
    for type_, name, table, sql in json.loads(text):
        obj = SchemaObject(str(type_), str(name), str(table), None if sql is None else str(sql))
        schema[(obj.type, obj.name.lower())] = obj
    return schema


def derive_schema(applied: tuple[str, ...]) -> Schema:
    """Apply the migrations ``applied`` (a prefix of the registered ones) to a fresh in-memory database."""
    from sqlite_utils import Database

    from cdassess.store.schema import migrations

    names = list(MIGRATION_NAMES)
    if tuple(names[:len(applied)]) != applied:
        raise ValueError(f"not a prefix of the registered migrations: {applied}")
    conn = sqlite3.connect(":memory:")
    try:
        db = Database(conn, execute_plugins=False)
        if len(applied) < len(names):
            migrations.apply(db, stop_before=names[len(applied)])
        else:
            migrations.apply(db)
        return read_schema(conn)
    finally:
        conn.close()


_derived: set[tuple[str, ...]] = set()  # versions derived in this process (not read from the disk cache)


def rederive() -> bool:
    """Derive again every schema read from the disk cache; True if there were any (then compare again)."""
    stale = set(_memory) - _derived
    for key in stale:
        _memory[key] = derive_schema(key)
        _derived.add(key)
        cache = _cache_file(key)
        if cache is not None:
            _write_cache(cache, _to_json(_memory[key]))
    return bool(stale)


def expected_schema(applied: Sequence[str]) -> Schema:
    """The schema a genuine file with these migrations applied has (memory, then disk cache, then derived)."""
    key = tuple(applied)
    found = _memory.get(key)
    if found is not None:
        return found
    cache = _cache_file(key)
    if cache is not None:
        with contextlib.suppress(OSError, ValueError, TypeError):
            found = _from_json(cache.read_text(encoding="utf-8"))
    if found is None:
        found = derive_schema(key)
        _derived.add(key)
        if cache is not None:
            _write_cache(cache, _to_json(found))
    _memory[key] = found
    return found


def _write_cache(path: Path, text: str) -> None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".schema-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def warm_cache() -> None:
    """Derive the current version's schema now (called where sqlite-utils is imported anyway)."""
    expected_schema(MIGRATION_NAMES)


# ------------------------------------------------------------------------------------ the comparison

def _differs_near(found: str, expected: str) -> str:
    """A few words of the file's SQL where it first departs from cdassess's."""
    a, b = found.split(" "), expected.split(" ")
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if i >= len(a):
        return f"it lacks '{' '.join(b[i:i + 8])[:80]}'"
    return f"near '{' '.join(a[i:i + 8])[:80]}'"


def compare(found: Schema, expected: Schema) -> list[Problem]:
    """Each object that is unknown, missing or altered, named."""
    problems: list[Problem] = []
    for key in sorted(found.keys() - expected.keys()):
        obj = found[key]
        on = f" on table {obj.table}" if obj.type in ("trigger", "index") else ""
        problems.append(Problem("schema", f"it has an unknown {obj.type} '{obj.name}'{on}"))
    for key in sorted(expected.keys() - found.keys()):
        obj = expected[key]
        problems.append(Problem("schema", f"it lacks cdassess's {obj.type} '{obj.name}'"))
    for key in sorted(found.keys() & expected.keys()):
        got, want = found[key], expected[key]
        if got.name != want.name:
            problems.append(Problem("schema", f"its {got.type} '{want.name}' was renamed to '{got.name}'"))
        elif got.table != want.table:
            problems.append(Problem("schema", f"its {got.type} '{got.name}' belongs to table {got.table}, "
                                              f"not {want.table}"))
        elif got.sql != want.sql:
            near = _differs_near(got.sql or "", want.sql or "")
            problems.append(Problem("schema", f"its {got.type} '{got.name}' was altered ({near})"))
    return problems


def applied_migrations(conn: sqlite3.Connection, found: Schema) -> tuple[str, ...] | None:
    """The file's applied migrations in order, read only once their table is known to be genuine."""
    table = found.get(("table", MIGRATIONS_TABLE.lower()))
    if table is None:
        return None
    reference = expected_schema(MIGRATION_NAMES)  # the table is the same in every version
    want = reference.get(("table", MIGRATIONS_TABLE.lower()))
    if want is None or table.sql != want.sql:
        return None
    rows = conn.execute(f"SELECT name FROM main.{MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                        [MIGRATION_SET]).fetchall()
    return tuple(str(r[0]) for r in rows)


@dataclass
class Verdict:
    problems: list[Problem]  # differences from the genuine schema (empty: genuine)
    applied: tuple[str, ...]  # the file's applied migrations, in order
    newer: bool  # it names migrations this program does not know (written by a newer cdassess)
    trusted: set[str]  # lower-case names of the triggers and views that are exactly cdassess's


def verify_schema(conn: sqlite3.Connection) -> Verdict:
    """Compare the file's schema with the genuine one for its applied migrations.

    A difference found against a schema read from the disk cache is confirmed against a freshly derived one
    before the file is refused (a cache left by another build of cdassess never refuses a genuine file).
    """
    verdict = _verify_schema(conn)
    if verdict.problems and rederive():
        verdict = _verify_schema(conn)
    return verdict


def _verify_schema(conn: sqlite3.Connection) -> Verdict:
    found = read_schema(conn)
    applied = applied_migrations(conn, found)
    if applied is None:
        table = found.get(("table", MIGRATIONS_TABLE.lower()))
        what = "lacks its" if table is None else "has an altered"
        return Verdict([Problem("schema", f"it {what} record of its schema version (table {MIGRATIONS_TABLE})")],
                       (), False, set())
    if set(applied) - set(MIGRATION_NAMES):
        return Verdict([], applied, True, set())
    if tuple(MIGRATION_NAMES[:len(applied)]) != applied:
        return Verdict([Problem("schema", f"its migrations were applied out of order ({', '.join(applied)})")],
                       applied, False, set())
    expected = expected_schema(applied)
    trusted = {o.name.lower() for k, o in found.items() if o.type in ("trigger", "view") and expected.get(k) == o}
    return Verdict(compare(found, expected), applied, False, trusted)


def refusal(path: Path, problems: Sequence[Problem], *, unsafe_hint: bool = True) -> NotGenuineError:
    first = problems[0].message
    more = f" (and {len(problems) - 1} more difference{'s' if len(problems) > 2 else ''})" \
        if len(problems) > 1 else ""
    hint = "; 'cdassess check' lists every difference, --unsafe-read-only reads it without running its SQL" \
        if unsafe_hint else ""
    return NotGenuineError(
        f"{path} is not a genuine cdassess file: {first}{more}; it may have been crafted to run SQL, so it was "
        f"not opened{hint}", problems)




