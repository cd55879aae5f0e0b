"""Schema identity, importable without sqlite-utils (opening a file must not pay for importing it)."""

from __future__ import annotations

APPLICATION_ID = 0x43444153  # "CDAS": marks a SQLite file as a cdassess assessment
MIGRATION_SET = "cdassess"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' Migrations record applied steps here
# Every migration in cdassess/store/schema.py, in order (a test keeps the two lists equal).
MIGRATION_NAMES: tuple[str, ...] = ("0001_initial",)
SCHEMA_VERSION = len(MIGRATION_NAMES)
