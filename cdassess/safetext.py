"""Untrusted text on a terminal or in a log: every control character shown escaped, never acted on.

Evidence names, lock-file contents, key names, audit values and anything else read from a file someone else
made can hold escape sequences (ESC [ 2 J clears the screen, OSC 8 forges links, a carriage return overwrites
the line) or bidirectional overrides that reorder what is shown. :func:`escape` makes each visible as
``\\x1b``, ``\\u202e`` and so on; ordinary text, Chinese and emoji pass unchanged.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional embeddings, overrides and isolates,
# and lone surrogates (text that is not valid Unicode)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _one(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: Any) -> str:
    """``text`` (any value, shown with ``str``) with every control character escaped, on one line."""
    s = text if isinstance(text, str) else str(text)
    return _UNSAFE.sub(_one, s)


def escape_keep_lines(text: Any) -> str:
    """As :func:`escape`, but newlines stay (multi-line notes shown as blocks); carriage returns do not."""
    s = text if isinstance(text, str) else str(text)
    return "\n".join(_UNSAFE.sub(_one, line) for line in s.split("\n"))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, with how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: Any, limit: int = 60) -> str:
    """A value for a one-line message: text quoted, escaped and shortened; other values as JSON would show."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "'" + shorten(escape(value), limit) + "'"
    return shorten(escape(value), limit)


_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f"
                              "\ud800-\udfff]")


def escape_terminal(text: str) -> str:
    """What the command line prints: newlines and tabs stay, every other control character is shown as
    ``\\uXXXX`` (valid inside JSON strings too, so ``--json`` output stays JSON)."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class TerminalSafe:
    """A text stream wrapper that escapes control characters on their way to the terminal (or a pipe)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
