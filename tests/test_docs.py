"""The manual stays true by machine: generated parts current, every example runs, nothing undocumented."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ekbist.commands.main import examples_of, root

from ekbist.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("ekbist_docs_tool", ROOT / "scripts" / "docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def test_readme_reads_in_minutes() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("\n")
    assert len(lines) <= 250
    text = "\n".join(lines)
    # the two quick-start commands use a store of their own, never the default one, and the
    # demo's as-of date is pinned, so that a new user gets what the page shows
    assert "$ ekbist --db demo.db --today 2026-11-25 demo" in text
    assert "$ ekbist --db demo.db --today 2026-11-25 caseload" in text
    for when in ("each working morning", "each week", "each month", "each tertial", "each year"):
        assert when in text


def test_generated_parts_are_current() -> None:
    assert tool.stale() == [], "run: python scripts/docs.py update"


def test_a_changed_generated_part_is_noticed() -> None:
    page = ROOT / "docs" / "spreadsheets.md"
    text = page.read_text(encoding="utf-8")
    tampered = text.replace("| `fte` | Tjänstgöringsgrad |", "| `fte` | Arbetstid |", 1)
    assert tampered != text
    assert tool.regenerate(tampered, {}) == text


@pytest.fixture(scope="module")
def reference() -> tuple[str, dict[str, list[str]]]:
    import json

    from ekbist.commands import main

    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    body = next(b["body"] for b in tool.GENERATED.finditer(text) if b["name"] == "reference")
    main.EXAMPLES_OVERRIDE = tool.examples()
    try:
        words = json.loads(tool._in_english("reference-words"))
    finally:
        main.EXAMPLES_OVERRIDE = None
    return body, words


def test_the_reference_outlives_a_new_click_layout(reference) -> None:
    # A newer click may rewrap lines, pad columns otherwise and reword its own phrases:
    # the reference still says what ekbist says, so it is not stale.
    body, words = reference
    assert tool.reference_says(body, words)
    relaid = body.replace("Show this message and exit.", "Show this help and exit.")
    relaid = relaid.replace("[default: table]", "(default: table)")
    relaid = "\n".join(line.replace("  ", " ") for line in relaid.split("\n"))
    relaid = relaid.replace("the terminal.", "the\n      terminal.")
    assert tool.reference_says(relaid, words)


def test_the_reference_is_stale_when_ekbist_says_something_else(reference) -> None:
    body, words = reference
    assert "Show every column even when the table is wider than the terminal." in body
    reworded = body.replace("wider than the terminal.", "wider than the screen.", 1)
    assert not tool.reference_says(reworded, words)
    no_option = body.replace("--wide", "--broad", 1)
    assert not tool.reference_says(no_option, words)
    first = next(tool.REFERENCE_HEADING.finditer(body))
    second = next(h for h in tool.REFERENCE_HEADING.finditer(body) if h.start() > first.start())
    without_a_command = body[:first.start()] + body[second.start():]
    assert not tool.reference_says(without_a_command, words)
    old_example = body.replace("ekbist day --handler h015", "ekbist day --handler h099", 1)
    assert not tool.reference_says(old_example, words)


def test_every_page_is_in_the_index() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        assert f"](docs/{page.name})" in readme, page.name


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "b"], "a\nb\n", True),
        (["a", "b"], "a\nb\nc\n", False),  # a tail left out must be marked
        (["a", "…"], "a\nb\nc\n", True),
        (["a", "…", "d"], "a\nb\nc\nd\n", True),
        (["a", "…", "d"], "a\nd\n", True),  # … may stand for nothing
        (["a", "…", "d"], "a\nb\n", False),
        (["Database: …/x.db"], "Database: /tmp/q/x.db\n", True),
        (["Database: …/x.db"], "Database: /tmp/q/y.db\n", False),
        (["a  "], "a\n\n", True),  # trailing blanks and blank lines do not count
        ([], "", True),
        ([], "something\n", False),
    ],
)
def test_transcript_matching(expected, actual, ok) -> None:
    assert tool.matches(expected, actual) is ok


def test_a_transcript_is_parsed_into_commands_and_their_output(tmp_path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "text\n\n```\n$ ekbist a \\\n    --b c\none\ntwo\n$ echo $?\n0\n```\n\n```sh\nekbist x\n```\n",
        encoding="utf-8",
    )
    (block,) = tool.transcripts(page)
    assert [s.command for s in block.steps] == ["ekbist a  --b c", "echo $?"]
    assert block.steps[0].expected == ["one", "two"]
    assert block.steps[1].expected == ["0"]


@pytest.mark.parametrize("page", tool.pages(), ids=lambda p: p.name)
def test_every_example_prints_what_the_page_shows(page: Path, demo_db: Path) -> None:
    problems = list(tool.unchecked(page))
    for step, output in tool.run_page(page, demo_db):
        if not tool.matches(step.expected, output):
            problems.append(f"{page.name}:{step.line}: $ {step.command}\n{output}")
    assert not problems, "\n\n".join(problems)


def test_a_command_shown_without_its_output_says_why(tmp_path) -> None:
    page = tmp_path / "p.md"
    page.write_text("Synopsis:\n\n```\nekbist day [--handler ID]\n```\n", encoding="utf-8")
    assert tool.unchecked(page) == ["p.md:3: commands without their output and no "
                                    "'<!-- not run: REASON -->' above the block"]
    page.write_text("<!-- not run: a synopsis -->\n```\nekbist day [--handler ID]\n```\n",
                    encoding="utf-8")
    assert tool.unchecked(page) == []
    page.write_text("<!-- not run: -->\n```\nekbist day\n```\n", encoding="utf-8")
    assert len(tool.unchecked(page)) == 1  # a reason must be given


def test_a_dollar_line_the_tests_do_not_run_is_reported(tmp_path) -> None:
    page = tmp_path / "p.md"
    # a transcript indented in a list item is not run, so it cannot say what it shows
    page.write_text("- step one:\n\n  ```\n  $ ekbist day\n  nothing\n  ```\n", encoding="utf-8")
    assert tool.unchecked(page) == ["p.md:4: a '$ ekbist' line that is not run"]
    page.write_text("```\n$ ekbist day\nnothing\n```\n", encoding="utf-8")
    assert tool.unchecked(page) == []
    # the generated reference's examples are checked against --help, not here
    page.write_text("<!-- BEGIN GENERATED: reference -->\n```\nekbist day\n```\n"
                    "<!-- END GENERATED: reference -->\n", encoding="utf-8")
    assert tool.unchecked(page) == []


def test_a_round_trip_edits_the_workbook_between_its_blocks(tmp_path, demo_db: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "```\n$ ekbist --today 2026-11-25 prognosis export p.xlsx --year 2026 --month 10\n…\n```\n\n"
        "<!-- transcript: continue -->\n"
        "<!-- transcript: edit p.xlsx as q.xlsx | Prognos!D30 = 6300 | Prognos!F30 = Vakans -->\n"
        "```\n$ ekbist --today 2026-11-25 import q.xlsx --dry-run\n```\n\n"
        "```\n$ ekbist --today 2026-11-25 import q.xlsx --dry-run\n```\n",
        encoding="utf-8")
    first, second, third = tool.transcripts(page)
    assert second.continues and not third.continues
    assert second.edits[0].cells == [("Prognos!D30", "6300"), ("Prognos!F30", "Vakans")]
    (_e, exported), (_d, dry), (_f, fresh) = tool.run_page(page, demo_db)
    assert exported.startswith("Wrote p.xlsx")
    assert "Personalkostnader (Prognos!A30): Method run-rate → set by hand; Full-year prognosis " \
           "6,030,020 → 6,300,000; Comment (empty) → Vakans" in dry
    assert fresh.startswith("error: q.xlsx: no such file\n")  # a block of its own starts in a fresh folder


def test_a_default_named_in_prose_is_the_real_one() -> None:
    # "`budget.assistance_line`, default "…"" anywhere in the manual says what ekbist has
    pattern = re.compile(r'`([a-z_]+\.[a-z_]+)`, (?:by )?default "([^"]+)"')
    found = []
    for page in tool.pages():
        for key, value in pattern.findall(page.read_text(encoding="utf-8")):
            found.append(key)
            assert str(SETTINGS[key].default) == value, (page.name, key, value)
    assert "budget.assistance_line" in found


def test_a_wrong_example_fails(tmp_path, demo_db: Path) -> None:
    page = tmp_path / "wrong.md"
    page.write_text("```\n$ ekbist settings get handling.days\n6\n```\n", encoding="utf-8")
    ((step, output),) = tool.run_block(tool.transcripts(page)[0], demo_db)
    assert output == "5\n"
    assert not tool.matches(step.expected, output)


LEAVES = sorted(tool.leaf_commands())


def test_every_leaf_command_is_known() -> None:
    assert {"check", "caseload", "caseload balance", "handler leave", "import"} <= set(LEAVES)


@pytest.mark.parametrize("path", LEAVES)
def test_every_command_has_docs_and_help_ends_with_examples(path: str) -> None:
    examples = examples_of(path)
    assert 1 <= len(examples) <= 2, f"no example of 'ekbist {path}' in README.md or docs/"
    result = CliRunner().invoke(root, [*path.split(), "--help"])
    assert result.exit_code == 0
    help_text = result.output.rstrip()
    tail = help_text[help_text.rindex("Examples:"):]
    assert [line.strip() for line in tail.split("\n")[1:]] == examples
    for example in examples:
        assert re.match(r"ekbist (--\w+ \S+ )*" + re.escape(path) + r"\b", example), example


def test_every_setting_is_documented() -> None:
    # A row of a settings table (key, default, meaning) on any page of the manual.
    text = "\n".join(page.read_text(encoding="utf-8") for page in tool.pages())
    for key in SETTINGS:
        assert re.search(r"^\| `" + re.escape(key) + r"` \| [^|]+ \| [^|]+", text, re.M), key


# -- usage summaries and JSON samples held to the code ----------------------------------------
def test_every_usage_summary_is_the_commands_usage() -> None:
    assert tool.usage_problems() == []


def _synopsis_page(tmp_path: Path, *lines: str, heading: str = "", prose: str = "") -> Path:
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n" + (f"## {heading}\n\n" if heading else "") + (prose + "\n\n" if prose else "")
                    + "<!-- not run: a synopsis; the examples below are run -->\n```\n"
                    + "\n".join(lines) + "\n```\n", encoding="utf-8")
    return page


def test_a_true_synopsis_passes(tmp_path) -> None:
    # `ekbist day` has --handler, --wide and --format table|json, and no argument
    page = _synopsis_page(tmp_path, "ekbist day [--handler ID] [--wide] [--format table|json]",
                          "ekbist budget set YEAR ACTIVITY LINE AMOUNT [--new]")
    assert tool.usage_problems([page]) == []


def test_a_synopsis_with_an_option_the_command_lacks_fails(tmp_path) -> None:
    page = _synopsis_page(tmp_path, "ekbist day [--handler ID] [--team CODE] [--wide] [--format table|json]")
    [problem] = tool.usage_problems([page])
    assert problem.startswith("page.md:5: `ekbist day [--handler ID] [--team CODE]")
    assert "shows --team, which `ekbist day` does not have" in problem
    assert "ekbist day [OPTIONS] (options: --handler, --wide, --format)" in problem


def test_a_synopsis_that_leaves_out_an_option_the_command_has_fails(tmp_path) -> None:
    # the day.md of before: --wide missing
    page = _synopsis_page(tmp_path, "ekbist day [--handler ID] [--format table|json]")
    [problem] = tool.usage_problems([page])
    assert "leaves out --wide, which `ekbist day` has" in problem


def test_an_option_shown_on_another_line_of_the_page_counts(tmp_path) -> None:
    page = _synopsis_page(tmp_path, "ekbist prognosis export FILE.xlsx [--year Y] [--month M] [--force]",
                          "ekbist prognosis export --into T.xlsx --out FILE.xlsx [--year Y] [--month M]")
    assert tool.usage_problems([page]) == []
    alone = _synopsis_page(tmp_path, "ekbist prognosis export FILE.xlsx [--year Y] [--month M] [--force]")
    assert [p.split(", which")[0].rsplit(" ", 1)[-1] for p in tool.usage_problems([alone])] == [
        "--into", "--out"]


def test_other_choices_and_more_arguments_fail(tmp_path) -> None:
    page = _synopsis_page(tmp_path, "ekbist day ID [--handler ID] [--wide] [--format table|json|csv]")
    problems = tool.usage_problems([page])
    assert len(problems) == 2
    assert "gives --format the values table|json|csv; `ekbist day` takes table|json" in problems[0]
    assert "shows 1 arguments (ID); `ekbist day` takes 0" in problems[1]
    fewer = _synopsis_page(tmp_path, "ekbist budget set YEAR ACTIVITY LINE [--new]")
    [problem] = tool.usage_problems([fewer])
    assert "leaves out arguments of `ekbist budget set`" in problem


def test_a_heading_is_a_whole_usage_and_a_phrase_in_the_prose_names_real_options(tmp_path) -> None:
    heading = _synopsis_page(tmp_path, heading="`ekbist day [--handler ID]`")
    assert [p.split(": ", 1)[1].split(", which")[0] for p in tool.usage_problems([heading])] == [
        "`ekbist day [--handler ID]` leaves out --wide", "`ekbist day [--handler ID]` leaves out --format"]
    prose = _synopsis_page(tmp_path, prose="Run `ekbist day [--handler ID]` each morning.")
    assert tool.usage_problems([prose]) == []
    wrong = _synopsis_page(tmp_path, prose="Run `ekbist day [--handler ID] [--team CODE]` each morning.")
    [problem] = tool.usage_problems([wrong])
    assert "shows --team, which `ekbist day` does not have" in problem


def test_sample_shapes_compared_key_by_key() -> None:
    output = tool.shape([{"as_of": "2026-11-25", "rows": [{"id": "a", "n": 1, "note": None},
                                                         {"id": "b", "n": 2, "note": "x"}]}])
    same = {"as_of": "2000-01-01", "rows": [{"id": "z", "n": 9, "note": "y"}]}
    assert tool.shape_problems(same, output) == []
    # null goes with any type, and "…" stands for more items
    assert tool.shape_problems(tool.parse_sample(
        '{"as_of": null, "rows": [{"id": "z", "n": 9, "note": null}, …]}'), output) == []
    assert tool.shape_problems({**same, "extra": 1}, output) == [
        ".extra: on the page, not in what ekbist gives"]
    assert tool.shape_problems({"as_of": "x", "rows": [{"id": "z", "n": 9}]}, output) == [
        ".rows[].note: in what ekbist gives, not on the page"]
    assert tool.shape_problems({"as_of": "x", "rows": [{"id": "z", "n": "9", "note": None}]}, output) == [
        ".rows[].n: the page shows a text, ekbist gives number"]
    # "…" after the keys of an object: it has more keys than shown
    assert tool.shape_problems(tool.parse_sample('{"as_of": "x", …}'), output) == []
    assert tool.shape_problems(tool.parse_sample('{"rows": [{"id": "z", "...": "…"}]}'), output) == [
        ".as_of: in what ekbist gives, not on the page"]
    assert tool.shape_problems(tool.parse_sample('{"as_of": "x", "rows": {"id": 1}}'), output) == [
        ".rows: the page shows a object, ekbist gives list"]


@pytest.mark.parametrize("page", [p for p in tool.pages() if tool.json_samples(p)], ids=lambda p: p.name)
def test_every_json_sample_has_the_keys_and_types_of_the_output(page: Path, demo_db: Path) -> None:
    assert tool.sample_problems(page, demo_db) == []


def test_a_json_sample_that_is_not_the_output_fails(tmp_path, demo_db: Path) -> None:
    def page(sample: str, directive: str = "<!-- json sample: ekbist day --handler h009 --format json -->\n") -> Path:
        path = tmp_path / "sample.md"
        path.write_text(f"# Day\n\n{directive}```json\n{sample}\n```\n", encoding="utf-8")
        return path

    real = __import__("json").loads(tool.run_sample(tool.json_samples(page("{}"))[0], demo_db))
    assert tool.sample_problems(page(__import__("json").dumps(real)), demo_db) == []
    first = next(iter(real))
    extra = {**real, "handler_phone": "0701234567"}
    assert tool.sample_problems(page(__import__("json").dumps(extra)), demo_db) == [
        "sample.md:4: .handler_phone: on the page, not in what ekbist gives"]
    lacking = {k: v for k, v in real.items() if k != first}
    assert tool.sample_problems(page(__import__("json").dumps(lacking)), demo_db) == [
        f"sample.md:4: .{first}: in what ekbist gives, not on the page"]
    assert tool.sample_problems(page("{}", directive=""), demo_db) == [
        "sample.md:3: a JSON sample with no '<!-- json sample: ekbist … -->' above it, so nothing "
        "holds it to the code"]
