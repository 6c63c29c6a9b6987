"""The platform template "Families of the territory" (IT + EN), loaded by a data migration.

The questionnaire an alliance runs for the parents of its territory: household, children by age
band, who looks after them out of school hours and in the holidays, services used and wanted,
costs, useful times, satisfaction and what is missing. Same structure as `needs_template`:
(code, kind, Italian, English, options, required, condition).
"""

from __future__ import annotations

from typing import Any

from sinergie.surveys.template_load import choices, template_load

TEMPLATE_KEY = "families-of-the-territory"

YES_NO = [("yes", "Sì", "Yes"), ("no", "No", "No")]
SATISFIED = {
    "min": 1,
    "max": 5,
    "min_it": "per nulla soddisfatto/a",
    "max_it": "molto soddisfatto/a",
    "min_en": "not at all satisfied",
    "max_en": "very satisfied",
}
AGE_BANDS = [
    ("0_2", "0–2 anni", "0–2 years"),
    ("3_5", "3–5 anni", "3–5 years"),
    ("6_10", "6–10 anni", "6–10 years"),
    ("11_13", "11–13 anni", "11–13 years"),
    ("14_17", "14–17 anni", "14–17 years"),
]
SCHOOL_AGE = ["3_5", "6_10", "11_13"]
SERVICES = [
    ("nursery", "Asilo nido o micronido", "Nursery"),
    ("pre_school", "Pre-scuola (ingresso anticipato)", "Before-school care"),
    ("after_school", "Doposcuola o spazio compiti", "After-school care or homework club"),
    ("canteen", "Mensa scolastica", "School canteen"),
    ("school_bus", "Trasporto scolastico", "School bus"),
    ("camp", "Centro estivo o campus nelle vacanze", "Summer or holiday camp"),
    ("babysitter", "Baby-sitter o tata", "Babysitter or nanny"),
    ("time_saving", "Servizi salva-tempo (spesa, lavanderia, commissioni)", "Time-saving services (shopping, laundry)"),
    ("counselling", "Sportello o consulenza per le famiglie", "Family counselling or help desk"),
]


