"""Keep the manual true by machine.

python scripts/docs.py update              # rewrite the generated parts (columns, reference, index, --help examples)
python scripts/docs.py check               # exit 1 when a generated part is stale
python scripts/docs.py transcripts         # run every `$ ekbist …` example in README.md and docs/*.md
python scripts/docs.py transcripts --fix   # … and write the real output where a page differs

Generated parts sit between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->`` and are never edited by hand:

* ``columns``   the spreadsheet columns of every kind, from schemas/sheets/*.toml;
* ``reference`` every command's ``--help`` (held to what ekbist says in it, not to click's layout);
* ``index``     the list of manual pages (every docs/*.md, with its first line of prose).

The ``--help`` examples of each command (commands/examples.py) are the first
transcript lines of the manual that run that command, so they are real too.

Transcripts: in a fenced block, a line ``$ ekbist …`` is run against a copy of the
demo store (``ekbist --today 2026-11-25 demo``, one fresh copy per block, in an empty
working directory, English, today 2026-11-25 unless the command says otherwise), and
the lines under it up to the next ``$`` line must be what it prints (stdout and
stderr together). A line ``…`` stands for any number of lines, and ``…`` inside a
line for any text. ``$ echo $?`` prints the exit code of the command before; an example
that exits with anything but 0 must be followed by it, so every exit code a page shows is checked.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES_PY = ROOT / "commands" / "examples.py"
TODAY = "2026-11-25"
ELLIPSIS = "…"
GENERATED = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)",
    re.S,
)
MAX_SHOWN = 30  # --fix shows at most this many lines of a long output, then "…"


def pages() -> list[Path]:
    """README.md and every page of the manual."""
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


# -- transcripts ------------------------------------------------------------------
@dataclass
class Step:
    command: str  # as written after "$ ", continuation lines joined
    expected: list[str] = field(default_factory=list)
    line: int = 0  # 1-based line of the command in the page
    first: int = 0  # 0-based index of the first expected line in the page
    end: int = 0  # 0-based index after the last expected line


@dataclass
class Block:
    page: Path
    line: int
    steps: list[Step]


def transcripts(page: Path) -> list[Block]:
    """The fenced blocks of ``page`` that hold ``$ ekbist`` lines."""
    lines = page.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        start = i
        i += 1
        body_start = i
        while i < len(lines) and not lines[i].startswith("```"):
            i += 1
        body = range(body_start, i)
        i += 1
        if not any(lines[j].startswith("$ ekbist") for j in body):
            continue
        steps: list[Step] = []
        j = body_start
        while j < body.stop:
            text = lines[j]
            if text.startswith("$ "):
                command, line_no = text[2:], j + 1
                while command.endswith("\\") and j + 1 < body.stop:
                    j += 1
                    command = command[:-1] + " " + lines[j].strip()
                steps.append(Step(command=command, line=line_no, first=j + 1, end=j + 1))
            elif steps:
                steps[-1].expected.append(text)
                steps[-1].end = j + 1
            j += 1
        blocks.append(Block(page=page, line=start + 1, steps=steps))
    return blocks


def make_demo(directory: Path) -> Path:
    db = directory / "demo.db"
    run_ekbist(["--db", str(db), "--today", TODAY, "demo"], cwd=directory, env=base_env(directory))
    return db


def base_env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKBIST_")}
    env.update(
        EKBIST_TODAY=TODAY, EKBIST_LANG="en", NO_COLOR="1", PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8", XDG_DATA_HOME=str(directory / "xdg"), COLUMNS="200",
    )
    return env


# Every command on a demo store says so on stderr; the pages leave that line out.
DEMO_NOTE = re.compile(r"^(note: .* is a demo database|obs: .* är en demodatabas) — .*\n", re.M)


def run_ekbist(args: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "ekbist", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )
    return done.returncode, DEMO_NOTE.sub("", done.stdout)


def run_block(block: Block, demo: Path) -> list[tuple[Step, str]]:
    """Run the steps of one block in a fresh copy of the demo store; each step's output."""
    results = []
    with tempfile.TemporaryDirectory(prefix="ekbist-doc-") as tmp:
        work = Path(tmp)
        shutil.copyfile(demo, work / "unit.db")
        env = base_env(work) | {"EKBIST_DB": str(work / "unit.db")}
        code = 0
        for index, step in enumerate(block.steps):
            words = shlex.split(step.command, comments=True)
            if words == ["echo", "$?"]:
                output = f"{code}\n"
            elif words and words[0] == "ekbist":
                code, output = run_ekbist(words[1:], cwd=work, env=env)
                following = block.steps[index + 1].command.strip() if index + 1 < len(block.steps) else ""
                if code != 0 and following != "echo $?":
                    # An example that fails must say so: a reader copies what the page shows.
                    output += f"{UNSTATED_EXIT}{code}\n"
            else:
                raise ValueError(f"{block.page.name}:{step.line}: only ekbist and 'echo $?' can run")
            results.append((step, output))
    return results


