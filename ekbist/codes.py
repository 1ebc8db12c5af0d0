"""The stable codes ekbist stores (team, decision, close reason, plan kind, gender).

Codes are English snake_case and never change: they are stored and they are the
JSON contract. People see them translated, and import accepts the Swedish words
as well as the English labels.
"""

from __future__ import annotations

from ekbist.errors import EkbistError
from ekbist.i18n import N_, _

# code -> (English label, Swedish word as the unit writes it)
TEAMS: dict[str, tuple[str, str]] = {
    "intake": (N_("intake"), "mottagning"),
    "investigation": (N_("investigation"), "utredning"),
    "violence": (N_("violence in close relationships"), "våld i nära relation"),
    "debt": (N_("budget and debt advice"), "budget- och skuldrådgivning"),
    "other": (N_("other"), "annat"),
}

DECISIONS: dict[str, tuple[str, str]] = {
    "granted": (N_("granted"), "bifall"),
    "partly": (N_("partly granted"), "delvis bifall"),
    "rejected": (N_("rejected"), "avslag"),
    "withdrawn": (N_("withdrawn"), "återkallad"),
}

CLOSE_REASONS: dict[str, tuple[str, str]] = {
    "work": (N_("work"), "arbete"),
    "studies": (N_("studies"), "studier"),
    "sickness_comp": (N_("sickness or activity compensation"), "sjuk-/aktivitetsersättning"),
    "other_benefit": (N_("other benefit"), "annan ersättning"),
    "moved": (N_("moved"), "flyttat"),
    "other": (N_("other"), "annat"),
}

PLAN_KINDS: dict[str, tuple[str, str]] = {
    "change": (N_("change plan"), "förändringsplan"),
    "housing": (N_("housing plan"), "boendeplan"),
}

ABSENCE_KINDS: dict[str, tuple[str, str]] = {
    "sick": (N_("sick leave"), "sjukfrånvaro"),
    "vacation": (N_("vacation"), "semester"),
    "parental": (N_("parental leave"), "föräldraledighet"),
    "leave": (N_("leave of absence"), "tjänstledighet"),
    "training": (N_("training"), "utbildning"),
    "other": (N_("other"), "annat"),
}

# What a contact (kontakt) asks for: the promise it falls under (ekbist.contacts).
CONTACT_KINDS: dict[str, tuple[str, str]] = {
    "callback": (N_("call-back request"), "återuppringning"),
    "first_visit": (N_("first-visit request"), "första besök"),
    "violence": (N_("violence"), "våldsutsatt"),
    "debt": (N_("debt advice"), "skuldrådgivning"),
    "other": (N_("other"), "annat"),
}

TARGET_DIRECTIONS: dict[str, tuple[str, str]] = {
    "at_least": (N_("at least"), "minst"),
    "at_most": (N_("at most"), "högst"),
}

# Goals as the annual report holds them (ekbist.reports.goals): the level, the chief's
# verdict and an activity's status.
GOAL_LEVELS: dict[str, tuple[str, str]] = {
    "city": (N_("city"), "stad"),
    "board": (N_("board"), "nämnd"),
    "unit": (N_("unit"), "enhet"),
}

GOAL_VERDICTS: dict[str, tuple[str, str]] = {
    "met": (N_("fulfilled in full"), "uppfylls helt"),
    "partly": (N_("fulfilled in part"), "uppfylls delvis"),
    "not_met": (N_("not fulfilled"), "uppfylls ej"),
}

ACTIVITY_STATUSES: dict[str, tuple[str, str]] = {
    "planned": (N_("planned"), "planerad"),
    "ongoing": (N_("ongoing"), "pågår"),
    "done": (N_("done"), "genomförd"),
    "deviation": (N_("deviation"), "avvikelse"),
}

# The unit a figure (and a target on it) is counted in.
FIGURE_UNITS: dict[str, tuple[str, str]] = {
    "households": (N_("households"), "hushåll"),
    "persons": (N_("persons"), "personer"),
    "percent": (N_("per cent"), "procent"),
    "share": (N_("share"), "andel"),
    "kr": (N_("kr"), "kr"),
    "tkr": (N_("tkr"), "tkr"),
    "cases": (N_("cases"), "ärenden"),
    "days": (N_("days"), "dagar"),
    "months": (N_("months"), "månader"),
    "count": (N_("count"), "antal"),
}

GENDERS: dict[str, tuple[str, str]] = {
    "f": (N_("woman"), "kvinna"),
    "m": (N_("man"), "man"),
    "x": (N_("other or unknown"), "annat"),
}

