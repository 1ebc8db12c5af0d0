"""Swedish as the unit speaks it: no English words, Swedish numbers, one term per concept.

The help is translated when a command's module is imported, so the help of every
command is read in a fresh Swedish process; errors and screens are read in-process.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# Words ekbist itself would print in English: its placeholders, its codes and labels.
# Click's own words ("Usage:", "Options:", "Show this message and exit.", "[required]")
# belong to the terminal's translation and are not checked here.
ENGLISH = [
    "CASE", "HANDLER", "YEAR", "MONTH", "ACTIVITY", "LINE", "AMOUNT", "NAME", "KEY", "VALUE",
    "KIND", "DATE", "FILE", "DEST", "INTEGER", "FLOAT", "YYYY", "YYYY-MM", "YYYY-MM-DD",
    "CRITICAL", "WARNING", "UNKNOWN", "granted", "partly", "rejected", "withdrawn", "intake",
    "investigation", "violence", "debt", "sickness_comp", "other_benefit", "moved", "studies",
    "change", "housing", "run-rate", "driver", "revenue", "cost", "handling-time", "caseload",
    "handlers", "absences", "assignments", "followups", "applications", "actuals", "prognoses",
    "closed_days", "all", "the", "and", "of", "FTE", "deadline", "handler", "month",
]
_WORD = re.compile(
    r"(?<![\w.\-/])(" + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
    + r")(?![\w\-])"
)


def english_words(text: str) -> list[str]:
    return _WORD.findall(text)


WALK = r"""
import click
from click.testing import CliRunner
from ekbist.i18n import set_language
set_language("sv")
from ekbist.commands import main
main._translate_root_help()
runner = CliRunner()

def walk(command, path):
    result = runner.invoke(main.root, ["--lang", "sv", *path, "--help"], prog_name="ekbist",
                           terminal_width=200)
    print("\x1e" + " ".join(path))
    print(result.output)
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            walk(command.get_command(ctx, name), [*path, name])

