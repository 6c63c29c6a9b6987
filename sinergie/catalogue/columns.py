"""The columns of the catalogue's tabular format: one row per service at a location.

The same list drives the templates, the parser (English names and Italian aliases), the
export and docs/import-format.md. Headers are compared folded (lower case, no accents,
spaces and hyphens as underscores), so "Età minima (anni)" matches `eta_minima_anni`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sinergie.lib.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    label_it: str
    aliases: tuple[str, ...]
    help: str  # English, for docs and the instructions sheet
    help_it: str
    example: str
    required: bool = False
    level: str = "service"  # service, location or site (the service at that location)


COLUMNS: list[Column] = [
    Column(
        "external_id",
        "codice",
        ("codice_servizio", "id_esterno", "identificativo"),
        "The provider's own stable code of the service: the same code updates the same service.",
        "Il codice stabile del servizio per l'ente: lo stesso codice aggiorna lo stesso servizio.",
        "CE-2026-01",
        required=True,
    ),
    Column(
        "organization",
        "ente",
        ("ente_gestore", "organizzazione"),
        "Optional: the provider's short name (slug); when given it must be the provider you import for.",
        "Facoltativo: il nome breve (slug) dell'ente; se presente deve essere l'ente per cui importi.",
        "cooperativa-aurora",
    ),
    Column(
        "name_it",
        "nome_it",
        ("nome", "nome_italiano"),
        "Name in Italian.",
        "Nome in italiano.",
        "Centro estivo Girasole",
        required=True,
    ),
    Column("name_en", "nome_en", ("nome_inglese",), "Name in English.", "Nome in inglese.", "Sunflower summer camp"),
    Column(
        "description_it",
        "descrizione_it",
        ("descrizione", "descrizione_italiano"),
        "Description in Italian.",
        "Descrizione in italiano.",
        "Giochi, laboratori e piscina per bambini della primaria.",
    ),
    Column(
        "description_en",
        "descrizione_en",
        ("descrizione_inglese",),
        "Description in English.",
        "Descrizione in inglese.",
        "Games, workshops and swimming for primary school children.",
    ),
    Column(
        "kind",
        "tipo",
        ("tipologia",),
        "`service` (conciliation service, the default) or `info_point` (information point).",
        "`service` (servizio di conciliazione, predefinito) o `info_point` (punto informativo).",
        "service",
    ),
    Column(
        "categories",
        "categorie",
        ("categoria", "codici_categoria"),
        "Category codes of the conciliation taxonomy, separated by `;` (list in the instructions).",
        "Codici delle categorie della tassonomia, separati da `;` (elenco nelle istruzioni).",
        "summer_camp; holiday_camp",
    ),
    Column(
        "min_age_years",
        "eta_minima_anni",
        ("eta_min_anni", "eta_minima"),
        "Minimum age in years (whole or decimal); or use min_age_months.",
        "Età minima in anni (intera o decimale); oppure usa eta_minima_mesi.",
        "6",
    ),
    Column(
        "max_age_years",
        "eta_massima_anni",
        ("eta_max_anni", "eta_massima"),
        "Maximum age in years; or use max_age_months.",
        "Età massima in anni; oppure usa eta_massima_mesi.",
        "11",
    ),
    Column(
        "min_age_months",
        "eta_minima_mesi",
        ("eta_min_mesi",),
        "Minimum age in months (nurseries); not together with min_age_years.",
        "Età minima in mesi (nidi); non insieme a eta_minima_anni.",
        "",
    ),
    Column(
        "max_age_months",
        "eta_massima_mesi",
        ("eta_max_mesi",),
        "Maximum age in months; not together with max_age_years.",
        "Età massima in mesi; non insieme a eta_massima_anni.",
        "",
    ),
    Column("capacity", "posti", ("capienza", "posti_disponibili"), "Number of places.", "Numero di posti.", "40"),
    Column(
        "languages",
        "lingue",
        ("lingue_parlate",),
        "ISO 639-1 codes of the languages spoken, separated by `;`.",
        "Codici ISO 639-1 delle lingue parlate, separati da `;`.",
        "it; en",
    ),
    Column(
        "email", "email", ("e_mail", "posta_elettronica"), "Contact e-mail.", "E-mail di contatto.", "info@example.org"
    ),
    Column("phone", "telefono", ("tel",), "Contact phone.", "Telefono di contatto.", "+39 02 1234567"),
    Column(
        "url",
        "sito_web",
        ("sito", "indirizzo_web", "website"),
        "Web page (http/https).",
        "Pagina web.",
        "https://example.org",
    ),
    Column(
        "accepts_vouchers",
        "accetta_voucher",
        ("voucher", "accetta_buoni"),
        "Whether it accepts the alliance's vouchers: yes/no (sì/no, true/false, 1/0).",
        "Se accetta i voucher dell'alleanza: sì/no.",
        "yes",
    ),
    Column(
        "location_external_id",
        "codice_sede",
        ("id_sede", "sede_codice"),
        "The provider's stable code of the place; empty for a service without a place (e.g. at home).",
        "Il codice stabile della sede; vuoto per un servizio senza sede (per esempio a domicilio).",
        "SEDE-01",
        level="location",
    ),
    Column(
        "location_name",
        "nome_sede",
        ("sede",),
        "Name of the place.",
        "Nome della sede.",
        "Scuola Rodari",
        level="location",
    ),
    Column(
        "address", "indirizzo", ("via",), "Street and number.", "Via e numero civico.", "Via Roma 1", level="location"
    ),
    Column(
        "postal_code", "cap", ("codice_postale",), "Postcode (5 digits).", "CAP (5 cifre).", "20066", level="location"
    ),
    Column(
        "municipality_istat",
        "codice_istat",
        ("comune_istat", "istat", "codice_istat_comune"),
        "ISTAT code of the municipality (6 digits).",
        "Codice ISTAT del comune (6 cifre).",
        "015142",
        level="location",
    ),
    Column(
        "latitude",
        "latitudine",
        ("lat",),
        "Latitude (WGS84, decimal degrees); empty: the municipality's point.",
        "Latitudine (WGS84, gradi decimali); vuota: il punto del comune.",
        "45,4979",
        level="location",
    ),
    Column(
        "longitude",
        "longitudine",
        ("lon", "lng"),
        "Longitude (WGS84, decimal degrees); empty: the municipality's point.",
        "Longitudine (WGS84, gradi decimali); vuota: il punto del comune.",
        "9,4195",
        level="location",
    ),
    Column(
        "opening_hours",
        "orari",
        ("orario", "orari_di_apertura"),
        "Weekly hours at this place: days and times, groups separated by `;`, optionally a validity "
        "`from..to`. Days MO TU WE TH FR SA SU (or LU MA ME GI VE SA DO).",
        "Orari settimanali nella sede: giorni e orari, gruppi separati da `;`, facoltativa una validità "
        "`dal..al`. Giorni LU MA ME GI VE SA DO (o MO TU WE TH FR SA SU).",
        "MO-FR 07:30-09:00, 16:00-18:00; SA 08:00-12:00",
        level="site",
    ),
    Column(
        "closures",
        "chiusure_scolastiche",
        ("aperture_chiusure_scolastiche", "chiusure", "periodi"),
        "Dates the service runs while schools are closed: period and dates, separated by `;`. Periods: "
        "september, christmas, carnival, easter, bridge, summer, other (or settembre, natale, carnevale, "
        "pasqua, ponti, estate, altro).",
        "Date in cui il servizio funziona a scuole chiuse: periodo e date, separati da `;`. Periodi: "
        "settembre, natale, carnevale, pasqua, ponti, estate, altro.",
        "christmas 2026-12-23..2027-01-05; summer 2027-06-14..2027-07-30",
    ),
    Column(
        "price_eur",
        "prezzo_eur",
        ("prezzo", "tariffa", "costo"),
        "Price in euro (0 = free; decimal comma or point); several prices separated by `;`.",
        "Prezzo in euro (0 = gratuito; virgola o punto decimale); più prezzi separati da `;`.",
        "120,00",
    ),
    Column(
        "price_unit",
        "unita_prezzo",
        ("unita", "per"),
        "Unit of each price: hour, day, week, month, once (or ora, giorno, settimana, mese, una_tantum).",
        "Unità di ogni prezzo: ora, giorno, settimana, mese, una_tantum (o hour, day, week, month, once).",
        "week",
    ),
]

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = [column.key for column in COLUMNS]
REQUIRED = [column.key for column in COLUMNS if column.required]


def normalize_header(text: str) -> str:
    """'Età minima (anni) *' -> 'eta_minima_anni': folded, punctuation and spaces as single underscores."""
    folded = fold(str(text)).replace("'", "")
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def _alias_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.key, column.label_it, *column.aliases):
            mapping[normalize_header(name)] = column.key
    return mapping


ALIASES = _alias_map()
