#!/usr/bin/env python3
"""Large-evidence harness: attach a big file (1 GB by default), extract it, measure memory and throughput.

The measuring runs in a fresh child process so its peak RSS (VmHWM in /proc/self/status, or ru_maxrss)
reflects only cdassess: the peak is read after setup, after attaching, after extracting and after
``check()``; each must grow less than the bound (100 MB) over the setup peak. Throughput is reported
against ``sha256sum`` of the same file (the floor for anything that must read and hash every byte).

    .venv/bin/python tools/reliability/large_evidence.py --size-mb 1024
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1 << 20


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024


def make_file(path: Path, size: int, *, seed: int = 1) -> str:
    """Write ``size`` bytes of incompressible data in 8 MB pieces; return its SHA-256."""
    import random

    rng = random.Random(seed)
    digest = hashlib.sha256()
    block = rng.randbytes(8 * MB)
    with path.open("wb") as fh:
        left = size
        n = 0
        while left:
            piece = block[: min(left, len(block))]
            piece = n.to_bytes(8, "big") + piece[8:] if len(piece) > 8 else piece  # no two pieces alike
            fh.write(piece)
            digest.update(piece)
            left -= len(piece)
            n += 1
    return digest.hexdigest()


@dataclass
class Figures:
    size: int
    rss_setup: int
    rss_after_add: int
    rss_after_extract: int
    rss_after_check: int
    add_seconds: float
    extract_seconds: float
    check_seconds: float
    file_size: int
    wal_after_add: int
    ok: bool

    @property
    def growth(self) -> int:
        return max(self.rss_after_add, self.rss_after_extract, self.rss_after_check) - self.rss_setup


def measure_child(src: Path, work: Path, expected_sha: str) -> Figures:
    """Runs in the child: attach, extract, check; peak RSS after each step."""
    from cdassess.services import Assessment

    path = work / "large.cdassess"
    a = Assessment.create(path, organization="Large Org", project="Large Project", assessor="harness")
    a.add_evidence_bytes("warm-up.txt", b"warm up the code paths", [])
    rss0 = peak_rss_bytes()
    t0 = time.perf_counter()
    ev, _ = a.add_evidence_file(src, [next(iter(a.model.requirements))], provided_by="harness")
    t1 = time.perf_counter()
    rss1 = peak_rss_bytes()
    wal = Path(str(path) + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    out = a.extract_evidence(ev.id, work / "extracted.bin")
    t2 = time.perf_counter()
    rss2 = peak_rss_bytes()
    problems = a.check()
    t3 = time.perf_counter()
    rss3 = peak_rss_bytes()
    a.close()
    same = ev.sha256 == expected_sha and out.stat().st_size == src.stat().st_size
    out.unlink()
    return Figures(src.stat().st_size, rss0, rss1, rss2, rss3, t1 - t0, t2 - t1, t3 - t2, path.stat().st_size,
                   wal_size, same and not problems)


def run(size: int, workdir: Path) -> tuple[Figures, float]:
    """Make the file, time sha256sum on it, measure cdassess in a child; (figures, sha256sum seconds)."""
    src = workdir / "evidence.bin"
    sha = make_file(src, size)
    sha_seconds = float("nan")
    if shutil.which("sha256sum"):
        t = time.perf_counter()
        out = subprocess.run(["sha256sum", str(src)], check=True, capture_output=True, text=True).stdout
        sha_seconds = time.perf_counter() - t
        assert out.split()[0] == sha
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, __file__, "--child", str(src), "--work", str(workdir), "--sha", sha],
                          check=True, capture_output=True, text=True, env=env)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Figures(**data), sha_seconds


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size-mb", type=int, default=1024)
    p.add_argument("--bound-mb", type=int, default=100, help="allowed peak RSS growth")
    p.add_argument("--dir", type=Path, help="work in this folder (default: a temporary one)")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--sha", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(asdict(measure_child(args.child, args.work, args.sha))))
        return 0
    with tempfile.TemporaryDirectory(prefix="cdassess-large-", dir=args.dir) as tmp:
        f, sha_s = run(args.size_mb * MB, Path(tmp))
    mb = f.size / MB
    print(f"evidence size:          {mb:.0f} MB (assessment file {f.file_size / MB:.0f} MB, -wal file "
          f"{f.wal_after_add / MB:.0f} MB while the file stays open)")
    print(f"peak RSS setup:         {f.rss_setup / MB:.1f} MB")
    print(f"peak RSS growth:        add {(f.rss_after_add - f.rss_setup) / MB:.1f} MB, "
          f"extract {(f.rss_after_extract - f.rss_setup) / MB:.1f} MB, "
          f"check {(f.rss_after_check - f.rss_setup) / MB:.1f} MB (bound {args.bound_mb} MB)")
    print(f"sha256sum:              {sha_s:.2f} s ({mb / sha_s:.0f} MB/s)")
    print(f"attach (hash + store):  {f.add_seconds:.2f} s ({mb / f.add_seconds:.0f} MB/s, "
          f"{f.add_seconds / sha_s:.1f}x sha256sum)")
    print(f"extract (verify):       {f.extract_seconds:.2f} s ({mb / f.extract_seconds:.0f} MB/s, "
          f"{f.extract_seconds / sha_s:.1f}x sha256sum)")
    print(f"check (rehash all):     {f.check_seconds:.2f} s ({f.check_seconds / sha_s:.1f}x sha256sum)")
    print(f"content intact:         {f.ok}")
    ok = f.ok and f.growth < args.bound_mb * MB
    print("result:                 " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
