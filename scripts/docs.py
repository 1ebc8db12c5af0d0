"""Keep the manual true by machine.

python scripts/docs.py update              # rewrite the generated parts (columns, reference, index, --help examples)
python scripts/docs.py check               # exit 1 when a generated part is stale or a usage summary is wrong
python scripts/docs.py transcripts         # run every `$ ekbist …` example and JSON sample in README.md and docs/*.md
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

HTML comments right above a block steer it (they do not show on the page):

* ``<!-- transcript: continue -->`` runs the block in the folder and store of the block
  before it on the page (a round trip told in several steps);
* ``<!-- transcript: edit A.xlsx as B.xlsx | Sheet!C9 = 1300 | Sheet!F30 = text -->``
  first opens A.xlsx with openpyxl, types those cells (a number when the text is one) and
  saves it as B.xlsx: what a person does in Excel between two commands;
* ``<!-- transcript: files examples/rules -->`` first copies the files of that folder of
  the repository into the working directory (the example extracts and their rules files);
* ``<!-- not run: REASON -->`` marks a block that shows commands without their output (a
  synopsis, an install step) and says why;
* ``<!-- json sample: ekbist … -->`` above a ```json block names the command whose output
  the sample shows (see :func:`sample_problems`).

Usage summaries (a synopsis block, a heading, a phrase in the prose: ``ekbist day [--handler
ID] …``) are held to each command's click parameters (:func:`usage_problems`), and JSON
samples to the keys and types the command really prints on the demo store.

A ``$ ekbist`` line anywhere else, or a block of commands with neither output nor a
reason, is reported by :func:`unchecked` (and fails the tests).
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
class Edit:
    """A workbook changed by hand between two commands: cells typed, saved under a name."""

    source: str
    target: str
    cells: list[tuple[str, str]]

    def apply(self, folder: Path) -> None:
        import openpyxl

        book = openpyxl.load_workbook(folder / self.source)
        for where, text in self.cells:
            sheet, cell = where.split("!", 1)
            book[sheet][cell] = _typed(text)
        book.save(folder / self.target)


def _typed(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


@dataclass
class Block:
    page: Path
    line: int
    steps: list[Step]
    continues: bool = False
    edits: list[Edit] = field(default_factory=list)
    files: list[str] = field(default_factory=list)   # repository folders copied in first


DIRECTIVE = re.compile(r"^<!-- (transcript|not run|json sample): ?(?P<text>.*?) ?-->$")


def directives(lines: list[str], fence: int) -> list[tuple[str, str]]:
    """The ``<!-- transcript: … -->`` and ``<!-- not run: … -->`` lines right above the
    fence at index ``fence`` (blank lines between them allowed)."""
    found = []
    i = fence - 1
    while i >= 0 and (not lines[i].strip() or DIRECTIVE.match(lines[i].strip())):
        match = DIRECTIVE.match(lines[i].strip())
        if match:
            found.insert(0, (match[1], match["text"]))
        i -= 1
    return found


def parse_edit(text: str) -> Edit:
    """``edit A.xlsx as B.xlsx | Sheet!C9 = 1300 | …``"""
    head, *cells = [part.strip() for part in text.split("|")]
    source, target = head.removeprefix("edit").strip().split(" as ")
    return Edit(source.strip(), target.strip(),
                [tuple(part.strip() for part in cell.split("=", 1)) for cell in cells])


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
        block = Block(page=page, line=start + 1, steps=steps)
        for kind, text in directives(lines, start):
            if kind == "transcript" and text == "continue":
                block.continues = True
            elif kind == "transcript" and text.startswith("edit "):
                block.edits.append(parse_edit(text))
            elif kind == "transcript" and text.startswith("files "):
                block.files.append(text.removeprefix("files ").strip())
            elif kind == "transcript":
                raise ValueError(f"{page.name}:{start}: unknown directive {text!r}")
        blocks.append(block)
    return blocks


FENCE = re.compile(r"^\s*```")
GENERATED_ANY = re.compile(r"<!-- BEGIN GENERATED: ([\w-]+) -->.*?<!-- END GENERATED: \1 -->", re.S)


def unchecked(page: Path) -> list[str]:
    """What a page shows that no test runs: a ``$ ekbist`` line outside a transcript (in an
    indented block, say), and a block of bare ``ekbist …`` commands with no ``<!-- not run:
    REASON -->`` above it. Generated parts (the reference's examples) are checked there."""
    text = GENERATED_ANY.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text(encoding="utf-8"))
    lines = text.split("\n")
    run = {step.line for block in transcripts(page) for step in block.steps}
    problems = []
    i = 0
    while i < len(lines):
        if not FENCE.match(lines[i]):
            if re.match(r"\s*\$ ekbist", lines[i]) and i + 1 not in run:
                problems.append(f"{page.name}:{i + 1}: a '$ ekbist' line outside a transcript")
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and not FENCE.match(lines[i]):
            if re.match(r"\s*\$ ekbist", lines[i]) and i + 1 not in run:
                problems.append(f"{page.name}:{i + 1}: a '$ ekbist' line that is not run")
            i += 1
        body = lines[start + 1:i]
        bare = any(re.match(r"\s*ekbist\b", line) for line in body)
        reason = any(kind == "not run" and text.strip() for kind, text in directives(lines, start))
        if bare and not reason:
            problems.append(f"{page.name}:{start + 1}: commands without their output and no "
                            "'<!-- not run: REASON -->' above the block")
        i += 1
    return problems


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


