"""The conciliation taxonomy shipped with Sinergie: categories of services for families.

Staff can add terms in the admin; these are created by a data migration and kept by code.
Each row: (code, parent code, Italian name, English name).
"""

from __future__ import annotations

from typing import Any

TAXONOMY_NAME = "Sinergie – conciliazione"
TAXONOMY_VERSION = "1"

TERMS: list[tuple[str, str | None, str, str]] = [
    ("early_childhood", None, "Servizi per la prima infanzia (0–3 anni)", "Early childhood services (0–3 years)"),
    ("nursery", "early_childhood", "Asilo nido", "Nursery"),
    ("micro_nursery", "early_childhood", "Micronido", "Small nursery"),
    ("spring_section", "early_childhood", "Sezione primavera", "Spring section (24–36 months)"),
    ("family_nursery", "early_childhood", "Nido famiglia", "Home-based nursery"),
    ("play_centre", "early_childhood", "Centro per la prima infanzia", "Early childhood play centre"),
    ("school_time", None, "Pre e post scuola", "Before and after school"),
    ("pre_school", "school_time", "Pre-scuola", "Before-school care"),
    ("after_school", "school_time", "Post-scuola", "After-school care"),
    ("homework_support", "school_time", "Doposcuola e aiuto compiti", "Homework club"),
    ("holiday_camps", None, "Centri per le vacanze scolastiche", "School holiday camps"),
    ("summer_camp", "holiday_camps", "Centro estivo", "Summer camp"),
    (
        "holiday_camp",
        "holiday_camps",
        "Centro vacanze (Natale, Carnevale, Pasqua, ponti)",
        "Holiday camp (Christmas, carnival, Easter, bridge days)",
    ),
    ("babysitting", None, "Baby sitting", "Babysitting"),
    ("care", None, "Cura di anziani e persone con disabilità", "Care for the elderly and people with disabilities"),
    ("elderly_care", "care", "Assistenza agli anziani", "Elderly care"),
    ("elderly_day_centre", "care", "Centro diurno per anziani", "Day centre for the elderly"),
    ("disability_support", "care", "Sostegno alla disabilità", "Disability support"),
    ("respite_care", "care", "Sollievo per chi assiste", "Respite for carers"),
    ("time_saving", None, "Servizi salva tempo", "Time-saving services"),
    ("laundry", "time_saving", "Lavanderia e stireria", "Laundry and ironing"),
    ("groceries", "time_saving", "Spesa a domicilio", "Grocery delivery"),
    ("errands", "time_saving", "Disbrigo pratiche e commissioni", "Errands and paperwork"),
    ("meals", "time_saving", "Pasti pronti", "Ready meals"),
    ("company_concierge", "time_saving", "Portineria aziendale", "Company concierge"),
    ("transport", None, "Trasporto e accompagnamento", "Transport and accompaniment"),
    ("family_counselling", None, "Consulenza e sostegno alla famiglia", "Family counselling and support"),
    ("information_point", None, "Punti informativi", "Information points"),
    ("municipal_desk", "information_point", "Sportello comunale", "Municipal desk"),
    ("union_desk", "information_point", "Sportello sindacale", "Union desk"),
    ("job_agency_desk", "information_point", "Sportello dell’agenzia per il lavoro", "Job agency desk"),
    ("family_pit_stop", "information_point", "Family Pit Stop", "Family Pit Stop"),
]


def taxonomy_sync(taxonomy_model: Any, term_model: Any) -> int:
    """Create or update the shipped terms (historical models allowed, for migrations)."""
    taxonomy, _ = taxonomy_model.objects.update_or_create(
        name=TAXONOMY_NAME,
        defaults={"version": TAXONOMY_VERSION, "description": "Conciliation services for families and workers."},
    )
    for position, (code, parent_code, name_it, name_en) in enumerate(TERMS):
        parent = term_model.objects.get(code=parent_code) if parent_code else None
        term_model.objects.update_or_create(
            code=code,
            defaults={
                "taxonomy": taxonomy,
                "parent": parent,
                "name_it": name_it,
                "name_en": name_en,
                "position": position,
            },
        )
    return len(TERMS)