walk(main.root, [])
"""


@pytest.fixture(scope="module")
def swedish_help() -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "EKBIST_LANG": "sv"})
    pages = {}
    for chunk in done.stdout.split("\x1e")[1:]:
        path, _, text = chunk.partition("\n")
        pages[path] = text
    return pages


CLICK_PHRASES = ("Show this message and exit.", "Show the version and exit.")


def words_of_ekbist(path: str, page: str) -> str:
    """The help without click's own phrases and what the user types as is: the command path
    and the sub-command names."""
    for phrase in CLICK_PHRASES:
        page = page.replace(phrase, "")
    lines, in_commands, in_examples = [], False, False
    for line in page.splitlines():
        if line.startswith(("Usage:", "Användning:")):
            line = line.replace(("ekbist " + path).strip(), "", 1)
        if line and not line.startswith(" "):
            in_commands = line.rstrip(":") in ("Commands", "Kommandon")
            # The examples are command lines as typed: command names are English.
            in_examples = line.rstrip(":") in ("Examples", "Exempel")
        elif in_examples:
            continue
        elif in_commands and line.startswith("  ") and not line.startswith("   "):
            line = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
        lines.append(line)
    return "\n".join(lines)


def test_the_walk_reaches_every_command(swedish_help) -> None:
    assert len(swedish_help) > 60
    assert {"", "check", "caseload balance", "prognosis make", "application decide"} <= set(
        swedish_help
    )


def test_every_help_page_in_swedish_has_no_english_word(swedish_help) -> None:
    wrong = {
        path or "ekbist": found
        for path, page in swedish_help.items()
        if (found := english_words(words_of_ekbist(path, page)))
    }
    assert not wrong, wrong


def test_usage_lines_and_code_lists_are_swedish(swedish_help) -> None:
    assert "Användning: ekbist budget set [FLAGGOR] ÅR VERKSAMHET RAD BELOPP" in swedish_help["budget set"]
    assert "Användning: ekbist case assign [FLAGGOR] ÄRENDE HANDLÄGGARE" in swedish_help["case assign"]
    assert "Användning: ekbist budget show [FLAGGOR] [ÅR]" in swedish_help["budget show"]
    assert "--date ÅÅÅÅ-MM-DD" in swedish_help["application decide"]
    assert "Beslut: bifall, delvis bifall, avslag, återkallad." in swedish_help["application decide"]
    assert "--method RAD=METOD" in swedish_help["prognosis make"]
    assert "1 = januari–april, 2 = januari–augusti." in swedish_help["report tertial"]
    assert "Bara dessa kontroller: handläggningstid, planer, ärendeantal, budget, årsmål" in (
        swedish_help["check"]
    )


def test_placeholders_follow_the_language_asked_each_time() -> None:
    # One walker translates the usage line's and the options' placeholders, from the English
    # words kept on the command: a second language in the same process is not stuck with
    # the first one's (the options' type placeholders once were).
    from click.testing import CliRunner

    from ekbist.commands.main import root
    from ekbist.i18n import set_language

    def usage(lang: str) -> list[str]:
        set_language(lang)
        page = CliRunner().invoke(root, ["--lang", lang, "audit", "--help"]).output
        return [line.strip().split("  ")[0] for line in page.splitlines()
                if "--limit" in line or "audit [" in line]

    assert usage("sv") == ["Användning: root audit [FLAGGOR]", "--limit HELTAL"]
    assert usage("en") == ["Usage: root audit [OPTIONS]", "--limit INTEGER"]
    assert usage("sv") == ["Användning: root audit [FLAGGOR]", "--limit HELTAL"]


def test_the_english_word_check_finds_a_planted_word() -> None:
    assert english_words("Beslut: granted, delvis bifall") == ["granted"]
    assert english_words("Usage: ekbist case show [OPTIONS] CASE") == ["CASE"]
    # Setting keys, options and the Swedish words around them are not English words.
    assert english_words("inställningen plans.followup_months --handling-time ärendeantal") == []


# -- errors ----------------------------------------------------------------------------
def test_errors_in_swedish_list_the_swedish_words(unit) -> None:
    unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16", "--id", "A-1")
    errors = {
        "decision": unit.fails("application", "decide", "A-1", "--date", "2026-11-18",
                               "--decision", "kanske", lang="sv"),
        "reason": unit.fails("case", "close", "C-1", "--date", "2026-11-18", "--reason", "nej",
                             lang="sv"),
        "team": unit.fails("handler", "add", "dan", "--name", "Dan", "--team", "nej",
                           "--fte", "1", lang="sv"),
        "kind": unit.fails("export", "nej", "x.xlsx", lang="sv"),
    }
    assert errors["decision"] == ("fel: okänt värde för beslut: 'kanske' (möjliga värden: "
                                  "bifall, delvis bifall, avslag, återkallad)")
    assert "arbete, studier, sjuk-/aktivitetsersättning, annan ersättning, flyttat, annat" in (
        errors["reason"]
    )
    assert "mottagning, utredning, våld i nära relation" in errors["team"]
    assert "alla, handläggare, frånvaro" in errors["kind"]
    assert {k: english_words(v) for k, v in errors.items() if english_words(v)} == {}
    # The Swedish words offered are accepted.
    unit.ok("application", "decide", "A-1", "--date", "2026-11-18", "--decision", "delvis bifall",
            "--amount", "100", lang="sv")
    unit.ok("case", "close", "C-1", "--date", "2026-11-18", "--reason", "flytt", lang="sv")
    # ... and the words used before the glossary still are.
    assert unit.ok("application", "decide", "A-1", "--date", "2026-11-18", "--decision",
                   "beviljat", "--amount", "100", "--amend").exit_code == 0


def test_a_choice_takes_and_offers_the_swedish_words(unit) -> None:
    by_handler = unit.ok("plans", "coverage", "--by", "handläggare", lang="sv").stdout
    assert by_handler == unit.ok("plans", "coverage", "--by", "handler", lang="sv").stdout
    assert "Handläggare  Namn" in by_handler
    wrong = unit("plans", "coverage", "--by", "vem", lang="sv")
    assert wrong.exit_code == 2
    assert "'vem' är inte något av: handläggare, team" in wrong.stderr
    assert "'vem' is not one of: handler, team" in unit("plans", "coverage", "--by", "vem").stderr
    unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16", "--id", "A-1")
    late = unit.ok("handling-time", "check", "--status", "försenad", lang="sv").stdout
    assert "A-1" in late and late == unit.ok("handling-time", "check", "--status", "overdue",
                                             lang="sv").stdout
    assert "A-1" not in unit.ok("handling-time", "check", "--status", "i-dag", lang="sv").stdout


def test_a_decision_reads_as_a_sentence(unit) -> None:
    unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16", "--id", "A-1")
    out = unit.ok("application", "decide", "A-1", "--date", "2026-11-18", "--decision", "bifall",
                  "--amount", "5000", lang="sv").stdout
    assert out.startswith("Beslut om ansökan A-1 den 2026-11-18: bifall, i tid (sista beslutsdag ")


def test_an_open_ended_absence_and_a_dated_one_are_two_sentences(unit) -> None:
    unit.ok("handler", "away", "bo", "--from", "2026-11-02", "--reason", "sjuk")
    open_ended = unit.fails("handler", "away", "bo", "--from", "2026-11-10", "--reason", "x",
                            lang="sv")
    assert open_ended == "fel: handläggaren 'bo' är redan frånvarande från 2026-11-02 tills vidare"
    unit.ok("handler", "away", "cia", "--from", "2026-11-02", "--to", "2026-11-06", "--reason", "x")
    dated = unit.fails("handler", "away", "cia", "--from", "2026-11-03", "--reason", "x", lang="sv")
    assert dated == "fel: handläggaren 'cia' är redan frånvarande från 2026-11-02 till 2026-11-06"
    english = unit.fails("handler", "away", "bo", "--from", "2026-11-10", "--reason", "x")
    assert english == "error: handler 'bo' is already away from 2026-11-02 until further notice"


def test_household_counts_take_the_plural_they_need(unit) -> None:
    one = unit.ok("case", "show", "C-1", lang="sv").stdout
    assert "Hushåll: 1 vuxen, 0 barn" in one
    unit.ok("case", "open", "C-9", "--handler", "bo", "--opened", "2026-11-02", "--adults", "2",
            "--children", "1")
    assert "Hushåll: 2 vuxna, 1 barn" in unit.ok("case", "show", "C-9", lang="sv").stdout
    assert "Household: 1 adult, 0 children" in unit.ok("case", "show", "C-1").stdout
    assert "Household: 2 adults, 1 child" in unit.ok("case", "show", "C-9").stdout
    assert unit.ok("population", "set", "2025", "--adults", "1", "--children", "1", "--total",
                   "5", lang="sv").stdout == "Folkmängd 2025: 5 invånare, 1 vuxen, 1 barn.\n"
    assert unit.ok("population", "set", "2025", "--adults", "64800", "--children", "18277",
                   "--total", "83077", lang="sv").stdout == (
        "Folkmängd 2025: 83\u00a0077 invånare, 64\u00a0800 vuxna, 18\u00a0277 barn.\n")


def test_the_audit_names_its_events_in_swedish_and_keeps_the_codes_for_machines(unit) -> None:
    # --wide: every column of the audit, whatever the width (what fits is test_widths' part).
    shown = unit.ok("--wide", "audit", "--table", "cases", lang="sv").stdout
    assert " tillägg " in shown and " insert " not in shown
    assert ",insert," in unit.ok("audit", "--table", "cases", "--format", "csv", lang="sv").stdout
    assert " insert " in unit.ok("--wide", "audit", "--table", "cases").stdout


def test_check_lines_speak_swedish_below_the_monitoring_line(unit) -> None:
    out = unit("check", lang="sv").stdout
    first, rest = out.split("\n", 1)
    assert first.startswith("EKBIST WARNING: ")
    assert english_words(rest) == []


# -- numbers ---------------------------------------------------------------------------
def test_one_minus_sign_everywhere(unit) -> None:
    from ekbist.number_text import format_number

    assert format_number(-44, swedish=True) == "-44"
    assert format_number(-7643.5, swedish=True) == "-7\u00a0643,5"
    # Bo has 2 cases at 0.5 FTE, Cia 1 case at 1.0: the team has 3 cases on 1.5 FTE, 2.0
    # per FTE, so Cia sits 1.0 below it.
    out = unit.ok("caseload", lang="sv").stdout
    assert "\u2212" not in out
    cia = next(line for line in out.splitlines() if line.startswith("cia "))
    assert cia.split()[-1] == "-1,0"


def test_an_employment_rate_is_typed_and_shown_the_swedish_way(unit) -> None:
    unit.ok("handler", "add", "dan", "--name", "Dan Dahl", "--team", "intake", "--fte", "0,75",
            lang="sv")
    shown = unit.ok("handler", "list", lang="sv").stdout
    assert next(x for x in shown.splitlines() if x.startswith("dan ")).split()[4] == "0,75"
    assert '"fte": 0.75' in unit.ok("handler", "list", "--format", "json").stdout
    wrong = unit("handler", "edit", "dan", "--fte", "tre kvart", lang="sv")
    assert wrong.exit_code == 1 and "'tre kvart' är ingen tjänstgöringsgrad" in wrong.stderr


def test_settings_in_swedish_number_form(unit) -> None:
    listed = unit.ok("settings", "list", lang="sv").stdout
    line = next(x for x in listed.splitlines() if x.startswith("budget.warn_deviation_pct"))
    assert line.split()[1:3] == ["2,0", "2,0"]
    assert unit.ok("settings", "set", "budget.warn_deviation_pct", "2,5",
                   lang="sv").stdout == "budget.warn_deviation_pct = 2,5\n"
    assert unit.ok("settings", "get", "budget.warn_deviation_pct", lang="sv").stdout == "2,5\n"
    assert unit.ok("settings", "get", "budget.warn_deviation_pct").stdout == "2.5\n"
    # Machines read the machine form, whatever the language.
    assert '"value": 2.5' in unit.ok("settings", "list", "--format", "json", lang="sv").stdout
    assert "budget.warn_deviation_pct,2.5,2.0," in unit.ok("settings", "list", "--format", "csv",
                                                           lang="sv").stdout


def test_counts_in_check_are_grouped_from_1000(cli) -> None:
    cli.ok("init")
    cli.ok("handler", "add", "bo", "--name", "Bo Berg", "--team", "investigation", "--fte", "1",
           "--start", "2020-01-01")
    # 2023-11-08 to 2026-11-30: 1 118 days, as the demo unit's oldest case without a plan.
    cli.ok("case", "open", "C-1", "--handler", "bo", "--opened", "2023-11-08")
    cli.ok("case", "open", "C-2", "--handler", "bo", "--opened", "2026-06-03")
    out = cli("check", "--only", "plans", today="2026-11-30", lang="sv").stdout
    assert "har ingen förändringsplan efter 1\u00a0118 dagar" in out
    assert "har ingen förändringsplan efter 180 dagar" in out
    english = cli("check", "--only", "plans", today="2026-11-30").stdout
    assert "has no change plan after 1,118 days" in english


def test_workbooks_group_thousands_and_space_the_percent_sign(tmp_path: Path, demo_stores) -> None:
    import openpyxl
    from conftest import Cli

    cli = Cli(demo_stores.copy(tmp_path / "demo.db", households=60, months=14, seed=3))
    made = {
        "handling": ["handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31",
                     "--by", "month"],
        "coverage": ["plans", "coverage", "--monthly"],
        "caseload": ["caseload", "history", "--from", "2026-01", "--to", "2026-10"],
        "indicators": ["indicators", "--year", "2026"],
        "tertial": ["report", "tertial", "--year", "2026", "--tertial", "2"],
    }
    from ekbist import glossary

    formats: dict[str, set[str]] = {}
    words: list[tuple[str, str]] = []
    for name, args in made.items():
        path = tmp_path / f"{name}.xlsx"
        cli.ok(*args, "--xlsx", path, lang="sv")
        wb = openpyxl.load_workbook(path)
        found = formats.setdefault(name, set())
        for ws in wb.worksheets:
            words.append((name, ws.title))
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                        found.add(cell.number_format)
                    # The key figures' key, item and unit columns are codes for machines.
                    machine = name == "indicators" and cell.column in (1, 3, 6)
                    if isinstance(cell.value, str) and not machine:
                        words.append((name, cell.value))
    # What the chief reads in a workbook: Swedish, in the glossary's terms.
    assert [w for w in words if english_words(w[1])] == []
    assert [w for w in words if glossary.replaced_terms_in(w[1])] == []
    every = set().union(*formats.values())
    # A share: "87,8 %" in a Swedish Excel, the space before the sign.
    assert {f for f in every if "%" in f} <= {"0.0 %", "0 %", "0.00 %"}
    assert "0.0 %" in formats["handling"] and "0.0 %" in formats["tertial"]
    # A count: '#,##0' is what a Swedish Excel shows as '# ##0' ("1 000").
    for name in made:
        assert "#,##0" in formats[name] or "#,##0;-#,##0" in formats[name], name
    assert "General" not in formats["handling"] | formats["caseload"]

    # The prognosis methods a Swedish user types, and the ones an error offers.
    made_sv = cli.ok("prognosis", "make", "--year", "2026", "--month", "10", "--method",
                     "*=framskrivning", "--format", "json", lang="sv").stdout
    assert '"method": "run-rate"' in made_sv
    wrong = cli.fails("prognosis", "make", "--year", "2026", "--month", "10", "--method", "*=nej",
                      lang="sv")
    assert wrong == "fel: --method *: okänd metod 'nej' (kända: framskrivning, budget, säsong, hushåll, bästa)"


def test_no_swedish_message_holds_an_english_word() -> None:
    # Placeholders and command lines to type ('ekbist handler leave …') are not words.
    from test_glossary import msgstrs, swedish_catalogs

    wrong = [
        (po.name, text)
        for po in swedish_catalogs()
        for _msgid, text in msgstrs(po)
        if english_words(re.sub(r"ekbist( [a-z][a-z-]*)+|\{[^{}]*\}", " ", text))
    ]
    assert not wrong, wrong


def test_fixed_numbers_and_percentages_as_each_language_writes_them() -> None:
    from ekbist.number_text import format_fixed, format_percent

    assert format_fixed(5111, swedish=True) == "5\u00a0111"
    assert format_fixed(5111, swedish=False) == "5,111"
    assert format_fixed(1234567.25, 2, swedish=True) == "1\u00a0234\u00a0567,25"
    assert format_fixed(2.44, 1, swedish=False) == "2.4"
    assert format_percent(2.35, swedish=True) == "2,4 %"
    assert format_percent(2.4, swedish=False) == "2.4%"
    assert format_percent(1500, 0, swedish=True) == "1\u00a0500 %"