def run_page(page: Path, demo: Path) -> list[tuple[Step, str]]:
    """Run every transcript of ``page``: each block in a fresh copy of the demo store, or
    in the one of the block before when it says ``continue``; each step's output."""
    results: list[tuple[Step, str]] = []
    with tempfile.TemporaryDirectory(prefix="ekbist-page-") as tmp:
        work: Path | None = None
        for n, block in enumerate(transcripts(page)):
            if work is None or not block.continues:
                work = Path(tmp) / str(n)
                work.mkdir()
                shutil.copyfile(demo, work / "unit.db")
            results += run_block(block, demo, work)
    return results


def run_block(block: Block, demo: Path, work: Path | None = None) -> list[tuple[Step, str]]:
    """Run the steps of one block in ``work`` (by default a fresh copy of the demo store),
    after its edits; each step's output."""
    if work is None:
        with tempfile.TemporaryDirectory(prefix="ekbist-doc-") as tmp:
            shutil.copyfile(demo, Path(tmp) / "unit.db")
            return run_block(block, demo, Path(tmp))
    results = []
    for folder in block.files:
        for path in sorted((ROOT / folder).iterdir()):
            shutil.copyfile(path, work / path.name)
    for edit in block.edits:
        edit.apply(work)
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
    """Run every transcript and every JSON sample's command; the differences, as readable
    text (empty when all agree). ``--fix`` rewrites transcripts, never a JSON sample."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ekbist-demo-") as tmp:
        demo = make_demo(Path(tmp))
        for page in only or pages():
            replacements: list[tuple[Step, list[str]]] = []
            problems += unchecked(page)
            problems += sample_problems(page, demo)
            for step, output in run_page(page, demo):
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


def generate_settings() -> str:
    """The settings table: key, default and meaning, from ekbist/settings.py."""
    from ekbist.i18n import set_language
    from ekbist.settings import SETTINGS

    set_language("en")
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for key, setting in SETTINGS.items():
        rows.append(f"| `{key}` | {setting.default} | {setting.help} |")
    return "\n".join(rows) + "\n"


def generate_codes() -> str:
    """The stable codes of every kind with their English label and Swedish word, from
    ekbist/codes.py (what ekbist shows and writes; other spellings are read too)."""
    from ekbist.codes import KIND_NAMES, KINDS
    from ekbist.i18n import set_language

    set_language("en")
    rows = ["| kind | code | English | Swedish |", "|---|---|---|---|"]
    for kind, table in KINDS.items():
        for n, (code, (english, swedish)) in enumerate(table.items()):
            rows.append(f"| {KIND_NAMES[kind] if n == 0 else ''} | `{code}` | {english} | {swedish} |")
    return "\n".join(rows) + "\n"


GENERATORS = {"columns": generate_columns, "reference": generate_reference, "index": generate_index,
              "settings": generate_settings, "codes": generate_codes}


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


# -- usage summaries and JSON samples, held to the code ------------------------------
# A usage summary is an ``ekbist …`` line that names placeholders or options in brackets:
# a bare line of a block marked ``<!-- not run: … synopsis … -->`` (every line of it; in
# other blocks not run, a line that shows a usage), a heading such as
# ``## `ekbist caseload [--as-of DATE] …` ``, or a phrase in code in the prose. The
# synopses and the headings with options in brackets are the command's whole usage: every
# option it offers is on one of the page's summaries of that command, and nothing else is.
# A phrase in the prose may name a few options; those must be real. Everywhere a value written ``a|b|c`` after
# an option of fixed choices must be exactly those choices, and a summary never shows more
# arguments than the command takes.
SUMMARY_INLINE = re.compile(r"`(ekbist [^`]*)`")
SUMMARY_HEADING = re.compile(r"^#+ .*?`(ekbist [^`]*)`")
SUMMARY_SPLIT = re.compile(r"\s+(?=ekbist\s)")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_-]*(?:[.,][\w.,]*)?$")


@dataclass
class Summary:
    page: Path
    line: int
    text: str
    whole: bool  # a synopsis or a heading: the command's whole usage


def summaries(page: Path) -> list[Summary]:
    """The usage summaries of ``page`` (see above); generated parts are left out."""
    text = GENERATED_ANY.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text(encoding="utf-8"))
    lines = text.split("\n")
    found: list[Summary] = []
    i = 0
    while i < len(lines):
        if FENCE.match(lines[i]):
            start = i
            i += 1
            reasons = [text for kind, text in directives(lines, start) if kind == "not run"]
            synopsis = any("synopsis" in reason for reason in reasons)
            while i < len(lines) and not FENCE.match(lines[i]):
                if reasons and re.match(r"ekbist\s", lines[i]):
                    found += [Summary(page, i + 1, part.strip(), True)
                              for part in SUMMARY_SPLIT.split(lines[i].split(" #")[0])
                              if synopsis or _is_summary(part)]
                i += 1
            i += 1
            continue
        heading = SUMMARY_HEADING.match(lines[i])
        for match in SUMMARY_INLINE.finditer(lines[i]):
            if _is_summary(match[1]):
                found.append(Summary(page, i + 1, match[1], heading is not None and
                                     match.start(1) == heading.start(1) and "[" in match[1]))
        i += 1
    return found


def _is_summary(text: str) -> bool:
    """An ``ekbist …`` phrase that shows a usage (brackets or placeholders), not an example."""
    words = _summary_words(text)
    return "[" in text or any(PLACEHOLDER.match(w) for w in words[1:] if not w.startswith("-"))


def _summary_words(text: str) -> list[str]:
    """The words of a summary: brackets, ``…`` and a closing remark in parentheses left out."""
    text = re.split(r"\s\(", text)[0]
    text = re.sub(r"[\[\]]", " ", text).replace("...", " ").replace(ELLIPSIS, " ")
    return [w for w in text.split() if w not in ("|",)]


@dataclass
class Usage:
    """What a summary shows: the command, the options it names with the value after each,
    and the arguments."""

    path: str
    options: dict[str, str | None]
    arguments: list[str]


def read_summary(text: str, commands: dict[str, object]) -> Usage | None:
    """The usage ``text`` shows, or None when it names no command."""
    import click

    words = _summary_words(text)
    path = command_path(words, set(commands))
    if path is None:
        return None
    rest = words[1:]
    while rest and rest[0].startswith("-"):  # global options before the command
        rest = rest[2:] if rest[0] in GLOBAL_WITH_VALUE else rest[1:]
    rest = rest[len(path.split()):]
    by_name = {name: param for param in commands[path].params if isinstance(param, click.Option)
               for name in (*param.opts, *param.secondary_opts)}
    options: dict[str, str | None] = {}
    arguments: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("-") and not re.fullmatch(r"-\d[\d,.]*", word):
            name, _eq, value = word.partition("=")
            param = by_name.get(name)
            takes_value = (not param.is_flag and not param.count) if param is not None else (
                i + 1 < len(rest) and not rest[i + 1].startswith("-") and (
                    PLACEHOLDER.match(rest[i + 1]) is not None or "|" in rest[i + 1]))
            if takes_value and not value and i + 1 < len(rest):
                i += 1
                value = rest[i]
            options[name] = value or None
        else:
            arguments.append(word)
        i += 1
    return Usage(path, options, arguments)


def _choices(param) -> list[str] | None:
    import click

    if isinstance(param.type, click.Choice):
        return [str(c) for c in param.type.choices]
    words = getattr(param.type, "words", None)  # params.WordChoice: the codes
    return list(words) if isinstance(words, dict) else None


def _real_usage(command, path: str) -> str:
    """The command's usage as click prints it, and every option it offers (for a message)."""
    import click

    ctx = click.Context(command, info_name=f"ekbist {path}")
    offered = [param.opts[0] for param in command.params
               if isinstance(param, click.Option) and not param.hidden]
    return (f"ekbist {path} {' '.join(command.collect_usage_pieces(ctx))} "
            f"(options: {', '.join(offered) or 'none'})")