SECTIONS: list[tuple[str, str, list[tuple[Any, ...]]]] = [
    (
        "La tua famiglia",
        "Your household",
        [
            (
                "respondent",
                "single",
                "Chi risponde al questionario?",
                "Who is answering this questionnaire?",
                choices(
                    [
                        ("mother", "La madre", "The mother"),
                        ("father", "Il padre", "The father"),
                        ("other", "Un altro adulto che cura i figli", "Another adult caring for the children"),
                    ]
                ),
                True,
                None,
            ),
            (
                "household",
                "single",
                "Com'è composta la tua famiglia?",
                "What is your household like?",
                choices(
                    [
                        ("couple", "Due genitori con figli", "Two parents with children"),
                        ("single_parent", "Un solo genitore con figli", "One parent with children"),
                        ("extended", "Genitori, figli e altri parenti", "Parents, children and other relatives"),
                        ("other", "Altro", "Other"),
                    ]
                ),
                True,
                None,
            ),
            (
                "children",
                "number",
                "Quanti figli minorenni vivono con te?",
                "How many children under 18 live with you?",
                {"min": 0, "max": 10, "bands": [0, 1, 2, 3, 4], "unit_it": "figli", "unit_en": "children"},
                True,
                None,
            ),
            (
                "children_ages",
                "multiple",
                "In quali fasce d'età sono i tuoi figli?",
                "Which age bands are your children in?",
                choices(AGE_BANDS),
                True,
                None,
            ),
            (
                "special_needs",
                "single",
                "Uno dei tuoi figli ha una disabilità o bisogni educativi speciali?",
                "Does one of your children have a disability or special educational needs?",
                choices([*YES_NO, ("rather_not", "Preferisco non rispondere", "I'd rather not say")]),
                False,
                None,
            ),
            (
                "parents_work",
                "matrix",
                "Che lavoro fanno gli adulti della famiglia?",
                "What work do the adults of the household do?",
                {
                    **choices(
                        [
                            ("full_time", "Tempo pieno", "Full time"),
                            ("part_time", "Part-time", "Part time"),
                            ("shifts", "A turni", "Shifts"),
                            ("self_employed", "Autonomo/a", "Self-employed"),
                            ("not_working", "Non lavora", "Not working"),
                        ]
                    ),
                    "rows": [
                        {"value": "you", "it": "Tu", "en": "You"},
                        {"value": "partner", "it": "L'altro genitore o partner", "en": "The other parent or partner"},
                    ],
                },
                False,
                None,
            ),
            (
                "unusual_hours",
                "single",
                "Qualcuno di voi lavora spesso la sera o nel fine settimana?",
                "Does one of you often work in the evening or at weekends?",
                choices(YES_NO),
                False,
                None,
            ),
        ],
    ),
    (
        "Dopo la scuola",
        "Out of school hours",
        [
            (
                "after_school_care",
                "multiple",
                "Chi si occupa dei tuoi figli dopo la scuola, nei giorni feriali?",
                "Who looks after your children after school on weekdays?",
                choices(
                    [
                        ("parents", "Noi genitori", "We parents"),
                        ("grandparents", "Nonni o altri parenti", "Grandparents or other relatives"),
                        ("babysitter", "Una baby-sitter", "A babysitter"),
                        ("after_school", "Doposcuola o spazio compiti", "After-school care or homework club"),
                        ("activities", "Attività sportive o culturali", "Sport or cultural activities"),
                        ("siblings", "Fratelli o sorelle maggiori", "Older brothers or sisters"),
                        ("alone", "Restano da soli", "They stay on their own"),
                    ]
                ),
                True,
                ("children_ages", SCHOOL_AGE),
            ),
            (
                "pre_school_need",
                "single",
                "Ti servirebbe un servizio di pre-scuola (ingresso prima dell'orario)?",
                "Would you need before-school care (entry before school starts)?",
                choices(
                    [
                        ("use", "Sì, e lo uso già", "Yes, and I already use it"),
                        ("missing", "Sì, ma non c'è o non ha posto", "Yes, but there is none or it is full"),
                        ("no", "No", "No"),
                    ]
                ),
                False,
                ("children_ages", SCHOOL_AGE),
            ),
            (
                "care_hours",
                "number",
                "Quante ore a settimana i tuoi figli passano con qualcuno che non è un genitore, fuori dalla scuola?",
                "How many hours a week do your children spend with someone other than a parent, outside school?",
                {"min": 0, "max": 80, "bands": [0, 1, 5, 10, 20], "unit_it": "ore", "unit_en": "hours"},
                False,
                None,
            ),
            (
                "daily_effort",
                "scale",
                "Quanto è faticoso organizzare le giornate dei tuoi figli durante l'anno scolastico?",
                "How hard is it to organise your children's days during the school year?",
                {
                    "min": 1,
                    "max": 5,
                    "min_it": "per nulla",
                    "max_it": "moltissimo",
                    "min_en": "not at all",
                    "max_en": "very much",
                },
                True,
                None,
            ),
        ],
    ),
    (
        "Vacanze e chiusure delle scuole",
        "Holidays and school closures",
        [
            (
                "critical_periods",
                "multiple",
                "In quali periodi è più difficile conciliare lavoro e cura dei figli?",
                "In which periods is it hardest to balance work and childcare?",
                choices(
                    [
                        ("early_september", "Inizio settembre, prima della scuola", "Early September, before school"),
                        ("christmas", "Vacanze di Natale", "Christmas holidays"),
                        ("easter", "Vacanze di Pasqua", "Easter holidays"),
                        ("june_july", "Giugno e luglio", "June and July"),
                        ("august", "Agosto", "August"),
                        ("closures", "Ponti, scioperi, chiusure improvvise", "Bridge days, strikes, sudden closures"),
                        ("none", "Nessuno in particolare", "None in particular"),
                    ]
                ),
                True,
                None,
            ),
            (
                "holiday_care",
                "matrix",
                "Come ti organizzi di solito in questi periodi?",
                "How do you usually manage in these periods?",
                {
                    **choices(
                        [
                            ("leave", "Ferie o permessi", "Leave from work"),
                            ("relatives", "Nonni o parenti", "Grandparents or relatives"),
                            ("camp", "Centro estivo o campus", "Holiday camp"),
                            ("babysitter", "Baby-sitter", "Babysitter"),
                            ("no_solution", "Non ho una soluzione", "I have no solution"),
                        ]
                    ),
                    "rows": [
                        {"value": "summer", "it": "Estate", "en": "Summer"},
                        {"value": "christmas", "it": "Natale", "en": "Christmas"},
                        {"value": "easter", "it": "Pasqua", "en": "Easter"},
                    ],
                },
                False,
                None,
            ),
            (
                "camp_used",
                "single",
                "L'anno scorso i tuoi figli hanno frequentato un centro estivo?",
                "Did your children attend a summer camp last year?",
                choices(YES_NO),
                True,
                None,
            ),
            (
                "camp_weeks",
                "number",
                "Per quante settimane, in tutto?",
                "For how many weeks in all?",
                {"min": 0, "max": 14, "bands": [0, 1, 3, 5, 8], "unit_it": "settimane", "unit_en": "weeks"},
                False,
                ("camp_used", ["yes"]),
            ),
            (
                "camp_satisfaction",
                "scale",
                "Quanto sei soddisfatto/a del centro estivo?",
                "How satisfied are you with the summer camp?",
                SATISFIED,
                False,
                ("camp_used", ["yes"]),
            ),
            (
                "camp_barriers",
                "multiple",
                "Perché no?",
                "Why not?",
                choices(
                    [
                        ("cost", "Costa troppo", "It costs too much"),
                        ("distance", "È troppo lontano", "It is too far"),
                        ("times", "Gli orari non vanno bene", "The times do not fit"),
                        ("full", "Non c'era posto", "There was no place"),
                        ("info", "Non sapevo che ci fosse", "I did not know about it"),
                        ("not_needed", "Non ne avevamo bisogno", "We did not need it"),
                    ]
                ),
                False,
                ("camp_used", ["no"]),
            ),
        ],
    ),
    (
        "Servizi, costi e orari",
        "Services, costs and times",
        [
            (
                "services_used",
                "multiple",
                "Quali servizi usi oggi?",
                "Which services do you use today?",
                choices([*SERVICES, ("none", "Nessuno", "None")]),
                False,
                None,
            ),
            (
                "services_wanted",
                "multiple",
                "Quali servizi vorresti che ci fossero, o che fossero migliori, nel tuo territorio?",
                "Which services would you like to have, or to be better, in your area?",
                choices(SERVICES),
                False,
                None,
            ),
            (
                "monthly_cost",
                "single",
                "Quanto spendi in un mese tipico per la cura dei figli fuori dalla scuola?",
                "How much do you spend in a typical month on childcare outside school?",
                choices(
                    [
                        ("zero", "Niente", "Nothing"),
                        ("u100", "Meno di 100 €", "Less than €100"),
                        ("100_250", "100–250 €", "€100–250"),
                        ("250_500", "250–500 €", "€250–500"),
                        ("o500", "Più di 500 €", "More than €500"),
                    ]
                ),
                False,
                None,
            ),
            (
                "useful_times",
                "multiple",
                "In quali orari un servizio ti aiuterebbe di più?",
                "At which times would a service help you most?",
                choices(
                    [
                        ("early", "Presto al mattino (7–8)", "Early morning (7–8)"),
                        ("lunch", "All'uscita di mezzogiorno", "At the midday exit"),
                        ("late", "Dopo le 16:30", "After 4:30 pm"),
                        ("saturday", "Il sabato", "On Saturday"),
                        ("holidays", "Giornata intera nelle vacanze", "Full days in the holidays"),
                    ]
                ),
                False,
                None,
            ),
            (
                "info_sources",
                "multiple",
                "Dove cerchi informazioni sui servizi per le famiglie?",
                "Where do you look for information on family services?",
                choices(
                    [
                        ("school", "A scuola", "At school"),
                        ("municipality", "Dal Comune", "From the municipality"),
                        ("parents", "Da altri genitori", "From other parents"),
                        ("social", "Sui social network", "On social media"),
                        ("employer", "Dal datore di lavoro", "From my employer"),
                        ("online", "Sul sito dell'alleanza o in rete", "On the alliance's website or online"),
                    ]
                ),
                False,
                None,
            ),
        ],
    ),
    (
        "Soddisfazione e suggerimenti",
        "Satisfaction and suggestions",
        [
            (
                "services_satisfaction",
                "scale",
                "Nel complesso, quanto sei soddisfatto/a dei servizi per le famiglie del tuo territorio?",
                "Overall, how satisfied are you with the family services in your area?",
                SATISFIED,
                True,
                None,
            ),
            (
                "balance",
                "scale",
                "Quanto riesci a conciliare il lavoro con la cura dei figli?",
                "How well do you manage to balance work and childcare?",
                {
                    "min": 1,
                    "max": 5,
                    "min_it": "per niente",
                    "max_it": "benissimo",
                    "min_en": "not at all",
                    "max_en": "very well",
                },
                True,
                None,
            ),
            (
                "missing",
                "long_text",
                "Che cosa manca, secondo te, nel tuo territorio?",
                "What do you think is missing in your area?",
                {"max_length": 2000},
                False,
                None,
            ),
        ],
    ),
]


def load(Survey: Any, Section: Any, Question: Any) -> Any:
    """Create the template once (its key makes it idempotent); returns the survey."""
    return template_load(
        Survey,
        Section,
        Question,
        key=TEMPLATE_KEY,
        titles=("Famiglie del territorio", "Families of the territory"),
        descriptions=(
            "Questionario anonimo per i genitori: come vi organizzate, quali servizi usate e quali mancano.",
            "An anonymous questionnaire for parents: how you manage, the services you use, what is missing.",
        ),
        sections=SECTIONS,
    )
