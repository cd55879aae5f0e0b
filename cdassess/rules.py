"""Rules on single values, in one place for every caller (window, CLI, workbook and questionnaire import).

The services call these; importers call the services. Each failure is an :class:`InvalidValueError` with a
code and parameters, so the window can show it in the user's language.
"""

from __future__ import annotations

import datetime as _dt
import re

from cdassess.errors import InvalidValueError
from cdassess.records import Rating
from cdassess.scale import RatingScale

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_date(value: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD (2027-02-29 and 2027-13-01 are not)."""
    if not _DATE.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_date(value: str, field: str = "date") -> str:
    """``value`` if it is a calendar date (YYYY-MM-DD), else refuse it naming the field."""
    if not is_date(value):
        raise InvalidValueError(code="invalid_date", params={"field": field, "value": value})
    return value


def check_optional_date(value: str | None, field: str = "date") -> str | None:
    """Blank (None or "") is allowed; anything else must be a calendar date."""
    if value is None or value == "":
        return value
    return check_date(value, field)


def check_rating(rating: Rating, scale: RatingScale) -> Rating:
    """A rating as it may be stored: an option that needs a justification (N/A) has one."""
    if scale.needs_justification(rating.status) and not rating.justification.strip():
        raise InvalidValueError(code="na_needs_justification",
                                params={"req_id": rating.req_id, "label": scale.label(rating.status, "en"),
                                        "label_zh": scale.label(rating.status, "zh")})
    return rating
