"""The catalogue's one small dialect layer: SQLite (the standard library) or PostgreSQL (psycopg 3).

Every query of the catalogue is written once, in the SQL both databases share (``?`` placeholders,
``INSERT ... ON CONFLICT ... DO UPDATE ... WHERE``, ``RETURNING``, window functions); this layer only
translates the placeholders for psycopg, opens the connection, and runs a block of statements as one
transaction that takes the write lock at its start (SQLite ``BEGIN IMMEDIATE``; PostgreSQL row locks taken by
the upserts themselves, so two machines adding the same assessment at once serialize on its row).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cdassess.errors import CdassessError

CATALOGUE_APPLICATION_ID = 0x43444354  # "CDCT": marks a SQLite file as a cdassess catalogue
ASSESSMENT_APPLICATION_ID = 0x43444153  # "CDAS": an assessment file, never a catalogue


class CatalogueError(CdassessError):
    """The catalogue cannot be used: unreachable, refused, of a newer schema, not a catalogue."""


def now_iso() -> str:
    """The current UTC time as the assessment files write it (milliseconds, Z)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def redact_url(url: str) -> str:
    """The URL with its password replaced, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


class CatalogueDb:
    """One open catalogue connection. ``dialect`` is ``"sqlite"`` or ``"postgresql"``."""

    dialect: str
    name: str  # the path or the redacted URL, for messages

    def __init__(self, conn: Any, dialect: str, name: str, *, readonly: bool) -> None:
        self.conn = conn
        self.dialect = dialect
        self.name = name
        self.readonly = readonly
        self._in_tx = False

    # ------------------------------------------------------------------------------------ open

    @classmethod
    def open(cls, target: str | Path, *, readonly: bool = False, create: bool = False) -> CatalogueDb:
        if is_postgres(target):
            return cls._open_postgres(str(target), readonly=readonly)
        return cls._open_sqlite(Path(target), readonly=readonly, create=create)

    @classmethod
    def _open_sqlite(cls, path: Path, *, readonly: bool, create: bool) -> CatalogueDb:
        if path.is_dir():
            raise CatalogueError(f"{path}: is a folder; give the catalogue's file name (e.g. portfolio.sqlite)")
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise CatalogueError(f"{path}: no such catalogue (create it with: cdassess catalogue add {path} FOLDER)")
        if not exists and not path.parent.is_dir():
            raise CatalogueError(f"{path}: the folder {path.parent} does not exist")
        if exists:
            with path.open("rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise CatalogueError(f"{path}: not a cdassess catalogue (not an SQLite database)")
        try:
            if readonly:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                       timeout=30, check_same_thread=False)
            else:
                conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
            app_id = _check_sqlite_identity(conn, path, exists)
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                if app_id != CATALOGUE_APPLICATION_ID:
                    conn.execute(f"PRAGMA application_id = {CATALOGUE_APPLICATION_ID}")
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(f"{path}: the catalogue cannot be read ({exc})") from None
        return cls(conn, "sqlite", str(path), readonly=readonly)

    @classmethod
    def _open_postgres(cls, url: str, *, readonly: bool) -> CatalogueDb:
        name = redact_url(url)
        try:
            import psycopg
        except ImportError:
            raise CatalogueError(f"{name}: a PostgreSQL catalogue needs psycopg (pip install 'cdassess[catalogue]')"
                                 ) from None
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=5,
                                   application_name="cdassess catalogue")
        except psycopg.Error as exc:
            raise CatalogueError(f"{name}: cannot connect to the PostgreSQL catalogue ({_first_line(exc)})") from None
        if readonly:
            conn.execute("SET default_transaction_read_only = on")
        return cls(conn, "postgresql", name, readonly=readonly)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def __enter__(self) -> CatalogueDb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------ statements

    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(self._sql(sql), tuple(params))
        except Exception as exc:
            raise self._translate(exc) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            if self.dialect == "postgresql":
                with self.conn.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                self.conn.executemany(sql, rows)
        except Exception as exc:
            raise self._translate(exc) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.execute(sql, params)
        keys = [d[0] for d in cur.description]
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def table_exists(self, name: str) -> bool:
        if self.dialect == "postgresql":
            return bool(self.scalar("SELECT to_regclass(?) IS NOT NULL", [name]))
        return bool(self.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [name]) == 1)

    @contextlib.contextmanager
    def transaction(self, lock_key: int | None = None) -> Iterator[None]:
        """One all-or-nothing block; SQLite takes the write lock at once, PostgreSQL an optional advisory lock."""
        if self._in_tx:
            yield
            return
        self._in_tx = True
        try:
            if self.dialect == "postgresql":
                try:
                    with self.conn.transaction():
                        if lock_key is not None:
                            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key,))
                        yield
                except CdassessError:
                    raise
                except Exception as exc:
                    if _is_db_error(exc):
                        raise self._translate(exc) from exc
                    raise
            else:
                self.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self.conn.rollback()
                    raise
                self.execute("COMMIT")
        finally:
            self._in_tx = False

    def _translate(self, exc: Exception) -> Exception:
        if isinstance(exc, CdassessError):
            return exc
        if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc).replace(" ", ""):
            return CatalogueError(f"{self.name}: the catalogue is read-only ({exc})")
        if isinstance(exc, sqlite3.DatabaseError) or _is_db_error(exc):
            return CatalogueError(f"{self.name}: the catalogue refused the operation ({_first_line(exc)})")
        return exc


_PLACEHOLDER = re.compile(r"\?")


def _check_sqlite_identity(conn: sqlite3.Connection, path: Path, exists: bool) -> int:
    """The file's application id; refuses (closing ``conn``) an assessment file or another application's file."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == ASSESSMENT_APPLICATION_ID:
        conn.close()
        raise CatalogueError(f"{path}: is an assessment file, not a catalogue; give the catalogue's own "
                             "file name first (cdassess catalogue add CATALOGUE FILE...)")
    if exists and app_id != CATALOGUE_APPLICATION_ID:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            conn.close()
            raise CatalogueError(f"{path}: an SQLite database of another application, not a cdassess catalogue")
    return app_id


def _is_db_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("psycopg")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__
