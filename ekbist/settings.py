"""The unit's thresholds, stored in the ``settings`` table.

Every key ekbist knows is declared here with its type, default and allowed
range; unknown keys and bad values are refused, so a typo cannot silently turn
a rule off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ekbist.errors import EkbistError
from ekbist.i18n import N_, _

if TYPE_CHECKING:
    from ekbist.store import Store


@dataclass(frozen=True)
class Setting:
    key: str
    type: type  # int, float or str
    default: int | float | str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    # For a text setting: a function that refuses a bad value and returns it in its
    # stored spelling.
    check: Callable[[str], str] | None = None


def _activity_kinds(text: str) -> str:
    """The activity kinds a unit uses: codes (or their words), comma-separated, each once."""
    from ekbist import codes

    found: list[str] = []
    for part in text.split(","):
        if part.strip():
            code = codes.parse_code("activity_kind", part)
            if code == "exempt":
                raise EkbistError(_("'{value}' is not an activity: an exemption is always "
                                    "allowed").format(value=part.strip()))
            if code not in found:
                found.append(code)
    if not found:
        raise EkbistError(_("the unit needs at least one activity kind"))
    # Stored in the unit's words (a Swedish settings list shows no English code); read back
    # by activities.kinds_in_use, which takes codes and words alike.
    return ", ".join(codes.KINDS["activity_kind"][code][1] for code in found)


def line_method_pairs(text: str) -> list[tuple[str, str]]:
    """The (KEY, METHOD) pairs of the setting ``prognosis.line_methods``:
    'LINE=METHOD; ACTIVITY:LINE=METHOD' with methods a prognosis computes
    (:data:`ekbist.codes.FORECAST_METHODS`), or '-' (or nothing) for none. The one reader of
    the setting's text: the setting is checked with it when stored, and the prognosis reads
    the pairs with it (the keys are read against the year's rows only then)."""
    from ekbist import codes

    if text.strip() in ("", "-"):
        return []
    pairs = []
    for part in (p for p in text.split(";") if p.strip()):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise EkbistError(_("prognosis.line_methods wants 'LINE=METHOD; ACTIVITY:LINE=METHOD' "
                                "or '-', not '{value}'").format(value=part.strip()))
        if codes.forecast_method(value) is None:
            raise EkbistError(_("prognosis.line_methods {line}: unknown method '{value}' "
                                "(known: {methods})").format(
                line=key.strip(), value=value.strip(),
                methods=", ".join(codes.forecast_method_words())))
        pairs.append((key.strip(), value.strip()))
    return pairs


def _line_methods(text: str) -> str:
    """The setting as it is stored, once :func:`line_method_pairs` reads it."""
    line_method_pairs(text)
    return "-" if text.strip() == "-" else text.strip()


def ramp_shares(text: str) -> tuple[int, ...]:
    """A newcomer's ramp-up: the share of a full caseload, in whole per cent, for each of
    their first months ('25 50 75', '25, 50, 75', '25 % 50 % 75 %'; '100' for none)."""
    words = text.replace(",", " ").replace(";", " ").replace("%", " ").split()
    try:
        shares = tuple(int(w) for w in words)
    except ValueError:
        shares = ()
    if not shares or len(shares) > 24 or not all(1 <= v <= 100 for v in shares):
        raise EkbistError(
            _("'{value}' is not a ramp-up: whole per cent from 1 to 100 for each of the first "
              "months (at most 24), e.g. '25 50 75'").format(value=text))
    return shares


def _ramp_text(text: str) -> str:
    """The ramp-up as it is stored, written the one way ('25 50 75')."""
    return " ".join(str(v) for v in ramp_shares(text))


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "handling.days",
            int,
            5,
            N_("working days from a complete application to the decision deadline"),
            1,
            60,
        ),
        Setting(
            "handling.incomplete_flag_days",
            int,
            10,
            N_("working days an incomplete application may wait before it is flagged"),
            1,
            250,
        ),
        Setting(
            "caseload.max_per_fte",
            int,
            40,
            N_("active cases per full-time handler above which a handler is flagged"),
            1,
            1000,
        ),
        Setting(
            "caseload.keep_days",
            int,
            90,
            N_("days after a reassignment during which a rebalance leaves the case alone"),
            0,
            3650,
        ),
        Setting(
            "caseload.ramp_up",
            str,
            "25 50 75",
            N_("a newcomer's share of a full caseload in each of their first months, in per "
               "cent (a rebalance gives them no more)"),
            check=_ramp_text,
        ),
        Setting(
            "plans.followup_months",
            int,
            3,
            N_("months from a plan or follow-up to the next follow-up"),
            1,
            24,
        ),
        Setting(
            "plans.grace_days", int, 90, N_("days a new case may go without a change plan"), 0, 3650
        ),
        Setting(
            "budget.assistance_line",
            str,
            "Entreprenader och köp av verksamhet",
            N_("the budget line that carries the assistance payments"),
        ),
        Setting(
            "budget.assistance_activity",
            str,
            "Ekonomiskt bistånd/handläggning",
            N_("the activity whose assistance line is forecast from households"),
        ),
        Setting(
            "budget.warn_deviation_pct",
            float,
            2.0,
            N_("per cent of the net budget a prognosis may be worse before a warning"),
            0,
            100,
        ),
        Setting(
            "budget.prognosis_due_workday",
            int,
            5,
            N_("working day of the month by which last month's prognosis is due"),
            1,
            23,
        ),
        Setting(
            "prognosis.line_methods",
            str,
            "-",
            N_("methods the prognosis keeps for some lines whatever method is asked for all "
               "lines: 'LINE=METHOD; ACTIVITY:LINE=METHOD', or '-' for none"),
            check=_line_methods,
        ),
        Setting(
            "indicators.young_adult_max_age",
            int,
            24,
            N_("oldest age (in the year) counted as a young adult in the key figures "
               "(Kolada: 24; some units use 25)"),
            18,
            29,
        ),
        Setting(
            "plans.measure_month",
            int,
            6,
            N_("month whose last day is the year report's plan-coverage measurement "
               "(the seed measured in June)"),
            1,
            12,
        ),
        Setting(
            "check.targets",
            int,
            0,
            N_("1 = ekbist check warns when a yearly target points to a miss; 0 = off"),
            0,
            1,
        ),
        Setting(
            "contacts.callback_workdays",
            int,
            1,
            N_("working days after the day a message is left by which the handler calls "
               "back (1 = the next working day)"),
            0,
            20,
        ),
        Setting(
            "contacts.violence_workdays",
            int,
            1,
            N_("working days after the day a victim of violence makes contact by which the "
               "violence team answers (0 = the same day, 1 = the next working day)"),
            0,
            20,
        ),
        Setting(
            "contacts.debt_months",
            int,
            3,
            N_("calendar months from a request for budget and debt advice to the visit"),
            1,
            24,
        ),
        Setting(
            "contacts.debt_children_days",
            int,
            7,
            N_("calendar days from a family with children's request for budget and debt "
               "advice to the contact"),
            1,
            92,
        ),
        Setting(
            "indicators.very_long_term_months",
            int,
            27,
            N_("months with assistance out of the last 36 that make a household very "
               "long-term (the unit's own measure)"),
            13,
            36,
        ),
        Setting(
            "activities.kinds",
            str,
            "Jobbtorg, program hos Arbetsförmedlingen, kommunal anställning, studier, sfi, "
            "rehabilitering, annan insats",
            N_("the activity kinds the unit uses, comma-separated (an exemption is always "
               "allowed)"),
            check=_activity_kinds,
        ),
        Setting(
            "activities.full_time_hours",
            float,
            40.0,
            N_("hours a week of activities that count as full time (the readiness for a "
               "full-time activity requirement, Ds 2024:29)"),
            1,
            80,
        ),
        Setting(
            "check.activity_requirement",
            int,
            0,
            N_("1 = ekbist check lists the households with assistance this month with no "
               "activity and no exemption; 0 = off"),
            0,
            1,
        ),
    )
}


