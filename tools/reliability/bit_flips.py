"""Single-bit flips in an assessment file: what `check` makes of each (the figure for issue #12 part 2).

    python tools/reliability/bit_flips.py [--flips 2000] [--seed 1] [--file some.cdassess]

Each flip goes to a fresh copy; a flip lands on a byte in use (a fresh file's free space is zeros). Outcomes:
named (check exits 1 naming a problem), refused (not opened: exit 1, one line), harmless (check passes and every
table's content is unchanged), missed (check passes though content changed), traceback (an exception escaped).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from cdassess.cli import main as cli_main
from cdassess.store.genuine import normalise_sql


def flip_bits(source: Path, work: Path, flips: int, seed: int, missed: list[str] | None = None) -> dict[str, int]:
    """Flip one random bit of a copy of ``source`` ``flips`` times; classify what `check` makes of each.

    ``named``: check exits 1 naming a problem; ``refused``: the file is not opened (exit 1, one line);
    ``harmless``: check passes and every table's content is the same as before (the bit was in free space);
    ``missed``: check passes though content changed; ``traceback``: anything escaping as an exception.
    """
    baseline = content(source)
    missed = [] if missed is None else missed
    rng = random.Random(seed)
    data = source.read_bytes()
    # bytes in use: a fresh file's free space is zeros, and a flip there changes nothing
    used = [i for i, b in enumerate(data) if b]
    counts = {"named": 0, "refused": 0, "harmless": 0, "missed": 0, "traceback": 0}
    for _ in range(flips):
        shutil.copyfile(source, work)
        for suffix in ("-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        pos = rng.choice(used)
        with work.open("r+b") as fh:
            fh.seek(pos)
            byte = fh.read(1)[0]
            fh.seek(pos)
            fh.write(bytes([byte ^ (1 << rng.randrange(8))]))
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli_main(["check", str(work)])
        except Exception:
            counts["traceback"] += 1
            continue
        if code == 1:
            lines = err.getvalue().strip().splitlines()
            counts["named" if len(lines) > 1 or "problem" in lines[0] else "refused"] += 1
        else:
            now = content(work)
            if now == baseline:
                counts["harmless"] += 1
            else:
                counts["missed"] += 1
                missed.append(_what_changed(baseline, now))
    return counts


def _what_changed(before: object, after: object) -> str:
    """table.column of the first difference (or 'schema', 'unreadable')."""
    if after is None or before is None:
        return "unreadable"
    assert isinstance(before, tuple)
    assert isinstance(after, tuple)
    if before[0] != after[0] or before[2] != after[2]:
        return "schema"
    for table, rows in after[1].items():
        old = before[1].get(table, [])
        if rows != old:
            cols = after[3].get(table, [])
            for a, b in zip(rows, old, strict=False):
                for i, (x, y) in enumerate(zip(a, b, strict=False)):
                    if x != y:
                        return f"{table}.{cols[i] if i < len(cols) else i}"
            return f"{table} (rows)"
    return "?"


def content(path: Path) -> object:
    """Every row of every table, the schema and the header values (None: SQLite cannot read it)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            rows = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
            # when a migration ran is not assessment content (check verifies only that it is a time)
            rows["_sqlite_migrations"] = [r[:3] for r in rows.get("_sqlite_migrations", [])]
            header = [con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version")]
            # schema text only as it means something: a flipped space between two words changes nothing
            schema = [(t, n.lower(), tb.lower(), normalise_sql(sql) if sql else sql) for t, n, tb, _root, sql in
                      con.execute("SELECT * FROM sqlite_master ORDER BY name")]
            columns = {t: [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')] for t in tables}
            return (schema, rows, header, columns)
        finally:
            con.close()
    except (sqlite3.Error, UnicodeError):
        return None




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flips", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", type=Path, help="an assessment to flip (default: a fresh demo)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="cdassess-flips-"))
    source = args.file
    if source is None:
        from cdassess.demo import build_demo

        source = folder / "demo.cdassess"
        build_demo(source).close()
    missed: list[str] = []
    counts = flip_bits(source, folder / "flipped.cdassess", args.flips, args.seed, missed)
    shutil.rmtree(folder, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), f"(flips={args.flips}, seed={args.seed})")
    if missed:
        print("missed:", ", ".join(sorted(missed)))
    return 0 if counts["missed"] == counts["traceback"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