def usage_problems(only: list[Path] | None = None) -> list[str]:
    """Every usage summary of the pages (or of ``only``) that says something other than the
    command: an option it lacks, an option it has left out, other choices, more arguments."""
    import click

    commands = leaf_commands()
    problems: list[str] = []
    for page in only or pages():
        whole: dict[str, list[tuple[Summary, Usage]]] = {}
        for summary in summaries(page):
            usage = read_summary(summary.text, commands)
            where = f"{page.name}:{summary.line}: `{summary.text}`"
            if usage is None:
                if summary.whole:
                    problems.append(f"{where} names no ekbist command")
                continue
            command = commands[usage.path]
            params = {name: param for param in command.params if isinstance(param, click.Option)
                      for name in (*param.opts, *param.secondary_opts)}
            for name, value in usage.options.items():
                param = params.get(name)
                if param is None or param.hidden:
                    problems.append(f"{where} shows {name}, which `ekbist {usage.path}` does not "
                                    f"have; its usage: {_real_usage(command, usage.path)}")
                    continue
                choices = _choices(param)
                if choices is not None and value and "|" in value and set(value.split("|")) != set(choices):
                    problems.append(f"{where} gives {name} the values {value}; "
                                    f"`ekbist {usage.path}` takes {'|'.join(choices)}")
            arguments = [p for p in command.params if isinstance(p, click.Argument)]
            if len(usage.arguments) > len(arguments):
                problems.append(f"{where} shows {len(usage.arguments)} arguments "
                                f"({' '.join(usage.arguments)}); `ekbist {usage.path}` takes "
                                f"{len(arguments)}: {_real_usage(command, usage.path)}")
            if summary.whole:
                whole.setdefault(usage.path, []).append((summary, usage))
        for path, shown_here in whole.items():
            command = commands[path]
            named = {name for _summary, usage in shown_here for name in usage.options}
            first = shown_here[0][0]
            for param in command.params:
                if isinstance(param, click.Option) and not param.hidden and \
                        not named & {*param.opts, *param.secondary_opts}:
                    problems.append(f"{page.name}:{first.line}: `{first.text}` leaves out "
                                    f"{param.opts[0]}, which `ekbist {path}` has; its usage: "
                                    f"{_real_usage(command, path)}")
            most = max(len(usage.arguments) for _summary, usage in shown_here)
            arguments = [p for p in command.params if isinstance(p, click.Argument)]
            if most < len(arguments):
                problems.append(f"{page.name}:{first.line}: `{first.text}` leaves out arguments "
                                f"of `ekbist {path}`: {_real_usage(command, path)}")
    return problems


