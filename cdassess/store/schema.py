"""Schema of the assessment file, as sqlite-utils migrations. Append new steps; never edit a released one."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from cdassess.store.versions import APPLICATION_ID, MIGRATION_SET

__all__ = ["APPLICATION_ID", "migrations"]


migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    _run(db, """
        CREATE TABLE assessment (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            uuid TEXT NOT NULL,
            organization TEXT NOT NULL,
            project TEXT NOT NULL,
            scope TEXT NOT NULL DEFAULT '',
            assessors TEXT NOT NULL DEFAULT '[]',
            target_level INTEGER NOT NULL,
            level_rule TEXT NOT NULL DEFAULT 'strict',
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'locked')),
            locked_at TEXT,
            locked_by TEXT,
            frozen_digest TEXT,
            start_date TEXT,
            end_date TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            app_version TEXT NOT NULL
        );
        CREATE TABLE model_snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            json TEXT NOT NULL
        );
        CREATE TABLE rating (
            req_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('met', 'partial', 'not_met', 'na', 'unrated')),
            note TEXT NOT NULL DEFAULT '',
            justification TEXT NOT NULL DEFAULT '',
            needs_review INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE TABLE claim (
            req_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('met', 'partial', 'not_met', 'na', 'unrated')),
            evidence_text TEXT NOT NULL DEFAULT '',
            evidence_refs TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE finding (
            id INTEGER PRIMARY KEY,
            req_id TEXT,
            observation TEXT NOT NULL,
            recommendation TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            due_date TEXT NOT NULL DEFAULT '',
            priority TEXT NOT NULL DEFAULT 'medium' CHECK (priority IN ('high', 'medium', 'low')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX finding_req ON finding(req_id);
        CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            original_name TEXT NOT NULL,
            media_type TEXT NOT NULL DEFAULT 'application/octet-stream',
            collected_on TEXT NOT NULL DEFAULT '',
            provided_by TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL
        );
        CREATE TABLE evidence_chunk (
            evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (evidence_id, seq)
        );
        CREATE TABLE evidence_link (
            evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
            req_id TEXT NOT NULL,
            linked_at TEXT NOT NULL,
            PRIMARY KEY (evidence_id, req_id)
        );
        CREATE INDEX evidence_link_req ON evidence_link(req_id);
        CREATE TABLE interview (
            id INTEGER PRIMARY KEY,
            held_on TEXT NOT NULL,
            interviewees TEXT NOT NULL,
            interviewer TEXT NOT NULL DEFAULT '',
            topic TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            old TEXT,
            new TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """)


@migrations(name="0002_cycles")
def _cycles(db: Database) -> None:
    """Assessment cycles: the predecessor of a re-assessment, last cycle's ratings, the evidence lifecycle."""
    _run(db, """
        CREATE TABLE cycle_predecessor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            json TEXT NOT NULL
        );
        CREATE TABLE previous_rating (
            req_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            justification TEXT NOT NULL DEFAULT '',
            rated_at TEXT NOT NULL DEFAULT '',
            rated_by TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT 'reassess',
            flagged_at TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE evidence_review (
            evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,
            status TEXT NOT NULL DEFAULT 'submitted'
                CHECK (status IN ('submitted', 'accepted', 'rejected', 'expired')),
            reason TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            reviewed_at TEXT NOT NULL DEFAULT '',
            represents_date TEXT NOT NULL DEFAULT '',
            valid_until TEXT NOT NULL DEFAULT ''
        );
        """)


@migrations(name="0003_business_unit")
def _business_unit(db: Database) -> None:
    """The business unit (division) an assessed project belongs to: the portfolio catalogue groups by it."""
    _run(db, "ALTER TABLE assessment ADD COLUMN business_unit TEXT NOT NULL DEFAULT '';")


@migrations(name="0004_any_rating_scale")
def _any_rating_scale(db: Database) -> None:
    """Statuses are option ids of the model's rating scale: rebuild rating and claim without the CAICT CHECK."""
    _run(db, """
        CREATE TABLE rating_new (
            req_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (length(status) > 0),
            note TEXT NOT NULL DEFAULT '',
            justification TEXT NOT NULL DEFAULT '',
            needs_review INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        INSERT INTO rating_new SELECT req_id, status, note, justification, needs_review, updated_at, updated_by
            FROM rating;
        DROP TABLE rating;
        ALTER TABLE rating_new RENAME TO rating;
        CREATE TABLE claim_new (
            req_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (length(status) > 0),
            evidence_text TEXT NOT NULL DEFAULT '',
            evidence_refs TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO claim_new SELECT req_id, status, evidence_text, evidence_refs, owner, comment, updated_at, source
            FROM claim;
        DROP TABLE claim;
        ALTER TABLE claim_new RENAME TO claim;
        """)


@migrations(name="0005_certificate_register")
def _certificate_register(db: Database) -> None:
    """The certificates issued from this file, and a marker in the audit log of an upgraded file: locks after
    it are signed (cdassess.sealing), locks before it were made by an older cdassess and are not."""
    _run(db, """
        CREATE TABLE certificate (
            number TEXT PRIMARY KEY,
            level INTEGER NOT NULL,
            scope TEXT NOT NULL DEFAULT '',
            issued TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            digest TEXT NOT NULL,
            audit_seq INTEGER NOT NULL,
            audit_head TEXT NOT NULL,
            key_id TEXT NOT NULL,
            code TEXT NOT NULL,
            results TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'superseded')),
            superseded_at TEXT,
            superseded_reason TEXT NOT NULL DEFAULT '',
            issued_at TEXT NOT NULL,
            issued_by TEXT NOT NULL
        );
        """)
    from cdassess.store import audit as audit_log
    from cdassess.store.db import Db

    if db.execute("SELECT count(*) FROM audit").fetchone()[0]:
        entry = audit_log.append(Db(db.conn), "cdassess", "upgrade", "schema", None,
                                 {"migration": "0005_certificate_register", "locks": "signed from here on"})
        db.execute("UPDATE assessment SET updated_at = ? WHERE id = 1", [entry.at])


@migrations(name="0006_team_copies")
def _team_copies(db: Database) -> None:
    """Team assessments (cdassess/team.py): a copy's origin, ancestor snapshots, merge bookkeeping, and stable
    identities for findings and interviews (their integer ids differ between copies)."""
    _run(db, """
        CREATE TABLE copy_origin (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            copy_id TEXT NOT NULL,
            parent_id TEXT NOT NULL,
            chain TEXT NOT NULL,
            assessor TEXT NOT NULL,
            domains TEXT NOT NULL DEFAULT '[]',
            copied_at TEXT NOT NULL,
            copied_by TEXT NOT NULL
        );
        CREATE TABLE team_ancestor (
            ancestor TEXT PRIMARY KEY,
            snapshot TEXT NOT NULL
        );
        CREATE TABLE team_copy (
            copy_id TEXT PRIMARY KEY,
            assessor TEXT NOT NULL,
            domains TEXT NOT NULL DEFAULT '[]',
            file_name TEXT NOT NULL DEFAULT '',
            handed_out_at TEXT,
            handed_out_seq INTEGER,
            base_digest TEXT,
            merged_seq INTEGER,
            merged_head TEXT,
            merged_at TEXT
        );
        CREATE TABLE team_merged (
            copy_id TEXT PRIMARY KEY,
            snapshot TEXT NOT NULL
        );
        ALTER TABLE finding ADD COLUMN uuid TEXT;
        UPDATE finding SET uuid = lower(hex(randomblob(16))) WHERE uuid IS NULL;
        CREATE UNIQUE INDEX finding_uuid ON finding(uuid);
        CREATE TRIGGER finding_uuid_default AFTER INSERT ON finding WHEN NEW.uuid IS NULL
            BEGIN UPDATE finding SET uuid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
        ALTER TABLE interview ADD COLUMN uuid TEXT;
        UPDATE interview SET uuid = lower(hex(randomblob(16))) WHERE uuid IS NULL;
        CREATE UNIQUE INDEX interview_uuid ON interview(uuid);
        CREATE TRIGGER interview_uuid_default AFTER INSERT ON interview WHEN NEW.uuid IS NULL
            BEGIN UPDATE interview SET uuid = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
        """)


@migrations(name="0007_report_options")
def _report_options(db: Database) -> None:
    """Report options saved per assessment (cdassess/reportopts.py): sections left out, cover text, signature
    block and the organization's logo (its bytes and SHA-256). Presentation only: not in the results digest."""
    _run(db, """
        CREATE TABLE report_options (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            omitted TEXT NOT NULL DEFAULT '[]',
            cover_text TEXT NOT NULL DEFAULT '',
            signatures TEXT NOT NULL DEFAULT '[]',
            logo BLOB,
            logo_sha256 TEXT,
            logo_type TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        """)


def _run(db: Database, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the migration's open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


def registered() -> tuple[str, ...]:
    """Every migration of the set in order (Migrations' public API: all of them are pending on an empty
    database)."""
    return tuple(m.name for m in migrations.pending(Database(memory=True, execute_plugins=False)))


REGISTERED = registered()
