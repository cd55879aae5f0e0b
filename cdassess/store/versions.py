"""Schema identity, importable without sqlite-utils (opening a file must not pay for importing it)."""

from __future__ import annotations

APPLICATION_ID = 0x43444153  # "CDAS": marks a SQLite file as a cdassess assessment
MIGRATION_SET = "cdassess"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' Migrations record applied steps here
# A file's schema version is the list of steps recorded in that table (sqlite-utils' Migrations, public API
# only): a step this program does not know means a newer cdassess wrote the file. PRAGMA user_version is not
# used (files before #11 carry one; it is ignored).
# Every migration in cdassess/store/schema.py, in order (a test keeps the two lists equal).
MIGRATION_NAMES: tuple[str, ...] = (
    "0001_initial",
    "0002_cycles",
    "0003_business_unit",
    "0004_any_rating_scale",
    "0005_certificate_register",
    "0006_team_copies",
    "0007_report_options",
)
SCHEMA_VERSION = len(MIGRATION_NAMES)
# The newest schema a release shipped: tests/fixtures/schemas has a file for each version up to it. Migrations
# added since are unreleased (still free to change); a release makes the fixture and raises this number.
RELEASED_SCHEMA_VERSION = 1
# Page size of new files (older files keep theirs). Measured on 200 MB of evidence: 4 KiB pages 0.90 s,
# 16 KiB 0.64 s, 32 KiB 0.52 s, 64 KiB 0.50 s; 32 KiB keeps small edits' WAL frames modest.
PAGE_SIZE = 32768
