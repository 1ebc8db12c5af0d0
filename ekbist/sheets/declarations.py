"""Sheet kinds, declared once in ``schemas/sheets/*.toml``.

Import, export, templates and the manual's column tables all read the same
declaration, so a column added there appears everywhere at once and the
documentation cannot drift from the code. A later feature adds a kind by adding a
file; code is needed only for rules a declaration cannot express, and those are
declared in code by kind name (the import's rules in :data:`ekbist.sheet_import.RULES`,
the export rows of a kind without a table in :data:`ekbist.sheets.exporter.SOURCES`),
never named here.

The format (one file per kind)::

    kind = "applications"            # the name used on the command line
    order = 60                       # import order: referenced kinds first
    table = "application"            # the store table written (omit: export-only, its rows
                                     # from a function of ekbist.sheets.exporter.SOURCES)
    key = ["id"]                     # column keys identifying a record (upserts)
    sheet_sv = "Ansökningar"         # sheet title per language
    sheet_en = "Applications"
    help_sv = "…"                    # one line for the template's column sheet
    help_en = "…"

    [export]
    from = "application t"           # FROM clause, target table aliased t
    where = "…"                      # optional filter of records that exist
    order_by = "t.received, t.id"
    date = "t.received"              # what --from/--to filter on (optional)

    [write]                          # table columns computed when written,
    handler = "(SELECT …)"           # as SQL over the imported row s, or a day
    # condition of ekbist.day_conditions by name, with its SQL arguments:
    # handler = { handler_of_case = ['s."case"', "s.received"] }

    [[column]]
    key = "case"                     # the stable key (JSON, docs)
    header_sv = "Ärende"
    header_en = "Case"
    aliases = ["Ärendenummer"]       # other headers accepted on import
    type = "text"                    # text|integer|money|date|month|code|number|boolean
    required = true
    codes = "decision"               # for type code: the ekbist.codes kind
    column = "case_id"               # table column (default: key; "" = not a column)
    sql = "t.case_id"                # how export reads it (default t."column"), or a day
                                     # condition by name, as in [write]
    export_only = false              # shown on export, ignored on import
    default = 0                      # used for an empty optional cell
    min = 0                          # bounds for integer/number/money
    max = 1
    ref = "cases"                    # must be a record of that kind (store or file)
    identifier = true                # an id: 1–40 characters without spaces
    not_after_today = true           # an event date: not after --today
    in_per_cent = true               # a number in per cent: "4,4 %" reads 4.4, not 0.044
    lookup = "budget_line.name"      # must be one of these values (any case)
    width = 14                       # template/export column width
    number_format = "0 %"            # Excel number format
    help_sv = "…"
    help_en = "…"

    [[check]]                        # a rule over one imported row s (SQL)
    when = "s.completed < s.received"
    cell = "completed"               # the cell the problem names
    message_sv = "komplett före inkommen ({received})"
    message_en = "completed before received ({received})"

Inside SQL, the imported rows of a kind are the temporary table
``temp."sheet_<kind>"`` (columns named by key; ``{sheet:KIND}`` in a check or
write expression expands to it, ``{self}`` to the kind's own).

Extension point — report kinds: a declaration with ``source = "module:function"``
and no ``table`` is export-only. The function is called as
``function(store, *, date_from, date_to, today) -> list[dict]`` and its dicts are
written under the declared columns (by key). A kind with both ``source`` and
``table`` exports from the function and imports into the table.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ekbist.i18n import N_, _, language

TYPES = ("text", "integer", "money", "date", "month", "code", "number", "boolean")

TYPE_LABELS = {
    "text": N_("text"),
    "integer": N_("whole number"),
    "money": N_("whole kronor"),
    "date": N_("date (YYYY-MM-DD)"),
    "month": N_("month (YYYY-MM)"),
    "code": N_("one of the listed values"),
    "number": N_("number"),
    "boolean": N_("yes or no"),
}

# Sheets ekbist itself adds to templates; the importer passes them over silently.
HELPER_SHEETS = {"Kolumner", "Columns", "Listor", "Lists"}


@dataclass(frozen=True)
class Column:
    key: str
    header_sv: str
    header_en: str
    type: str = "text"
    required: bool = False
    codes: str | None = None
    column: str | None = None
    sql: str | None = None
    export_only: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    ref: str | None = None
    lookup: str | None = None
    width: int | None = None
    number_format: str | None = None
    aliases: tuple[str, ...] = ()
    help_sv: str = ""
    help_en: str = ""
    identifier: bool = False
    not_after_today: bool = False
    in_per_cent: bool = False

    def header(self, lang: str | None = None) -> str:
        return self.header_sv if (lang or language()) == "sv" else self.header_en

    def help(self, lang: str | None = None) -> str:
        return self.help_sv if (lang or language()) == "sv" else self.help_en

    @property
    def written(self) -> bool:
        """Written straight into its table column by the generic upsert."""
        return bool(self.column) and not self.export_only

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "money", "number")

    def headers(self) -> set[str]:
        """Every spelling accepted on import, normalised."""
        return {normalise(h) for h in (self.header_sv, self.header_en, self.key, *self.aliases) if h}


@dataclass(frozen=True)
class Check:
    when: str
    cell: str
    message_sv: str
    message_en: str

    def message(self, lang: str | None = None) -> str:
        return self.message_sv if (lang or language()) == "sv" else self.message_en


@dataclass(frozen=True)
class Kind:
    name: str
    sheet_sv: str
    sheet_en: str
    columns: tuple[Column, ...]
    table: str | None = None
    key: tuple[str, ...] = ()
    order: int = 1000
    help_sv: str = ""
    help_en: str = ""
    export_from: str | None = None
    export_where: str | None = None
    order_by: str | None = None
    date_expr: str | None = None
    write: dict[str, str] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()

    def sheet(self, lang: str | None = None) -> str:
        return self.sheet_sv if (lang or language()) == "sv" else self.sheet_en

    def help(self, lang: str | None = None) -> str:
        return self.help_sv if (lang or language()) == "sv" else self.help_en

    @property
    def importable(self) -> bool:
        return self.table is not None

    @property
    def temp_table(self) -> str:
        return f'temp."sheet_{self.name}"'

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"{self.name} has no column {key}")

    @property
    def import_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.export_only)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.import_columns if c.required)


def normalise(text: object) -> str:
    """A header as compared on import: any case, any spacing, no trailing '*' or ':'."""
    return " ".join(str(text).split()).casefold().rstrip("*: ").strip()


def _column(raw: dict[str, Any], kind: str) -> Column:
    known = {"key", "header_sv", "header_en", "type", "required", "codes", "column", "sql",
             "export_only", "default", "min", "max", "ref", "lookup", "width", "number_format",
             "aliases", "help_sv", "help_en", "identifier", "not_after_today", "in_per_cent"}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"sheet kind {kind}: unknown column attribute(s) {sorted(unknown)}")
    ctype = raw.get("type", "text")
    if ctype not in TYPES:
        raise ValueError(f"sheet kind {kind}: column {raw.get('key')} has unknown type {ctype}")
    if ctype == "code" and not raw.get("codes"):
        raise ValueError(f"sheet kind {kind}: code column {raw.get('key')} needs 'codes'")
    export_only = bool(raw.get("export_only", False))
    column = raw.get("column", None if export_only else raw["key"])
    return Column(
        key=raw["key"], header_sv=raw["header_sv"], header_en=raw["header_en"], type=ctype,
        required=bool(raw.get("required", False)), codes=raw.get("codes"),
        column=column or None,
        sql=(_expression(raw["sql"], kind, f"column {raw.get('key')} sql") if raw.get("sql")
             else (f't."{column}"' if column else None)),
        export_only=export_only, default=raw.get("default"),
        minimum=raw.get("min"), maximum=raw.get("max"), ref=raw.get("ref"),
        lookup=raw.get("lookup"), width=raw.get("width"), number_format=raw.get("number_format"),
        aliases=tuple(raw.get("aliases", ())), help_sv=raw.get("help_sv", ""),
        help_en=raw.get("help_en", ""), identifier=bool(raw.get("identifier", False)),
        not_after_today=bool(raw.get("not_after_today", False)),
        in_per_cent=bool(raw.get("in_per_cent", False)),
    )


def _expression(value: Any, kind: str, name: str) -> str:
    """A declared SQL expression: text, or a day condition called by name with its SQL
    arguments, so that a sheet means by "a case's handler on a day" what every command
    and report means (:mod:`ekbist.day_conditions`), not its own copy of the rule."""
    if isinstance(value, str):
        return value
    from ekbist import day_conditions

    if isinstance(value, dict) and len(value) == 1:
        (function, args), = value.items()
        if (function in CONDITIONS and isinstance(args, list)
                and all(isinstance(a, str) for a in args)):
            return getattr(day_conditions, function)(*args)
    raise ValueError(f"sheet kind {kind}: {name} is neither SQL text nor one of "
                     f"{{ CONDITION = [arguments] }} with a condition of {sorted(CONDITIONS)}")


# The day conditions a declaration may call by name.
CONDITIONS = ("application_open", "assigned_handler_of_case", "assignment_covers", "case_active",
              "handler_at_work", "handler_employed", "handler_of_case")


def parse_declaration(data: dict[str, Any]) -> Kind:
    """A :class:`Kind` from one parsed TOML declaration (checked for consistency)."""
    name = data["kind"]
    for key, where in (("rules", "ekbist.sheet_import.RULES"),
                       ("source", "ekbist.sheets.exporter.SOURCES")):
        if key in data:
            raise ValueError(f"sheet kind {name}: '{key}' names code, which is declared by "
                             f"kind name in {where}, not in a declaration")
    columns = tuple(_column(c, name) for c in data.get("column", ()))
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise ValueError(f"sheet kind {name}: duplicate column keys")
    export = data.get("export", {})
    table = data.get("table")
    kind = Kind(
        name=name, sheet_sv=data["sheet_sv"], sheet_en=data["sheet_en"], columns=columns,
        table=table, key=tuple(data.get("key", ())), order=int(data.get("order", 1000)),
        help_sv=data.get("help_sv", ""), help_en=data.get("help_en", ""),
        export_from=export.get("from", f"{table} t" if table else None),
        export_where=export.get("where"), order_by=export.get("order_by"),
        date_expr=export.get("date"), write={key: _expression(value, name, f"[write] {key}")
               for key, value in data.get("write", {}).items()},
        checks=tuple(Check(c["when"], c["cell"], c["message_sv"], c["message_en"])
                     for c in data.get("check", ())),
    )
    for key in kind.key:
        if key not in keys:
            raise ValueError(f"sheet kind {name}: key column {key} is not declared")
    for check in kind.checks:
        if check.cell not in keys:
            raise ValueError(f"sheet kind {name}: check names unknown cell {check.cell}")
    if kind.importable and not kind.key:
        raise ValueError(f"sheet kind {name}: an importable kind needs a key")
    for sheet in (kind.sheet_sv, kind.sheet_en):
        if len(sheet) > 31 or any(ch in sheet for ch in "[]:*?/\\"):
            raise ValueError(f"sheet kind {name}: '{sheet}' cannot be an Excel sheet name")
    return kind


def _declaration_files() -> list[Any]:
    folder = resources.files("ekbist.schemas") / "sheets"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)


@functools.lru_cache(maxsize=1)
def kinds() -> dict[str, Kind]:
    """Every declared kind by name, in import order."""
    found = []
    for path in _declaration_files():
        found.append(parse_declaration(tomllib.loads(path.read_text(encoding="utf-8"))))
    found.sort(key=lambda k: (k.order, k.name))
    result = {k.name: k for k in found}
    if len(result) != len(found):
        raise ValueError("two sheet declarations use the same kind name")
    for kind in result.values():
        for column in kind.columns:
            if column.ref and column.ref not in result:
                raise ValueError(f"sheet kind {kind.name}: {column.key} refers to unknown kind {column.ref}")
    return result


def named(name: str) -> Kind | None:
    """The kind ``name`` names: its key ('actuals') or its sheet name in either language
    ('Utfall', 'Actuals'), in any case and spacing."""
    wanted = normalise(name)
    return next((k for k in kinds().values()
                 if wanted in (k.name, normalise(k.sheet_sv), normalise(k.sheet_en))), None)


def get(name: str) -> Kind:
    from ekbist.errors import EkbistError

    found = named(name)
    if found is None:
        raise EkbistError(
            _("unknown sheet kind '{kind}' (known: {kinds})").format(
                kind=name, kinds=", ".join(kind_words())
            )
        )
    return found


def kind_word(kind: Kind) -> str:
    """A kind as the user types it with --kind in the active language (both are accepted)."""
    from ekbist.i18n import language

    return kind.sheet_sv.casefold() if language() == "sv" else kind.name


def kind_words() -> list[str]:
    """The kind names to offer in the active language, 'all' first (both are accepted)."""
    from ekbist.i18n import language

    if language() == "sv":
        return ["alla", *(k.sheet_sv.casefold() for k in kinds().values())]
    return ["all", *kinds()]


def selected(name: str, *, importable_only: bool = False) -> list[Kind]:
    """The kinds named by ``name`` on the command line (``all`` = every kind of record)."""
    if name in ("all", "alla"):
        return [k for k in kinds().values() if k.importable]
    kind = get(name)
    return [kind]


def allowed_values(column: Column, lang: str | None = None) -> list[str]:
    """The values a coded column accepts, as shown in templates (in the chosen language)."""
    from ekbist import codes

    if column.type == "code":
        table = codes.KINDS[column.codes]
        if (lang or language()) == "sv":
            return [swedish for _english, swedish in table.values()]
        return [english for english, _swedish in table.values()]
    if column.type == "boolean":
        return ["ja", "nej"] if (lang or language()) == "sv" else ["yes", "no"]
    return []


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def columns_markdown(names: list[str] | None = None, lang: str = "en") -> str:
    """The manual's table of columns for every kind (or ``names``), from the declarations.

    Generated, never hand-written: ``python scripts/docs.py update`` writes it into
    docs/spreadsheets.md, and a test fails when the page is out of date.
    """
    from ekbist.i18n import set_language

    previous = language()
    set_language(lang)
    try:
        out: list[str] = []
        for kind in kinds().values():
            if names and kind.name not in names:
                continue
            title = f"### `{kind.name}` — {kind.sheet_en} / {kind.sheet_sv}"
            out.append(title)
            out.append("")
            if kind.help(lang):
                out.append(kind.help(lang))
                out.append("")
            notes = []
            if kind.importable:
                notes.append(f"Table `{kind.table}`; record key: "
                             + ", ".join(f"`{k}`" for k in kind.key) + ".")
            else:
                notes.append("Export only (a report).")
            out.append(" ".join(notes))
            out.append("")
            out.append("| key | Swedish header | English header | type | required | values | meaning |")
            out.append("|---|---|---|---|---|---|---|")
            for column in kind.columns:
                values = ""
                if column.type == "code":
                    from ekbist import codes

                    table = codes.KINDS[column.codes]
                    values = ", ".join(f"{sv} (`{code}`)" for code, (_en, sv) in table.items())
                elif column.type == "boolean":
                    values = "ja/nej, yes/no, 1/0"
                if column.ref:
                    values = f"a `{column.ref}` key"
                if column.lookup:
                    values = f"a `{column.lookup}`"
                if column.minimum is not None or column.maximum is not None:
                    values = f"{column.minimum if column.minimum is not None else ''}–" \
                             f"{column.maximum if column.maximum is not None else ''}"
                if column.default is not None and not column.required:
                    shown = column.default
                    if column.type == "boolean":
                        shown = "ja/yes" if column.default else "nej/no"
                    values = (values + "; " if values else "") + f"empty = {shown}"
                required = "export only" if column.export_only else ("yes" if column.required else "")
                out.append("| " + " | ".join(_md_escape(x) for x in (
                    f"`{column.key}`", column.header_sv, column.header_en,
                    TYPE_LABELS[column.type], required, values, column.help(lang),
                )) + " |")
            out.append("")
        return "\n".join(out)
    finally:
        set_language(previous)