# A JSON sample is a ```json block with ``<!-- json sample: STEPS -->`` above it: the steps
# (``ekbist …`` commands and ``edit A.xlsx as B.xlsx | Sheet!C9 = 1`` edits, separated by
# ``;``) run in a copy of the demo store like a transcript, and the shape of the last
# command's output must be the sample's: the same keys at every level and values of the
# same type (a number, a text, true/false, a list, an object; null goes with any type).
# The values themselves are examples. In a sample, ``…`` after the items of a list stands
# for more items like them; ``…`` (or ``"...": "…"``) after the keys of an object says the
# object has more keys than shown (a map whose keys are data, or a long object).
MORE_KEYS = "\u2026more keys"
MORE_ITEMS = "\u2026more items"


@dataclass
class Sample:
    page: Path
    line: int  # 1-based line of the ```json fence
    steps: list[str]
    text: str


def json_samples(page: Path) -> list[Sample]:
    """The ```json blocks of ``page``, each with its ``json sample`` steps (empty without)."""
    lines = page.read_text(encoding="utf-8").split("\n")
    found = []
    i = 0
    while i < len(lines):
        if not FENCE.match(lines[i]):
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and not FENCE.match(lines[i]):
            i += 1
        if lines[start].strip() == "```json":
            steps = [step.strip() for kind, text in directives(lines, start) if kind == "json sample"
                     for step in text.split(";") if step.strip()]
            found.append(Sample(page, start + 1, steps, "\n".join(lines[start + 1:i])))
        i += 1
    return found


