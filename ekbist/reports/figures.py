"""Every key figure's key, label, unit and definition: the one list (:data:`FIGURES`).

The keys are the JSON contract (stable); labels and definitions are English, translated
when shown, and name the national source and how ekbist's count differs from it
(docs/indicators.md holds the same in a table).
"""

from __future__ import annotations

from dataclasses import dataclass

from ekbist.i18n import N_, _

PAYMENT_MONTH_NOTE = N_("National statistics count the month of payment; ekbist counts the "
                        "month the assistance is for.")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # English, translated when shown
    unit: str  # households, persons, kr, share, cases, days, months
    definition: str  # English, translated when shown; names the source


FIGURES: tuple[Figure, ...] = (
    Figure("households_per_month", N_("Households with assistance, per month"), "households",
           N_("Households (cases) with a granted or partly granted application above 0 kr for "
              "the month. Socialstyrelsen: households with assistance in the month.")),
    Figure("households_per_month_avg", N_("Households with assistance, monthly average"),
           "households",
           N_("The mean of the monthly counts over the period's months. Socialstyrelsen's "
              "monthly average.")),
    Figure("households_total", N_("Households with assistance during the period"), "households",
           N_("Households with assistance in at least one month of the period (Socialstyrelsen: "
              "biståndshushåll under året).")),
    Figure("adults_in_assisted_households", N_("Adults in assisted households"), "persons",
           N_("The adults recorded on the cases of the assisted households (their present "
              "composition, not month by month).")),
    Figure("children_in_assisted_households", N_("Children in assisted households"), "persons",
           N_("The children recorded on the cases of the assisted households.")),
    Figure("households_by_gender", N_("Assisted households by applicant gender"), "households",
           N_("The applicant's gender as recorded on the case; unknown when not recorded.")),
    Figure("households_with_children", N_("Assisted households with children"), "households",
           N_("Assisted households whose case records at least one child.")),
    Figure("homeless_households_with_children_per_month_avg",
           N_("Homeless with children, monthly average"), "households",
           N_("The mean over the period's months of the households with assistance in the month "
              "whose case records children and is marked homeless (the seed's 'i snitt … saknat "
              "stadigvarande bostad').")),
    Figure("homeless_households_with_children",
           N_("Homeless with children during the period"),
           "households", N_("Assisted households with children whose case is marked homeless, "
                            "with assistance in at least one month of the period.")),
    Figure("paid_total", N_("Assistance granted"), "kr",
           N_("The amounts of the paying applications for the period's months. Kolada and the "
              "accounts count payments made in the period.")),
    Figure("paid_per_household_month", N_("Assistance per household and month"), "kr",
           N_("Assistance granted divided by the household-months with assistance (the seed's "
              "'snittkostnad per hushåll och månad').")),
    Figure("paid_per_household", N_("Assistance per household in the period"), "kr",
           N_("Assistance granted divided by the households with assistance during the period.")),
    Figure("cases_opened", N_("Cases opened"), "cases",
           N_("Cases whose opening day lies in the period.")),
    Figure("closed_total", N_("Cases closed"), "cases",
           N_("Cases whose closing day lies in the period (the seed: 'bidragshushåll avslutats'). "
              "A household that returns under a new case number counts again.")),
    Figure("closed_by_reason", N_("Cases closed by reason"), "cases",
           N_("Closed cases per reason code; every code is listed.")),
    Figure("closed_share_by_reason", N_("Cases closed by reason, share"), "share",
           N_("Each reason's share of the cases closed in the period.")),
    Figure("long_term_households_calendar", N_("Long-term households, calendar year"),
           "households",
           N_("Households with assistance in 10–12 months of the calendar year, counted from "
              "January to the period's last month (Socialstyrelsen, Kolada). Only a whole year "
              "gives the national figure.")),
    Figure("long_term_adults_calendar", N_("Long-term adults, calendar year"),
           "persons", N_("The adults of the long-term households of the calendar year.")),
    Figure("long_term_households_by_gender", N_("Long-term households by applicant gender"),
           "households", N_("The calendar-year long-term households by the applicant's gender.")),
    Figure("long_term_households_rolling", N_("Long-term households, last 12 months"),
           "households",
           N_("Households with assistance in 10–12 of the twelve months ending with the period's "
              "last month: the seed's unit's rolling definition, not the national one.")),
    Figure("long_term_adults_rolling", N_("Long-term adults, last 12 months"),
           "persons", N_("The adults of the rolling long-term households.")),
    Figure("long_term_share_of_households", N_("Long-term share of assisted households"), "share",
           N_("Calendar-year long-term households divided by the households with assistance in "
              "the same months.")),
    Figure("long_term_adults_share_of_assisted_adults",
           N_("Long-term adults, share of assisted adults"), "share",
           N_("Adults in calendar-year long-term households divided by adults in assisted "
              "households in the same months (Kolada / Öppna jämförelser: share of adult "
              "recipients).")),
    Figure("long_term_share_of_households_rolling",
           N_("Long-term share, last 12 months"), "share",
           N_("Rolling long-term households divided by the households with assistance in the "
              "same twelve months (the seed's unit).")),
    Figure("long_term_adults_share_of_population", N_("Long-term adults, share of adult population"),
           "share",
           N_("Adults in calendar-year long-term households divided by the adult population on "
              "31 December (Kolada N31816). Needs the population of the year.")),
    Figure("long_term_adults_share_of_population_rolling",
           N_("Long-term adults, 12 months, share of adults"), "share",
           N_("Adults in households with assistance in 10–12 of the twelve months ending with the "
              "period's last month, divided by the adult population on 31 December: the seed's "
              "'tio till tolv månader under den senaste tolvmånadersperioden', which the tertial "
              "reports follow. Kolada N31816 counts the calendar year instead. Needs the "
              "population of the year.")),
    Figure("very_long_term_households", N_("Very long-term households"), "households",
           N_("Households with assistance in at least the set number of the 36 months ending with "
              "the period's last month (setting indicators.very_long_term_months): the unit's own "
              "measure.")),
    Figure("young_adult_households", N_("Young-adult households"), "households",
           N_("Assisted households whose applicant is 18 to the set age (setting "
              "indicators.young_adult_max_age; Kolada: 24) in the year: year minus birth year. "
              "Unknown birth years are not counted.")),
    Figure("young_adult_share", N_("Young-adult share of assisted households (caseload)"),
           "share",
           N_("Young-adult households divided by the assisted households whose birth year is "
              "known: a share of the caseload, not Kolada's share of the young adults in the "
              "population (young_adults_share_of_population).")),
    Figure("birth_year_unknown_households", N_("Assisted households without a birth year"),
           "households", N_("Assisted households whose applicant's birth year is not recorded.")),
    Figure("adults_with_assistance_share_of_population",
           N_("Share of adults with assistance"), "share",
           N_("Adults recorded on the cases of the households with assistance during the period "
              "divided by the adult population on 31 December: the unit's own ratio. "
              "Socialstyrelsen counts the adults in its register (the registered applicant "
              "and a spouse); ekbist the adults as the case records them now. Needs the "
              "population of the year.")),
    Figure("children_in_assisted_households_share_of_population",
           N_("Share of children in assisted households"), "share",
           N_("Children in assisted households divided by the children (0–17) in the population "
              "on 31 December. Needs the population of the year.")),
    Figure("paid_per_inhabitant", N_("Assistance granted per inhabitant"), "kr",
           N_("Assistance granted (paid_total) divided by the whole population on 31 December. "
              "Not Kolada N31001, which is the booked cost with the handling included "
              "(assistance_cost_per_inhabitant). Needs the population of the year.")),
    Figure("waiting_time_first_contact_mean_days", N_("Waiting time from first contact, mean"),
           "days",
           N_("Mean calendar days from the first contact to the decision for new applicants "
              "whose first contact lies in the window: January–June for a whole year (Kolada U31402), "
              "else the period. ekbist's five-working-day figures are not U31402.")),
    Figure("waiting_time_first_contact_median_days",
           N_("Waiting time from first contact, median"), "days",
           N_("The median of the same waiting times.")),
    Figure("waiting_time_first_contact_count", N_("New applicants measured"), "cases",
           N_("Decided applications with a first contact in the window.")),
    Figure("inhabitants_with_assistance_share_of_population",
           N_("Inhabitants with assistance, share of population"), "share",
           N_("The adults and children recorded on the cases of the households with assistance "
              "during the period divided by all inhabitants on 31 December (Kolada N31807: "
              "inhabitants, children included, who received assistance at some time in the "
              "year). Persons as the case records them now. Needs the population of the "
              "year.")),
    Figure("young_adults_with_assistance", N_("Young adults 18–24 with assistance"), "persons",
           N_("Applicants aged 18–24 in the year (year minus birth year) of the households with "
              "assistance during the period. Kolada counts every person 18–24 in an assisted "
              "household; ekbist knows the age of the applicant only.")),
    Figure("young_adults_share_of_population", N_("Share of 18–24-year-olds with assistance"),
           "share",
           N_("Young adults 18–24 with assistance divided by the inhabitants aged 18–24 on 31 "
              "December (Kolada: young adults with ekonomiskt bistånd, share of all 18–24-year-"
              "olds). Applicants only. Needs the population by age of the year, with bands "
              "that cover 18–24.")),
    Figure("young_adults_share_of_population_by_gender",
           N_("Share of 18–24-year-olds with assistance, by sex"), "share",
           N_("The same per sex: applicants of the sex aged 18–24 divided by the inhabitants of "
              "the sex aged 18–24. Needs the population by age and sex.")),
    Figure("adults_with_assistance_share_of_population_by_gender",
           N_("Share of adults with assistance, by sex"), "share",
           N_("Applicants of the sex of the households with assistance during the period divided "
              "by the inhabitants of the sex aged 18 and over (the seed: 'andelen män … högre än "
              "andelen kvinnor'). A second adult's sex is not recorded, so it counts one adult "
              "per household. Needs the population by age and sex.")),
    Figure("long_term_adults_share_of_population_by_gender",
           N_("Long-term adults, share of adults, by sex"), "share",
           N_("Applicants of the sex of the calendar-year long-term households (10–12 months) "
              "divided by the inhabitants of the sex aged 18 and over (Kolada N31816 by sex). "
              "One adult per household, as above. Needs the population by age and sex.")),
    Figure("adults_with_assistance_share_of_population_monthly",
           N_("Share of adults with assistance in the month"), "share",
           N_("Adults recorded on the cases of the households with assistance in the month "
              "divided by the adult population on 31 December, at the end of each tertial "
              "(April, August, December) and in the period's last month: the seed's 'från "
              "0,85 % av den vuxna befolkningen till 0,78 %'. Needs the population of the "
              "year.")),
    Figure("assistance_cost", N_("Cost of assistance and its handling (ledger)"), "kr",
           N_("The actuals of the assistance activity (setting budget.assistance_activity) on "
              "the assistance line (budget.assistance_line) and the staff lines "
              "(Personalkostnader, Övriga personalkostnader) for the period's months; empty "
              "when a month has no actuals.")),
    Figure("assistance_cost_per_inhabitant", N_("Cost of assistance per inhabitant (N31001)"),
           "kr",
           N_("The cost of assistance and its handling from the ledger divided by all "
              "inhabitants on 31 December (Kolada N31001, kostnad för ekonomiskt bistånd, "
              "kr/inv). Kolada takes the booked cost from the municipality's accounts "
              "(räkenskapssammandraget); ekbist the unit's own actuals, premises and other "
              "costs left out and revenues not subtracted. Needs the actuals of every month "
              "and the population of the year.")),
)


