"""Mutation testing with one forked process per mutant, over mutmut 2.5.1's mutation engine.

Run it in a throw-away copy of the checkout (it rewrites MODULE while a mutant runs), with
mutmut 2.5.1 installed (see docs/testing.md):

    python scripts/mutants_fork.py ekbist/secrecy.py /tmp/secrecy.tsv [--lines A-B]
        [--only LINE:INDEX,...] -- tests/test_secrecy.py ...

Why not ``mutmut run``: on a busy machine each mutant's pytest start-up (importing click,
rich, openpyxl, hypothesis and the test helpers) cost as much as its tests. Here they are
imported once; each mutant runs in a forked child that writes the mutated file, forgets
every ekbist and test module and runs ``pytest.main`` (``-x``). The parent restores the
file after each child, and on SIGTERM. One line per mutant is appended to OUT.tsv (line,
index, killed / survived / timeout, seconds, the line); a run started again skips the
mutants already there.
"""
from __future__ import annotations

import os
import signal
import sys
import time

# Modules a mutant's child forgets, so that it imports them again from the mutated file.
OWN = ("ekbist", "tests", "test_", "conftest", "procs", "helpers", "hostile")


def options(argv: list[str]) -> tuple[str, str, tuple[int, int] | None, set | None, list[str]]:
    sep = argv.index("--")
    opts, pytest_args = argv[:sep], argv[sep + 1:]
    lines = only = None
    if "--lines" in opts:
        first, last = opts[opts.index("--lines") + 1].split("-")
        lines = (int(first), int(last))
    if "--only" in opts:
        only = {tuple(map(int, x.split(":"))) for x in opts[opts.index("--only") + 1].split(",")}
    return opts[0], opts[1], lines, only, pytest_args


def forget() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in OWN or name.startswith("test_"):
            del sys.modules[name]


def run(module: str, source: str | None, pytest_args: list[str], limit: float) -> tuple[str, float]:
    """Run the tests in a forked child on ``source`` (None: the file as it is)."""
    import pytest

    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            if source is not None:
                with open(module, "w") as fh:
                    fh.write(source)
            forget()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", *pytest_args])
            os._exit(0 if int(code) == 0 else 1)
        except BaseException:
            os._exit(1)
    start = time.time()
    while True:
        got, status = os.waitpid(pid, os.WNOHANG)
        if got:
            break
        if time.time() - start > limit:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.time() - start
        time.sleep(0.05)
    return ("pass" if os.waitstatus_to_exitcode(status) == 0 else "fail"), time.time() - start


def main(argv: list[str]) -> int:
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.getcwd())
    module, out, lines, only, pytest_args = options(argv)
    from mutmut import Context, list_mutations, mutate

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with open(module) as fh:
        original = fh.read()
    mutants = list_mutations(Context(source=original, filename=module))
    if lines:
        mutants = [m for m in mutants if lines[0] <= m.line_number + 1 <= lines[1]]
    if only:
        mutants = [m for m in mutants if (m.line_number + 1, m.index) in only]
    # Imported once, before the children fork: what each pytest start-up would cost.
    import _pytest.assertion.rewrite  # noqa: F401
    import _pytest.python  # noqa: F401
    import click  # noqa: F401
    import ekbist.commands.main  # noqa: F401
    import hypothesis  # noqa: F401
    import openpyxl  # noqa: F401
    import pytest  # noqa: F401
    import rich  # noqa: F401
    import sqlite_utils  # noqa: F401
    forget()
    done = set()
    if os.path.exists(out):
        with open(out) as fh:
            done = {tuple(row.split("\t")[:2]) for row in fh}
    try:
        status, took = run(module, None, pytest_args, 3600)
        print("baseline", status, round(took, 1), "mutants", len(mutants), file=sys.stderr, flush=True)
        if status != "pass":
            return 1
        limit = max(60, took * 6)
        with open(out, "a") as fh:
            for mutant in mutants:
                key = (str(mutant.line_number + 1), str(mutant.index))
                if key in done:
                    continue
                mutated, _count = mutate(Context(source=original, filename=module, mutation_id=mutant))
                status, took = run(module, mutated, pytest_args, limit)
                with open(module, "w") as restore:
                    restore.write(original)
                verdict = {"fail": "killed", "pass": "survived", "timeout": "timeout"}[status]
                fh.write(f"{key[0]}\t{key[1]}\t{verdict}\t{took:.1f}\t{mutant.line.strip()[:120]}\n")
                fh.flush()
    finally:
        with open(module, "w") as restore:
            restore.write(original)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