def parse_sample(text: str):
    """The sample as JSON, ``…`` read as more keys or more items (see above)."""
    import json

    text = re.sub(r'"\.\.\."\s*:\s*"…"', f'"{MORE_KEYS}": null', text)
    text = re.sub(r",\s*(?:…|\.\.\.)\s*(?=\})", f', "{MORE_KEYS}": null', text)
    text = re.sub(r",\s*(?:…|\.\.\.)\s*(?=\])", f', "{MORE_ITEMS}"', text)
    return json.loads(text)


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return "list" if isinstance(value, list) else "object"


def shape(values: list) -> dict:
    """What every value of ``values`` has in common and apart: their kinds, the keys of the
    objects among them (each key's shape), and the shape of the items of their lists."""
    objects = [v for v in values if isinstance(v, dict)]
    lists = [v for v in values if isinstance(v, list)]
    keys = dict.fromkeys(k for o in objects for k in o)
    return {"kinds": {_kind(v) for v in values},
            "keys": {k: shape([o[k] for o in objects if k in o]) for k in keys},
            "items": shape([item for v in lists for item in v]) if lists else None}


def shape_problems(sample, output: dict, where: str = "") -> list[str]:
    """How the sample's shape differs from the output's (``output`` is :func:`shape`)."""
    kind = _kind(sample)
    real = output["kinds"] - {"null"}
    if kind == "null" or not real:
        return []
    if kind not in real:
        return [f"{where or 'the sample'}: the page shows a {kind}, ekbist gives "
                f"{' or '.join(sorted(real))}"]
    problems = []
    if kind == "object":
        shown = [k for k in sample if k != MORE_KEYS]
        problems += [f"{where}.{k}: on the page, not in what ekbist gives" for k in shown
                     if k not in output["keys"]]
        if MORE_KEYS not in sample:
            problems += [f"{where}.{k}: in what ekbist gives, not on the page"
                         for k in output["keys"] if k not in sample]
        for k in shown:
            if k in output["keys"]:
                problems += shape_problems(sample[k], output["keys"][k], f"{where}.{k}")
    elif kind == "list" and output["items"] is not None:
        for item in sample:
            if item != MORE_ITEMS:
                problems += shape_problems(item, output["items"], f"{where}[]")
    return problems


def run_sample(sample: Sample, demo: Path) -> str:
    """The standard output of the sample's last command, its steps run in a copy of the demo."""
    with tempfile.TemporaryDirectory(prefix="ekbist-sample-") as tmp:
        work = Path(tmp)
        shutil.copyfile(demo, work / "unit.db")
        env = base_env(work) | {"EKBIST_DB": str(work / "unit.db")}
        out = ""
        for step in sample.steps:
            if step.startswith("edit "):
                parse_edit(step).apply(work)
                continue
            words = shlex.split(step)
            if not words or words[0] != "ekbist":
                raise ValueError(f"{sample.page.name}:{sample.line}: a json sample runs ekbist "
                                 f"and edits only, not {step!r}")
            out = subprocess.run([sys.executable, "-m", "ekbist", *words[1:]], cwd=work, env=env,
                                 stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                 encoding="utf-8").stdout
        return out


def sample_problems(page: Path, demo: Path) -> list[str]:
    """Every JSON sample of ``page`` whose keys or types are not what the command gives,
    and every ```json block that says no command to compare it with."""
    import json

    problems = []
    for sample in json_samples(page):
        where = f"{page.name}:{sample.line}"
        if not sample.steps:
            problems.append(f"{where}: a JSON sample with no '<!-- json sample: ekbist … -->' "
                            "above it, so nothing holds it to the code")
            continue
        try:
            shown_sample = parse_sample(sample.text)
        except ValueError as exc:
            problems.append(f"{where}: the sample is not JSON (… aside): {exc}")
            continue
        output = run_sample(sample, demo)
        try:
            given = json.loads(output)
        except ValueError:
            problems.append(f"{where}: `{sample.steps[-1]}` printed no JSON:\n{output}")
            continue
        problems += [f"{where}: {p}" for p in shape_problems(shown_sample, shape([given]))]
    return problems


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
        wrong = usage_problems()
        for problem in wrong:
            print(f"usage: {problem}")
        return 1 if bad or wrong else 0
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
