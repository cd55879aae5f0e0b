"""The catalogue's schema as named migrations, the same SQL on SQLite and PostgreSQL.

Append new steps at the end; never edit a released one. ``catalogue_schema`` records the applied names; a
catalogue holding a name this program does not know was written by a newer cdassess and is refused.
"""

from __future__ import annotations

import zlib

from cdassess.catalogue.db import CatalogueDb, CatalogueError, now_iso

SCHEMA_TABLE = "catalogue_schema"

# Types both databases accept with the same meaning: TEXT, INTEGER, BIGINT (SQLite: integer affinity),
# DOUBLE PRECISION (SQLite: real affinity).
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("0001_initial", (
        """CREATE TABLE assessments (
            id TEXT PRIMARY KEY,
            organization TEXT NOT NULL,
            project TEXT NOT NULL,
            business_unit TEXT NOT NULL DEFAULT '',
            scope TEXT NOT NULL DEFAULT '',
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            model_name_zh TEXT NOT NULL DEFAULT '',
            model_name_en TEXT NOT NULL DEFAULT '',
            min_level INTEGER NOT NULL,
            max_level INTEGER NOT NULL,
            status TEXT NOT NULL,
            certificates INTEGER NOT NULL DEFAULT 0,
            assessors TEXT NOT NULL DEFAULT '',
            level_rule TEXT NOT NULL DEFAULT 'strict',
            target_level INTEGER NOT NULL,
            overall_level INTEGER NOT NULL,
            target_met INTEGER NOT NULL,
            rated INTEGER NOT NULL,
            total INTEGER NOT NULL,
            gaps INTEGER NOT NULL,
            start_date TEXT,
            end_date TEXT,
            assessed_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            locked_at TEXT,
            audit_seq INTEGER NOT NULL,
            audit_at TEXT NOT NULL,
            audit_head TEXT NOT NULL,
            profile TEXT NOT NULL,
            source_path TEXT NOT NULL,
            added_at TEXT NOT NULL
        )""",
        "CREATE INDEX assessments_unit ON assessments (business_unit)",
        "CREATE INDEX assessments_model ON assessments (model_id)",
        "CREATE INDEX assessments_project ON assessments (organization, project)",
        """CREATE TABLE nodes (
            assessment_id TEXT NOT NULL,
            node_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            parent_id TEXT,
            domain_id TEXT NOT NULL,
            name_zh TEXT NOT NULL DEFAULT '',
            name_en TEXT NOT NULL DEFAULT '',
            level INTEGER NOT NULL,
            score DOUBLE PRECISION NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (assessment_id, node_id)
        )""",
        "CREATE INDEX nodes_kind ON nodes (kind, node_id)",
        """CREATE TABLE requirements (
            assessment_id TEXT NOT NULL,
            req_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            level INTEGER NOT NULL,
            status TEXT NOT NULL,
            satisfied INTEGER NOT NULL,
            gap INTEGER NOT NULL,
            needs_review INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (assessment_id, req_id)
        )""",
        "CREATE INDEX requirements_gap ON requirements (gap, req_id)",
        """CREATE TABLE findings (
            assessment_id TEXT NOT NULL,
            finding_id INTEGER NOT NULL,
            req_id TEXT,
            observation TEXT NOT NULL,
            recommendation TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            due_date TEXT NOT NULL DEFAULT '',
            priority TEXT NOT NULL DEFAULT 'medium',
            is_open INTEGER NOT NULL,
            PRIMARY KEY (assessment_id, finding_id)
        )""",
        "CREATE INDEX findings_owner ON findings (owner, due_date)",
        """CREATE TABLE source_files (
            path TEXT PRIMARY KEY,
            size BIGINT NOT NULL,
            mtime_ns BIGINT NOT NULL,
            wal_size BIGINT NOT NULL,
            wal_mtime_ns BIGINT NOT NULL,
            assessment_id TEXT NOT NULL,
            audit_head TEXT NOT NULL,
            profile TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )""",
        """CREATE TABLE model_requirements (
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            req_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            level INTEGER NOT NULL,
            text_zh TEXT NOT NULL DEFAULT '',
            text_en TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (model_id, model_version, req_id)
        )""",
    )),
    ("0002_rule_scores", (
        # the model's own scoring rule (weighted, coverage); NULL for CAICT's cumulative rule, which has none
        "ALTER TABLE assessments ADD COLUMN overall_score DOUBLE PRECISION",
        "ALTER TABLE nodes ADD COLUMN rule_score DOUBLE PRECISION",
    )),
    ("0003_report_indexes", (
        # covering indexes for the report's two big reads (domain levels, gap counts): no row lookups
        "CREATE INDEX nodes_levels ON nodes (kind, assessment_id, node_id, level, score, position)",
        "CREATE INDEX requirements_gaps ON requirements (gap, req_id, domain_id, level, assessment_id)",
    )),
)
MIGRATION_NAMES = tuple(name for name, _ in MIGRATIONS)
SCHEMA_VERSION = len(MIGRATIONS)
_LOCK_KEY = zlib.crc32(b"cdassess catalogue schema") & 0x7FFFFFFF


def applied(db: CatalogueDb) -> list[str]:
    if not db.table_exists(SCHEMA_TABLE):
        return []
    return [str(r["name"]) for r in db.query(f"SELECT name FROM {SCHEMA_TABLE} ORDER BY name")]


def check_known(db: CatalogueDb, names: list[str]) -> None:
    unknown = [n for n in names if n not in MIGRATION_NAMES]
    if unknown:
        raise CatalogueError(f"{db.name}: written by a newer cdassess (catalogue schema {len(names)}, this program "
                             f"reads up to {SCHEMA_VERSION}; unknown step {unknown[0]}); update cdassess to use it")


def migrate(db: CatalogueDb) -> int:
    """Create or upgrade the schema in one transaction (two machines at once: one waits); returns steps applied."""
    with db.transaction(lock_key=_LOCK_KEY):
        db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = applied(db)
        check_known(db, done)
        steps = 0
        for name, statements in MIGRATIONS:
            if name in done:
                continue
            for sql in statements:
                db.execute(sql)
            db.execute(f"INSERT INTO {SCHEMA_TABLE} (name, applied_at) VALUES (?, ?)", [name, now_iso()])
            steps += 1
    return steps


def check_readable(db: CatalogueDb) -> None:
    """A catalogue opened for reading: ours, not newer, fully migrated."""
    done = applied(db)
    if not done:
        raise CatalogueError(f"{db.name}: not a cdassess catalogue (no catalogue schema; create one with "
                             "cdassess catalogue add)")
    check_known(db, done)
    if len(done) < SCHEMA_VERSION:
        raise CatalogueError(f"{db.name}: written by an older cdassess; run cdassess catalogue add on it once to "
                             "upgrade it")