# Added to the output of an example that exits non-zero without a following `$ echo $?`, so
# the page no longer matches until it states the exit code.
UNSTATED_EXIT = "[the page must state this exit code with '$ echo $?'] exit "


def matches(expected: list[str], actual: str) -> bool:
    """True when ``actual`` is what ``expected`` shows, ``…`` standing for what is left out."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == ELLIPSIS
        else ".*".join(re.escape(part) for part in line.rstrip().split(ELLIPSIS)) + r"[ \t]*\n"
        for line in trim(expected)
    )
    text = "\n".join(trim(actual.split("\n")))
    return re.fullmatch(pattern, text + "\n" if text else "") is not None


def trim(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def shown(actual: str) -> list[str]:
    """What --fix writes for an output: all of it, or its head and ``…``."""
    lines = trim(actual.split("\n"))
    return lines if len(lines) <= MAX_SHOWN else [*lines[: MAX_SHOWN - 5], ELLIPSIS]


def check_transcripts(fix: bool = False, only: list[Path] | None = None) -> list[str]:
    """Run every transcript; the differences, as readable text (empty when all agree)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ekbist-demo-") as tmp:
        demo = make_demo(Path(tmp))
        for page in only or pages():
            replacements: list[tuple[Step, list[str]]] = []
            for block in transcripts(page):
                for step, output in run_block(block, demo):
                    if not matches(step.expected, output):
                        problems.append(
                            f"{page.relative_to(ROOT)}:{step.line}: $ {step.command}\n"
                            f"--- the page shows\n" + "\n".join(step.expected)
                            + "\n--- ekbist printed\n" + output
                        )
                        replacements.append((step, shown(output)))
            if fix and replacements:
                lines = page.read_text(encoding="utf-8").split("\n")
                for step, new in sorted(replacements, key=lambda r: -r[0].first):
                    lines[step.first:step.end] = new
                page.write_text("\n".join(lines), encoding="utf-8")
    return problems


# -- the --help examples ------------------------------------------------------------
def leaf_commands() -> dict[str, object]:
    """Every command a user can run, by its path ("caseload balance"); groups that run
    on their own (``caseload``) count too."""
    import click

    from ekbist.commands.main import root

    found: dict[str, object] = {}

    def walk(command, path: list[str], ctx: click.Context) -> None:
        if isinstance(command, click.Group):
            if command.invoke_without_command and path:
                found[" ".join(path)] = command
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                walk(sub, [*path, name], click.Context(sub, parent=ctx, info_name=name))
        else:
            found[" ".join(path)] = command

    walk(root, [], click.Context(root, info_name="ekbist"))
    return found


GLOBAL_WITH_VALUE = {"--db", "--today", "--lang"}


def command_path(words: list[str], paths: set[str]) -> str | None:
    """The longest command path that ``ekbist ARGS`` runs, global options skipped."""
    rest = words[1:]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in GLOBAL_WITH_VALUE else rest[1:]
    for n in (2, 1):
        candidate = " ".join(rest[:n])
        if len(rest) >= n and candidate in paths:
            return candidate
    return None


