"""The platform template "Workers' conciliation needs" (IT + EN), loaded by a data migration.

Each question: (code, kind, Italian, English, options, required, condition) where the condition
is (code of an earlier question, [answers]) or None. Options use the structure of
`models.validate_options`; choices are written as (value, Italian, English).
"""

from __future__ import annotations

from typing import Any

from sinergie.surveys.template_load import choices, template_load

TEMPLATE_KEY = "workers-conciliation-needs"

YES_NO = [("yes", "Sì", "Yes"), ("no", "No", "No")]
AGREE = {
    "min": 1,
    "max": 5,
    "min_it": "per nulla",
    "max_it": "moltissimo",
    "min_en": "not at all",
    "max_en": "very much",
}


SECTIONS: list[tuple[str, str, list[tuple[Any, ...]]]] = [
    (
        "Tu e la tua famiglia",
        "You and your household",
        [
            (
                "gender",
                "single",
                "Genere",
                "Gender",
                choices(
                    [
                        ("f", "Donna", "Woman"),
                        ("m", "Uomo", "Man"),
                        ("other", "Altro o preferisco non dirlo", "Other or prefer not to say"),
                    ]
                ),
                True,
                None,
            ),
            (
                "age_band",
                "single",
                "Età",
                "Age",
                choices(
                    [
                        ("u30", "Meno di 30 anni", "Under 30"),
                        ("30_44", "30–44 anni", "30–44"),
                        ("45_54", "45–54 anni", "45–54"),
                        ("55p", "55 anni o più", "55 or older"),
                    ]
                ),
                True,
                None,
            ),
            (
                "household",
                "single",
                "Con chi vivi?",
                "Who do you live with?",
                choices(
                    [
                        ("alone", "Da solo/a", "Alone"),
                        ("partner", "Con partner, senza figli", "With a partner, no children"),
                        ("partner_children", "Con partner e figli", "With a partner and children"),
                        ("single_parent", "Solo/a con figli", "Alone with children"),
                        ("other", "Altro", "Other"),
                    ]
                ),
                True,
                None,
            ),
            (
                "children",
                "single",
                "Hai figli minorenni o a carico?",
                "Do you have children under 18 or dependent children?",
                choices(YES_NO),
                True,
                None,
            ),
            (
                "children_ages",
                "multiple",
                "In quali fasce d'età sono i tuoi figli?",
                "What age bands are your children in?",
                choices(
                    [
                        ("0_2", "0–2 anni (nido)", "0–2 (nursery)"),
                        ("3_5", "3–5 anni (infanzia)", "3–5 (pre-school)"),
                        ("6_10", "6–10 anni (primaria)", "6–10 (primary)"),
                        ("11_13", "11–13 anni (secondaria di primo grado)", "11–13 (lower secondary)"),
                        ("14_17", "14–17 anni", "14–17"),
                        ("18p", "18 anni o più, a carico", "18 or older, dependent"),
                    ]
                ),
                True,
                ("children", ["yes"]),
            ),
            (
                "children_count",
                "number",
                "Quanti figli hai a carico?",
                "How many dependent children do you have?",
                {"min": 1, "max": 15, "bands": [1, 2, 3, 4]},
                False,
                ("children", ["yes"]),
            ),
        ],
    ),
    (
        "Carichi di cura",
        "Care loads",
        [
            (
                "elderly_care",
                "single",
                "Ti prendi cura di familiari anziani non autosufficienti?",
                "Do you care for elderly relatives who are not self-sufficient?",
                choices(YES_NO),
                True,
                None,
            ),
            (
                "elderly_hours",
                "single",
                "Quante ore a settimana dedichi alla loro cura?",
                "How many hours a week do you spend caring for them?",
                choices([("u5", "Meno di 5", "Under 5"), ("5_14", "5–14", "5–14"), ("15p", "15 o più", "15 or more")]),
                False,
                ("elderly_care", ["yes"]),
            ),
            (
                "disability_care",
                "single",
                "Ti prendi cura di una persona con disabilità?",
                "Do you care for a person with a disability?",
                choices(YES_NO),
                True,
                None,
            ),
            (
                "care_law104",
                "single",
                "Usi i permessi della legge 104/1992?",
                "Do you use leave under Law 104/1992?",
                choices([*YES_NO, ("dont_know", "Non so", "I don't know")]),
                False,
                ("disability_care", ["yes"]),
            ),
            (
                "care_burden",
                "scale",
                "Quanto pesano i carichi di cura sul tuo lavoro?",
                "How much do care loads weigh on your work?",
                AGREE,
                True,
                None,
            ),
        ],
    ),
    (
        "Orario e organizzazione del lavoro",
        "Working time and organisation",
        [
            (
                "contract",
                "single",
                "Il tuo orario è",
                "Your working time is",
                choices([("full", "Tempo pieno", "Full time"), ("part", "Part-time", "Part time")]),
                True,
                None,
            ),
            (
                "shifts",
                "single",
                "Lavori su turni?",
                "Do you work shifts?",
                choices(
                    [
                        ("no", "No", "No"),
                        ("day", "Sì, diurni", "Yes, daytime"),
                        ("night", "Sì, anche notturni", "Yes, including nights"),
                        ("weekend", "Sì, anche nel fine settimana", "Yes, including weekends"),
                    ]
                ),
                True,
                None,
            ),
            (
                "start_time",
                "single",
                "A che ora inizi di solito a lavorare?",
                "When do you usually start work?",
                choices(
                    [
                        ("before7", "Prima delle 7", "Before 7"),
                        ("7_8", "Tra le 7 e le 8", "Between 7 and 8"),
                        ("8_9", "Tra le 8 e le 9", "Between 8 and 9"),
                        ("after9", "Dopo le 9", "After 9"),
                        ("varies", "Varia", "It varies"),
                    ]
                ),
                True,
                None,
            ),
            (
                "flex_now",
                "single",
                "Hai già flessibilità in entrata e uscita?",
                "Do you already have flexible start and finish times?",
                choices(YES_NO),
                True,
                None,
            ),
            (
                "time_fit",
                "scale",
                "Quanto il tuo orario si concilia con gli impegni familiari?",
                "How well does your working time fit your family commitments?",
                AGREE,
                True,
                None,
            ),
        ],
    ),
    (
        "Spostamenti",
        "Commute",
        [
            (
                "commute_minutes",
                "number",
                "Quanti minuti impieghi per arrivare al lavoro (solo andata)?",
                "How many minutes does your commute take (one way)?",
                {"min": 0, "max": 300, "bands": [0, 15, 30, 45, 60]},
                True,
                None,
            ),
            (
                "commute_mode",
                "multiple",
                "Con quali mezzi ti sposti?",
                "How do you travel?",
                choices(
                    [
                        ("car", "Auto", "Car"),
                        ("public", "Mezzi pubblici", "Public transport"),
                        ("bike", "Bicicletta o a piedi", "Bike or on foot"),
                        ("other", "Altro", "Other"),
                    ]
                ),
                True,
                None,
            ),
        ],
    ),
    (
        "Periodi critici",
        "Critical periods",
        [
            (
                "critical_periods",
                "multiple",
                "In quali periodi dell'anno è più difficile conciliare?",
                "When in the year is it hardest to balance work and family?",
                choices(
                    [
                        ("summer", "Estate (chiusura scuole)", "Summer (schools closed)"),
                        ("september", "Settembre prima della scuola", "September before school starts"),
                        ("christmas", "Vacanze di Natale", "Christmas holidays"),
                        ("easter", "Vacanze di Pasqua", "Easter holidays"),
                        ("bridges", "Ponti e chiusure locali", "Long weekends and local closures"),
                        ("sickness", "Malattie dei figli", "Children's illness"),
                        ("none", "Nessuno in particolare", "None in particular"),
                    ]
                ),
                True,
                None,
            ),
            (
                "summer_weeks",
                "number",
                "Per quante settimane d'estate ti serve un servizio per i figli?",
                "For how many weeks in summer do you need childcare?",
                {"min": 0, "max": 14, "bands": [0, 1, 3, 6, 9]},
                False,
                ("critical_periods", ["summer"]),
            ),
            (
                "difficulty",
                "matrix",
                "Quanto è difficile conciliare nei momenti della giornata?",
                "How hard is it to balance at these times of day?",
                {
                    "rows": [
                        {"value": "morning", "it": "Mattina presto", "en": "Early morning"},
                        {"value": "lunch", "it": "Pausa pranzo", "en": "Lunchtime"},
                        {"value": "afternoon", "it": "Pomeriggio dopo la scuola", "en": "Afternoon after school"},
                        {"value": "evening", "it": "Sera", "en": "Evening"},
                    ],
                    "choices": [
                        {"value": "easy", "it": "Facile", "en": "Easy"},
                        {"value": "some", "it": "Qualche difficoltà", "en": "Some difficulty"},
                        {"value": "hard", "it": "Molto difficile", "en": "Very hard"},
                    ],
                },
                False,
                None,
            ),
        ],
    ),
    (
        "Misure e servizi desiderati",
        "Measures and services wanted",
        [
            (
                "measures_wanted",
                "multiple",
                "Quali misure ti sarebbero più utili?",
                "Which measures would help you most?",
                choices(
                    [
                        ("flex", "Flessibilità in entrata e uscita", "Flexible start and finish"),
                        ("hour_bank", "Banca delle ore", "Hour bank"),
                        ("smart", "Lavoro agile", "Smart working"),
                        ("part_time", "Part-time reversibile", "Reversible part time"),
                        ("leave", "Permessi orari per i genitori", "Hourly parental leave"),
                        ("nursery", "Convenzioni con nidi", "Agreements with nurseries"),
                        ("camps", "Centri estivi convenzionati", "Agreed holiday camps"),
                        ("elderly", "Supporto per familiari anziani", "Support for elderly relatives"),
                        ("time_saving", "Servizi salva-tempo", "Time-saving services"),
                        ("vouchers", "Voucher per servizi di cura", "Care vouchers"),
                    ]
                ),
                True,
                None,
            ),
            (
                "top_measure",
                "single",
                "Quale sarebbe la più importante?",
                "Which would be the most important?",
                choices(
                    [
                        ("flex", "Flessibilità in entrata e uscita", "Flexible start and finish"),
                        ("smart", "Lavoro agile", "Smart working"),
                        ("part_time", "Part-time reversibile", "Reversible part time"),
                        ("services", "Servizi per figli o anziani", "Services for children or the elderly"),
                        ("vouchers", "Voucher", "Vouchers"),
                        ("other", "Altro", "Other"),
                    ]
                ),
                True,
                None,
            ),
            (
                "services_use",
                "single",
                "Useresti un centro estivo convenzionato con l'azienda?",
                "Would you use a holiday camp agreed with your company?",
                choices([*YES_NO, ("maybe", "Forse", "Maybe")]),
                False,
                ("children", ["yes"]),
            ),
            (
                "willing_to_pay",
                "single",
                "Quanto saresti disposto/a a pagare al mese per un servizio che ti aiuta a conciliare?",
                "How much would you pay a month for a service that helps you balance work and family?",
                choices(
                    [
                        ("0", "Niente", "Nothing"),
                        ("u50", "Fino a 50 €", "Up to €50"),
                        ("50_150", "50–150 €", "€50–150"),
                        ("150p", "Più di 150 €", "More than €150"),
                    ]
                ),
                True,
                None,
            ),
        ],
    ),
    (
        "Lavoro agile",
        "Smart working",
        [
            (
                "smart_possible",
                "single",
                "Le tue mansioni si possono svolgere in parte da remoto?",
                "Can part of your work be done remotely?",
                choices([*YES_NO, ("dont_know", "Non so", "I don't know")]),
                True,
                None,
            ),
            (
                "smart_now",
                "single",
                "Oggi lavori da remoto?",
                "Do you work remotely today?",
                choices(
                    [
                        ("never", "Mai", "Never"),
                        ("sometimes", "Qualche giorno al mese", "A few days a month"),
                        ("weekly", "Uno o più giorni a settimana", "One or more days a week"),
                    ]
                ),
                False,
                ("smart_possible", ["yes"]),
            ),
            (
                "smart_days_wanted",
                "number",
                "Quanti giorni a settimana vorresti lavorare da remoto?",
                "How many days a week would you like to work remotely?",
                {"min": 0, "max": 5, "bands": [0, 1, 2, 3]},
                False,
                ("smart_possible", ["yes"]),
            ),
            (
                "smart_obstacles",
                "multiple",
                "Cosa lo rende difficile?",
                "What makes it difficult?",
                choices(
                    [
                        ("role", "Il mio ruolo", "My role"),
                        ("manager", "Il mio responsabile", "My manager"),
                        ("tools", "Strumenti informatici", "IT tools"),
                        ("home", "Spazi a casa", "Space at home"),
                        ("none", "Nulla", "Nothing"),
                    ]
                ),
                False,
                ("smart_possible", ["yes", "dont_know"]),
            ),
        ],
    ),
    (
        "Benessere e suggerimenti",
        "Wellbeing and suggestions",
        [
            (
                "stress",
                "scale",
                "Quanto ti senti sotto pressione nel conciliare lavoro e famiglia?",
                "How much pressure do you feel in balancing work and family?",
                AGREE,
                True,
                None,
            ),
            (
                "company_support",
                "scale",
                "Quanto senti che l'azienda ti sostiene?",
                "How much do you feel your company supports you?",
                AGREE,
                True,
                None,
            ),
            (
                "info_known",
                "single",
                "Conosci le misure di conciliazione già offerte dall'azienda?",
                "Do you know the work-life balance measures your company already offers?",
                choices([*YES_NO, ("some", "In parte", "Partly")]),
                False,
                None,
            ),
            (
                "suggestion",
                "long_text",
                "Un suggerimento per l'azienda",
                "A suggestion for your company",
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
        titles=("Bisogni di conciliazione dei lavoratori", "Workers' conciliation needs"),
        descriptions=(
            "Questionario anonimo sui bisogni di conciliazione tra lavoro e vita familiare.",
            "An anonymous questionnaire on work-life balance needs.",
        ),
        sections=SECTIONS,
    )
