"""Filters shared by the catalogue's listing and report queries."""

from __future__ import annotations

from typing import Any


def filters(*, model: str | None, unit: str | None, since: str | None, alias: str = "a") -> tuple[str, list[Any]]:
    """A WHERE clause (with a leading space) over the assessments table aliased ``alias``."""
    parts, params = [], []
    if model:
        parts.append(f"{alias}.model_id = ?")
        params.append(model)
    if unit is not None:
        parts.append(f"{alias}.business_unit = ?")
        params.append(unit)
    if since:
        parts.append(f"{alias}.assessed_on >= ?")
        params.append(since)
    return (" WHERE " + " AND ".join(parts)) if parts else "", params