# The sexes Statistics Sweden counts the population by (Folkmängden efter ålder och kön).
POPULATION_GENDERS: dict[str, tuple[str, str]] = {
    "f": (N_("women"), "kvinnor"),
    "m": (N_("men"), "män"),
}

# How a saved prognosis line was made (schemas/glossary.toml: run-rate = linjär framskrivning).
PROGNOSIS_METHODS: dict[str, tuple[str, str]] = {
    "run-rate": (N_("run-rate"), "linjär framskrivning"),
    "budget": (N_("budget"), "budget"),
    "seasonal": (N_("seasonal"), "säsongsmönster"),
    "driver": (N_("households × average"), "bidragshushåll × snittbelopp"),
    "manual": (N_("set by hand"), "satt för hand"),
}

# The methods a prognosis computes (every method but 'manual'), simplest first — a tie in the
# backtest goes to the method a controller can check on the back of an envelope — each with
# the short word a Swedish user types for it (accepted like the long word; offered in help
# and errors). ekbist.prognosis_options and the setting prognosis.line_methods read them here.
FORECAST_METHODS: dict[str, str] = {
    "run-rate": "framskrivning",
    "budget": "budget",
    "seasonal": "säsong",
    "driver": "hushåll",
}


def forecast_method(text: str) -> str | None:
    """The method a prognosis computes that ``text`` names (a code, its label, its Swedish
    word or short word, any case), or None — 'manual' and unknown words alike."""
    code = find_code("prognosis_method", text)
    return code if code in FORECAST_METHODS else None


def forecast_method_words() -> list[str]:
    """The methods a prognosis computes as the active language offers them: the Swedish
    short words, or the codes."""
    from ekbist.i18n import language

    return list(FORECAST_METHODS.values()) if language() == "sv" else list(FORECAST_METHODS)


# How a saved prognosis line's method was chosen when the chief did not name it.
METHOD_CHOICES: dict[str, tuple[str, str]] = {
    "best": (N_("best"), "bästa"),
    "setting": (N_("setting"), "inställning"),
}

# The morning check's parts (`ekbist check --only`), as the user types them.
CHECKS: dict[str, tuple[str, str]] = {
    "handling-time": ("handling-time", "handläggningstid"),
    "plans": ("plans", "planer"),
    "caseload": ("caseload", "ärendeantal"),
    "budget": ("budget", "budget"),
    "targets": ("targets", "årsmål"),
    "contacts": ("contacts", "kontakter"),
    "activities": ("activities", "insatser"),
}

# Försörjningshinder: the categories of Socialstyrelsen's monthly statistics (HSLF-FS 2015:30,
# appendix 1, as its registration instruction words them). docs/activities.md cites them.
BARRIERS: dict[str, tuple[str, str]] = {
    "unemployed_no_benefit": (N_("unemployed, no benefit"), "arbetslös – ingen ersättning"),
    "unemployed_insufficient": (N_("unemployed, insufficient benefit"),
                                "arbetslös – otillräcklig ersättning"),
    "unemployed_waiting": (N_("unemployed, waiting for benefit"),
                           "arbetslös – i väntan på ersättning"),
    "establishment": (N_("unemployed, establishment benefit"),
                      "arbetslös med etableringsersättning"),
    "sick_certified": (N_("sick with a doctor's certificate"), "sjukskriven med läkarintyg"),
    "sickness_comp": (N_("sickness or activity compensation, insufficient"),
                      "sjuk- eller aktivitetsersättning – otillräcklig"),
    "social": (N_("unable to work for social reasons"), "arbetshinder – sociala skäl"),
    "parental": (N_("parental leave, insufficient benefit"), "föräldraledig – otillräcklig ersättning"),
    "working_full": (N_("works full time, insufficient income"),
                     "arbetar heltid – otillräcklig inkomst"),
    "working_part": (N_("works part time, insufficient income"),
                     "arbetar deltid – otillräcklig inkomst"),
    "pension": (N_("old-age pension, insufficient"), "ålderspension – otillräcklig"),
    "other": (N_("other barrier"), "annat försörjningshinder"),
}

# What ekbist's close reasons are in the statistics of why assistance ended
# (HSLF-FS 2015:30, appendix 2): code -> the appendix's category, in Swedish and English.
CLOSE_REASONS_NATIONAL: dict[str, tuple[str, str]] = {
    "work": (N_("work"), "arbete"),
    "studies": (N_("studies"), "studier"),
    "sickness_comp": (N_("sickness or activity compensation"),
                      "sjuk- eller aktivitetsersättning"),
    "other_benefit": (N_("other benefit or insurance"), "annan ersättning"),
    "moved": (N_("moved to another municipality"), "flyttat till annan kommun"),
    "other": (N_("other or unknown reason"), "annan eller okänd orsak"),
}