def examples() -> dict[str, list[str]]:
    """Per command, the first two distinct manual lines that run it (README first)."""
    paths = set(leaf_commands())
    found: dict[str, list[str]] = {}
    for page in pages():
        for block in transcripts(page):
            for step in block.steps:
                words = shlex.split(step.command, comments=True)
                path = command_path(words, paths) if words and words[0] == "ekbist" else None
                if path is None:
                    continue
                text = " ".join(shlex.quote(w) for w in words)
                if text not in found.setdefault(path, []) and len(found[path]) < 2:
                    found[path].append(text)
    return dict(sorted(found.items()))


def examples_module(found: dict[str, list[str]]) -> str:
    lines = [
        '"""The examples at the end of each command\'s ``--help``.',
        "",
        "Generated by scripts/docs.py from the manual's transcripts (which the tests run);",
        'do not edit by hand."""',
        "",
        "EXAMPLES: dict[str, list[str]] = {",
    ]
    for path, commands in found.items():
        lines.append(f"    {path!r}: [")
        lines.extend(f"        {c!r}," for c in commands)
        lines.append("    ],")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- generated parts ----------------------------------------------------------------
def generate_columns() -> str:
    from ekbist.sheets import columns_markdown

    return columns_markdown().rstrip("\n") + "\n"


def _in_english(verb: str) -> str:
    """What ``docs.py VERB`` prints from a fresh English process: help texts are translated
    when their module is first imported, so this process may hold them in another language."""
    import json

    from ekbist.commands import main

    examples_now = main.EXAMPLES_OVERRIDE if main.EXAMPLES_OVERRIDE is not None else examples()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKBIST_")}
    env.update(EKBIST_LANG="en", LANG="C.UTF-8", PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, __file__, verb], input=json.dumps(examples_now),
                          capture_output=True, text=True, encoding="utf-8", env=env, check=True)
    return done.stdout


def generate_reference() -> str:
    """Every command's --help, as click lays it out."""
    return _in_english("reference-text")