# The figures whose value is split by month, code or sex (a list or a dict), not one number:
# a target names one number, so these take none (ekbist.reports.targets).
SPLIT_FIGURES = frozenset({
    "households_per_month", "households_by_gender", "closed_by_reason", "closed_share_by_reason",
    "long_term_households_by_gender", "young_adults_share_of_population_by_gender",
    "adults_with_assistance_share_of_population_by_gender",
    "long_term_adults_share_of_population_by_gender",
    "adults_with_assistance_share_of_population_monthly",
})

def definitions() -> list[dict[str, str]]:
    """Every figure's key, label, unit and definition, translated (for docs and the xlsx)."""
    return [{"key": f.key, "label": _(f.label), "unit": f.unit,
             "definition": _(f.definition) + (" " + _(PAYMENT_MONTH_NOTE)
                                              if f.unit in ("households", "kr") else "")}
            for f in FIGURES]


def share_decimals(key: str) -> int:
    """Decimals of a share: two for a share of the population (0,57 %, as the seed and Kolada
    write them), one for every other share (13,7 %). The one precision rule for screens,
    reports and workbooks."""
    return 2 if "_share_of_population" in key else 1


def item_label(key: str, item: str) -> str:
    """The part of a figure split by code (gender, close reason) in the reader's words."""
    from ekbist.codes import label

    if key.endswith("by_gender"):
        return _("not recorded") if item == "unknown" else label("gender", item)
    if "by_reason" in key:
        return label("close_reason", item)
    if key.endswith("_monthly"):
        from ekbist.months import MONTH_NAMES

        return _(MONTH_NAMES[int(item) - 1])
    return item
