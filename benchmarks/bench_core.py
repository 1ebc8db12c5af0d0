"""Foundation benchmarks: cold start of ``ekbist --version`` and building the city-scale demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import timing

RUNS = 31


def run(city_db: Path, workdir: Path) -> list[dict]:
    exe = timing.ekbist_exe()
    # Warm the OS file cache once for both, then alternate-free medians.
    subprocess.run([exe, "--version"], check=True, stdout=subprocess.DEVNULL)
    bare = timing.median_seconds([sys.executable, "-c", "pass"], RUNS, warm=False)
    version = timing.median_seconds([exe, "--version"], RUNS, warm=False)
    ratio = version / bare
    rows = [
        {"name": "python -c pass (median)", "seconds": bare, "goal": "reference", "ok": True},
        {"name": "ekbist --version (median)", "seconds": version, "figure":
         f"{version:.3f} s = {ratio:.1f}x python -c pass", "goal": "<= 4x python -c pass",
         "ok": ratio <= 4},
    ]
    db = workdir / "city.db"
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, exe, "--db", str(db), *timing.city_demo()],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    seconds, peak_mb = float(out[0]), int(out[1]) / 1024
    rows.append({"name": " ".join(timing.city_demo()[2:7]), "seconds": seconds,
                 "figure": f"{seconds:.1f} s, peak {peak_mb:.0f} MB",
                 "goal": "<= 90 s, peak <= 500 MB", "ok": seconds <= 90 and peak_mb <= 500})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