def reference_text() -> str:
    import click

    from ekbist.i18n import set_language

    set_language("en")
    out: list[str] = []
    for path, command in sorted(leaf_commands().items()):
        ctx = click.Context(command, info_name=f"ekbist {path}", terminal_width=100, max_content_width=100)
        out += [f"### `ekbist {path}`", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(out)


def reference_words() -> dict[str, list[str]]:
    """What ekbist itself says in each command's --help: its help text, every option's
    names and help, its examples. click's layout, its own phrases ("Show this message
    and exit.", "[default: …]") and how it spells an argument's placeholder are not among
    them: they change with click's version."""
    import click

    from ekbist.commands import main
    from ekbist.i18n import set_language

    set_language("en")
    found: dict[str, list[str]] = {}
    for path, command in leaf_commands().items():
        texts = [(command.help or "").split("\f")[0]]
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                texts += [*param.opts, *param.secondary_opts, param.help or ""]
        texts += main.examples_of(getattr(command, "ekbist_path", path))  # an alias shows its own
        found[path] = [_bare(text.replace("\b", "")) for text in texts if text.strip()]
    return found


def _bare(text: str) -> str:
    """Text without its whitespace: click wraps lines (also at hyphens) as its version likes."""
    return "".join(text.split())


REFERENCE_HEADING = re.compile(r"^### `ekbist (?P<path>[^`]*)`$", re.M)


def reference_says(body: str, words: dict[str, list[str]]) -> bool:
    """Whether a reference lists exactly the commands there are, each with all of ``words``."""
    headings = list(REFERENCE_HEADING.finditer(body))
    sections = {h["path"]: _bare(body[h.end():nxt.start() if nxt else len(body)])
                for h, nxt in zip(headings, [*headings[1:], None], strict=True)}
    if set(sections) != set(words):
        return False
    return all(piece in sections[path] for path, pieces in words.items() for piece in pieces)


def first_prose(page: Path) -> tuple[str, str]:
    """A page's title (its first heading) and the first sentence of its first paragraph."""
    title, paragraph, fence = page.stem, [], False
    for line in page.read_text(encoding="utf-8").split("\n"):
        if line.startswith("```"):
            fence = not fence
        elif fence:
            continue
        elif line.startswith("# ") and title == page.stem:
            title = line[2:].strip()
        elif title != page.stem and line.strip() and not line.startswith(("#", "<!--", "|", ">")):
            paragraph.append(line.strip())
        elif paragraph:
            break
    text = " ".join(paragraph)
    return title, (text.split(". ")[0].rstrip(".") + ".") if text else ""


def generate_index() -> str:
    rows = []
    for page in sorted(DOCS.glob("*.md")):
        if page.name == "README.md":
            continue
        title, sentence = first_prose(page)
        rows.append(f"- [{title}](docs/{page.name}) — {sentence}")
    return "\n".join(rows) + "\n"


GENERATORS = {"columns": generate_columns, "reference": generate_reference, "index": generate_index}


def regenerate(text: str, cache: dict[str, str]) -> str:
    def body(match: re.Match) -> str:
        name = match["name"]
        if name not in cache:
            cache[name] = GENERATORS[name]()
        return match.group(1) + cache[name] + match.group(4)

    return GENERATED.sub(body, text)


def stale() -> list[str]:
    """Files whose generated parts say something other than the sources do now.

    The columns and the index are ekbist's own text and must be exactly what their
    generators give. The reference is held to what it says (:func:`reference_says`), not
    to click's layout, so a newer click does not make a true reference stale.
    """
    import json

    from ekbist.commands import main

    found = examples()
    out = []
    if not EXAMPLES_PY.exists() or EXAMPLES_PY.read_text(encoding="utf-8") != examples_module(found):
        out.append(str(EXAMPLES_PY.relative_to(ROOT)))
    main.EXAMPLES_OVERRIDE = found  # the reference shows the examples the pages give now
    try:
        cache: dict[str, str] = {}
        words: dict[str, list[str]] | None = None
        for page in pages():
            text = page.read_text(encoding="utf-8")
            for block in GENERATED.finditer(text):
                name = block["name"]
                if name == "reference":
                    if words is None:
                        words = json.loads(_in_english("reference-words"))
                    current = reference_says(block["body"], words)
                else:
                    if name not in cache:
                        cache[name] = GENERATORS[name]()
                    current = block["body"] == cache[name]
                if not current:
                    out.append(str(page.relative_to(ROOT)))
                    break
    finally:
        main.EXAMPLES_OVERRIDE = None
    return out


def update() -> list[str]:
    from ekbist.commands import main

    found = examples()
    written = []
    if not EXAMPLES_PY.exists() or EXAMPLES_PY.read_text(encoding="utf-8") != examples_module(found):
        EXAMPLES_PY.write_text(examples_module(found), encoding="utf-8")
        written.append(EXAMPLES_PY)
    main.EXAMPLES_OVERRIDE = found
    cache: dict[str, str] = {}
    for page in pages():
        text = page.read_text(encoding="utf-8")
        new = regenerate(text, cache)
        if new != text:
            page.write_text(new, encoding="utf-8")
            written.append(page)
    return [str(p.relative_to(ROOT)) for p in written]


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else ""
    if verb == "update":
        for path in update():
            print(f"wrote {path}")
        return 0
    if verb == "check":
        bad = stale()
        for path in bad:
            print(f"stale: {path} (run python scripts/docs.py update)")
        return 1 if bad else 0
    if verb == "reference-text":  # used by generate_reference, in a process of its own
        import json

        from ekbist.commands import main as commands_main

        commands_main.EXAMPLES_OVERRIDE = json.loads(sys.stdin.read())
        sys.stdout.write(reference_text())
        return 0
    if verb == "reference-words":  # used by stale, in a process of its own
        import json

        from ekbist.commands import main as commands_main

        commands_main.EXAMPLES_OVERRIDE = json.loads(sys.stdin.read())
        sys.stdout.write(json.dumps(reference_words()))
        return 0
    if verb == "transcripts":
        only = [Path(a).resolve() for a in argv[1:] if not a.startswith("-")]
        problems = check_transcripts(fix="--fix" in argv, only=only or None)
        print("\n\n".join(problems))
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