def _lookup(key: str) -> Setting:
    setting = SETTINGS.get(key)
    if setting is None:
        raise EkbistError(
            _("unknown setting '{key}' (known: {keys})").format(key=key, keys=", ".join(SETTINGS))
        )
    return setting


def parse_value(key: str, text: str) -> int | float | str:
    """Check ``text`` against the declaration of ``key`` and return the typed value."""
    setting = _lookup(key)
    raw = str(text).strip()
    try:
        if setting.type is int:
            value: int | float | str = int(raw.replace(" ", "").replace("\u00a0", ""))
        elif setting.type is float:
            value = float(raw.replace(" ", "").replace(",", "."))
        else:
            value = raw
    except ValueError:
        raise EkbistError(
            _("'{value}' is not a valid value for {key}").format(value=text, key=key)
        ) from None
    if setting.type is str and not value:
        raise EkbistError(_("{key} cannot be empty").format(key=key))
    if setting.check is not None:
        value = setting.check(str(value))
    if setting.type is not str and (
        (setting.minimum is not None and value < setting.minimum)
        or (setting.maximum is not None and value > setting.maximum)
    ):
        raise EkbistError(
            _("{key} must be between {low} and {high}").format(
                key=key, low=_shown(setting.minimum), high=_shown(setting.maximum)
            )
        )
    return value


def _shown(value: int | float | None) -> str:
    """A bound as the reader writes numbers: decimal comma and grouped thousands in Swedish."""
    from ekbist.i18n import language
    from ekbist.number_text import format_number

    return format_number(value, swedish=language() == "sv")


def get(store: Store, key: str) -> int | float | str:
    setting = _lookup(key)
    stored = store.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return setting.default if stored is None else parse_value(key, stored)


def put(store: Store, key: str, text: str) -> int | float | str:
    value = parse_value(key, text)
    with store.transaction():
        store.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
    return value


def all_settings(store: Store) -> list[dict[str, object]]:
    """Every known setting with its value, default and whether the unit changed it."""
    stored = {r["key"]: r["value"] for r in store.query("SELECT key, value FROM settings")}
    return [
        {
            "key": s.key,
            "value": parse_value(s.key, stored[s.key]) if s.key in stored else s.default,
            "default": s.default,
            "changed": s.key in stored,
            "help": s.help,
        }
        for s in SETTINGS.values()
    ]