# Activities (insatser) of a case; the unit chooses the kinds it uses (setting activities.kinds).
# "exempt" is no activity: an exemption from the activity requirement, with its reason.
ACTIVITY_KINDS: dict[str, tuple[str, str]] = {
    "jobbtorg": (N_("Jobbtorg"), "Jobbtorg"),
    "af_programme": (N_("Arbetsförmedlingen programme"), "program hos Arbetsförmedlingen"),
    "municipal_job": (N_("municipal employment"), "kommunal anställning"),
    "studies": (N_("studies"), "studier"),
    "sfi": (N_("SFI (Swedish for immigrants)"), "sfi"),
    "rehabilitation": (N_("rehabilitation"), "rehabilitering"),
    "other": (N_("other activity"), "annan insats"),
    "exempt": (N_("exempt (no activity)"), "undantag"),
}

# Why an adult has no activity (undantag), after Ds 2024:29's exemptions.
EXEMPTIONS: dict[str, tuple[str, str]] = {
    "sickness": (N_("sickness"), "sjukdom"),
    "parental": (N_("care of a child"), "vård av barn"),
    "care_of_relative": (N_("care of a relative"), "vård av närstående"),
    "disability": (N_("disability"), "funktionsnedsättning"),
    "other": (N_("other reason"), "annat skäl"),
}

# The label of a table's totals row, in every table, report and workbook: one word
# (schemas/glossary.toml, code "total"). The controller's workbooks are Swedish whatever
# the language, and write TOTAL_SV.
TOTAL = N_("Total")
TOTAL_SV = "Totalt"

# What an audit row records (the audit table's CHECK constraint).
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "insert": (N_("insert"), "tillägg"),
    "update": (N_("update"), "ändring"),
    "delete": (N_("delete"), "borttagning"),
}

KINDS: dict[str, dict[str, tuple[str, str]]] = {
    "team": TEAMS,
    "decision": DECISIONS,
    "close_reason": CLOSE_REASONS,
    "plan_kind": PLAN_KINDS,
    "gender": GENDERS,
    "population_gender": POPULATION_GENDERS,
    "absence_kind": ABSENCE_KINDS,
    "contact_kind": CONTACT_KINDS,
    "target_direction": TARGET_DIRECTIONS,
    "prognosis_method": PROGNOSIS_METHODS,
    "method_choice": METHOD_CHOICES,
    "audit_action": AUDIT_ACTIONS,
    "figure_unit": FIGURE_UNITS,
    "check": CHECKS,
    "goal_level": GOAL_LEVELS,
    "goal_verdict": GOAL_VERDICTS,
    "activity_status": ACTIVITY_STATUSES,
    "barrier": BARRIERS,
    "activity_kind": ACTIVITY_KINDS,
    "exemption": EXEMPTIONS,
}

KIND_NAMES = {
    "team": N_("team"),
    "decision": N_("decision"),
    "close_reason": N_("close reason"),
    "plan_kind": N_("plan kind"),
    "gender": N_("gender"),
    "population_gender": N_("sex"),
    "absence_kind": N_("absence kind"),
    "contact_kind": N_("contact kind"),
    "target_direction": N_("target direction"),
    "prognosis_method": N_("prognosis method"),
    "method_choice": N_("method chosen by"),
    "audit_action": N_("audit action"),
    "figure_unit": N_("unit"),
    "check": N_("check"),
    "goal_level": N_("goal level"),
    "goal_verdict": N_("verdict"),
    "activity_status": N_("activity status"),
    "barrier": N_("barrier to self-support"),
    "activity_kind": N_("activity kind"),
    "exemption": N_("exemption reason"),
}

# Extra Swedish spellings met in real files.
_ALIASES: dict[str, dict[str, str]] = {
    "team": {
        "våld": "violence",
        "vinr": "violence",
        "skuldrådgivning": "debt",
        "budget- och skuldrådgivare": "debt",
        "övrigt": "other",
    },
    "decision": {
        "beviljat": "granted",
        "beviljad": "granted",
        "delvis beviljat": "partly",
        "delvis beviljad": "partly",
        "avslås": "rejected",
        "återtagen": "withdrawn",
        "återtaget": "withdrawn",
        "återkallat": "withdrawn",
        "delvis": "partly",
    },
    "close_reason": {
        "sjukersättning": "sickness_comp",
        "aktivitetsersättning": "sickness_comp",
        "flytt": "moved",
        "övrigt": "other",
        "annan": "other",
    },
    "plan_kind": {"arbetsplan": "change", "förändring": "change", "boende": "housing"},
    "absence_kind": {
        "sjuk": "sick",
        "sjukskriven": "sick",
        "sjukskrivning": "sick",
        "sjukledighet": "sick",
        "sjukdom": "sick",
        "ledighet": "leave",
        "föräldraledig": "parental",
        "föräldrapenning": "parental",
        "kurs": "training",
        "övrigt": "other",
    },
    "target_direction": {"≥": "at_least", ">=": "at_least", "≤": "at_most", "<=": "at_most",
                         "lägst": "at_least", "max": "at_most", "min": "at_least"},
    "prognosis_method": {**{word: code for code, word in FORECAST_METHODS.items()},
                         "manuell": "manual", "season": "seasonal"},
    "method_choice": {"bäst": "best"},
    "goal_level": {"kf": "city", "kommunfullmäktige": "city", "stadens": "city",
                   "nämndmål": "board", "nämnden": "board", "enhetsmål": "unit",
                   "enheten": "unit"},
    "goal_verdict": {"helt": "met", "delvis": "partly", "ej": "not_met", "inte": "not_met",
                     "uppfylls inte": "not_met", "full": "met", "partial": "partly",
                     "fulfilled": "met", "partly fulfilled": "partly", "none": "not_met"},
    "activity_status": {"genomförd enligt plan": "done", "klar": "done", "pågående": "ongoing",
                        "avvikelse": "deviation", "planerat": "planned"},
    "barrier": {"sjukskriven": "sick_certified", "sociala skäl": "social",
                "föräldraledig": "parental", "etableringsersättning": "establishment",
                "övrigt": "other", "annat": "other"},
    "activity_kind": {"af": "af_programme", "arbetsförmedlingen": "af_programme",
                      "kommunalt arbete": "municipal_job", "studier": "studies",
                      "rehab": "rehabilitation", "övrigt": "other", "annat": "other"},
    "exemption": {"sjuk": "sickness", "föräldraledig": "parental", "föräldraledighet": "parental",
                  "övrigt": "other", "annat": "other"},
    "contact_kind": {
        "uppringning": "callback",
        "återuppringning": "callback",
        "ring upp": "callback",
        "meddelande": "callback",
        "röstbrevlåda": "callback",
        "nybesök": "first_visit",
        "första besöket": "first_visit",
        "våld": "violence",
        "våld i nära relation": "violence",
        "budget- och skuldrådgivning": "debt",
        "budgetrådgivning": "debt",
        "skuld": "debt",
        "övrigt": "other",
    },
    "gender": {"k": "f", "kvinna": "f", "woman": "f", "man": "m", "male": "m", "female": "f"},
    "population_gender": {"k": "f", "kvinna": "f", "woman": "f", "female": "f", "man": "m",
                          "male": "m"},
}


def label(kind: str, code: str | None) -> str:
    """The translated label of ``code`` for display."""
    if code is None:
        return ""
    entry = KINDS[kind].get(code)
    return _(entry[0]) if entry else code


def typable(kind: str) -> list[str]:
    """The values of ``kind`` to offer a user: the codes, or in Swedish the Swedish words.

    Both are always accepted (``parse_code``); help and errors list the ones in the
    user's language so that a Swedish screen holds no English.
    """
    from ekbist.i18n import language

    table = KINDS[kind]
    if language() == "sv":
        return [swedish for _english, swedish in table.values()]
    return list(table)


def find_code(kind: str, text: str) -> str | None:
    """The code ``text`` names (a code, its English label or its Swedish word, any case),
    or None."""
    table = KINDS[kind]
    wanted = " ".join(str(text).strip().lower().split())
    if wanted in table:
        return wanted
    for code, (english, swedish) in table.items():
        if wanted in (english.lower(), swedish.lower()):
            return code
    return _ALIASES.get(kind, {}).get(wanted)


def swedish(kind: str, code: str) -> str:
    """The Swedish word of ``code`` (the code itself when it has none)."""
    entry = KINDS[kind].get(code)
    return entry[1] if entry else code


def parse_code(kind: str, text: str) -> str:
    """Read a code from a code, its English label or its Swedish word (any case)."""
    code = find_code(kind, text)
    if code is not None:
        return code
    raise EkbistError(
        _("unknown {kind} '{value}' (expected one of: {codes})").format(
            kind=_(KIND_NAMES[kind]), value=text, codes=", ".join(typable(kind))
        )
    )

