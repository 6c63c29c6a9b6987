"""The full-text index of the directory: which stems each service holds, and the vocabulary.

A search for "centri estivi" must not run a regular expression over every description: the
words of each service's names, descriptions and category names are folded and stemmed once
(`search_terms`), stored as `SearchTerm` rows (service, stem), and a search becomes indexed
`stem IN (...)` lookups. Typos are forgiven by matching what was typed against the vocabulary
of known stems in Python (one edit away), which each process keeps in memory and reloads when
the vocabulary grows. Accents, case and plural or gender endings are folded by the stemming.

`reindex_services(ids)` is the one function that writes the index. Signals call it whenever a
service, its categories or a category's names change, so editing and imports need nothing;
bulk loaders (the generator, the demo) call it themselves, or defer the signals' work with
`deferred_reindex()` and index once at the end.
"""

from __future__ import annotations

import bisect
import datetime
import re
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    SearchEntry,
    SearchSite,
    SearchStem,
    SearchTerm,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.lib.text import fold

# A typo is forgiven in stems at least this long: shorter ones would match almost anything.
TYPO_MIN_STEM = 4
# A stem typed whole also finds longer stems it begins ("camp" finds "campus"), from this length.
PREFIX_MIN_STEM = 3
PREFIX_MAX_MATCHES = 50
# Spoken languages and categories are indexed as stems no typed word can produce (typed words
# are letters and digits only).
LANGUAGE_PREFIX = "lang:"
CATEGORY_PREFIX = "cat:"
# Months a service runs in while schools are closed ("month:2026-12"): the index finds the few
# services a period can concern, the search then checks the exact dates.
MONTH_PREFIX = "month:"
# Ages in whole years (0-17) a service takes children of ("age:7"): a search for a 7-year-old
# asks for services whose range of months meets 84-95, which is exactly this stem.
AGE_PREFIX = "age:"
AGE_YEARS = range(18)
_CHUNK = 1000

# Words that carry no meaning in a search ("centri estivi per bambini"): left out of the AND.
_STOPWORDS_TEXT = """a ad al alla alle ai agli da dal dalla dai di del della delle dei degli e ed il i in nel nella
nei la le lo gli un uno una per con su tra fra o the and for of to at with"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def search_terms(q: str) -> list[str]:
    """The stems to look for: folded words minus stop words, plural or gender endings cut off.

    "Centri estivi" and "centro estivo" both give ["centr", "estiv"]; "parchi" and "parco" give
    "parc"; words of three letters or fewer are kept whole.
    """
    terms = []
    for word in re.findall(r"[0-9a-z']+", fold(q).replace("'", " ")):
        if word in STOPWORDS:
            continue
        stem = word
        if len(stem) >= 4 and stem[-1] in "aeiou":
            stem = stem[:-1]
            if len(stem) >= 4 and stem[-1] == "h" and stem[-2] in "cg":  # amiche -> amic, laghi -> lag
                stem = stem[:-1]
        elif len(stem) >= 4 and stem.endswith("s") and not stem.endswith("ss"):  # camps -> camp
            stem = stem[:-1]
        if stem not in terms:
            terms.append(stem[:60])
    return terms


def month_stems(start: datetime.date, end: datetime.date) -> list[str]:
    """The `month:` stems of the months from `start` to `end` (inclusive)."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{MONTH_PREFIX}{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def age_years(minimum_months: int | None, maximum_months: int | None) -> list[int]:
    """The ages in years a service with this range of months takes (any month of the year will do)."""
    low = 0 if minimum_months is None else minimum_months
    high = 10_000 if maximum_months is None else maximum_months
    return [year for year in AGE_YEARS if low <= year * 12 + 11 and high >= year * 12]


def service_stems(
    names: Iterable[str],
    others: Iterable[str],
    languages: Iterable[object] = (),
    categories: Iterable[str] = (),
) -> dict[str, bool]:
    """Each stem of a service mapped to whether it occurs in one of its names.

    Spoken languages and category codes (give the ancestors' too) become stems no typed word
    can produce: `lang:it`, `cat:holiday_camps`.
    """
    stems: dict[str, bool] = {}
    for text in others:
        for stem in search_terms(text or ""):
            stems[stem] = False
    for text in names:
        for stem in search_terms(text or ""):
            stems[stem] = True
    for code in languages:
        if isinstance(code, str) and code.isalpha() and len(code) <= 3:
            stems[f"{LANGUAGE_PREFIX}{code.lower()}"] = False
    for code in categories:
        stems[f"{CATEGORY_PREFIX}{code}"[:60]] = False
    return stems


def filter_stems(closures: Iterable[tuple[datetime.date, datetime.date]], ages: Iterable[int]) -> list[str]:
    """The stems only the search rows' arrays hold (PostgreSQL's index; SQLite reads the columns):
    the months of closure cover and the ages, `month:2026-12`, `age:7`."""
    stems = {month for start, end in closures for month in month_stems(start, end)}
    return sorted(stems) + [f"{AGE_PREFIX}{year}" for year in ages]


# --- Writing ------------------------------------------------------------------------------------


def _ensure_stems(texts: set[str]) -> dict[str, int]:
    """The ids of these stems, adding the new ones to the vocabulary."""
    wanted = sorted(texts)
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found = dict(SearchStem.objects.filter(text__in=chunk).values_list("text", "id"))
        new = [SearchStem(text=text) for text in chunk if text not in found]
        if new:
            SearchStem.objects.bulk_create(new, ignore_conflicts=True)
            found = dict(SearchStem.objects.filter(text__in=chunk).values_list("text", "id"))
            vocabulary_forget()
        ids.update(found)
    return ids


def _category_codes() -> dict[Any, list[str]]:
    """Each taxonomy term's code with its ancestors' codes."""
    terms = {pk: (code, parent) for pk, code, parent in TaxonomyTerm.objects.values_list("pk", "code", "parent_id")}
    lineage: dict[Any, list[str]] = {}
    for pk in terms:
        codes, at, seen = [], pk, set()
        while at is not None and at in terms and at not in seen:
            seen.add(at)
            codes.append(terms[at][0])
            at = terms[at][1]
        lineage[pk] = codes
    return lineage


def _search_fields(
    service: dict[str, Any], stems: list[int], in_name: set[int], costs: list[int], closures: list[tuple]
) -> dict:
    return {
        "kind": service["kind"],
        "minimum_age_months": service["minimum_age_months"],
        "maximum_age_months": service["maximum_age_months"],
        "accepts_vouchers": service["accepts_vouchers"],
        "free": 0 in costs,
        "lowest_price_cents": min(costs, default=None),
        "name_it": service["name_it"],
        "name_en": service["name_en"] or service["name_it"],
        "stems": stems,
        "name_stems": sorted(in_name),
        "closures": closures,
    }


def reindex_services(ids: Iterable[uuid.UUID | str], *, new: bool = False) -> int:
    """Rewrite what the search reads of these services: their SearchTerm rows (from their names,
    descriptions, categories and languages) and, for the published ones, their SearchEntry and
    SearchSite rows (deleted services lose theirs). Returns the SearchTerm rows written.

    `new=True` (services just created, by a bulk loader) skips deleting rows that cannot exist.
    """
    pks = list(dict.fromkeys(ids))
    service_field = SearchTerm._meta.get_field("service")
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    insert = f"INSERT INTO {table} (service_id, stem_id, in_name) VALUES (%s, %s, %s)"  # noqa: S608 - no input
    lineage = _category_codes() if pks else {}
    written = 0
    for start in range(0, len(pks), _CHUNK):
        chunk = pks[start : start + _CHUNK]
        categories: dict[Any, list[str]] = {}
        codes: dict[Any, list[str]] = {}
        through = Service.categories.through.objects.filter(service_id__in=chunk)
        for service_id, term_id, name_it, name_en in through.values_list(
            "service_id", "taxonomyterm_id", "taxonomyterm__name_it", "taxonomyterm__name_en"
        ):
            categories.setdefault(service_id, []).extend((name_it, name_en))
            codes.setdefault(service_id, []).extend(lineage.get(term_id, []))
        costs: dict[Any, list[int]] = {}
        for service_id, amount in CostOption.objects.filter(
            service_id__in=chunk, amount_cents__isnull=False
        ).values_list("service_id", "amount_cents"):
            costs.setdefault(service_id, []).append(amount)
        closures: dict[Any, list[tuple]] = {}
        for service_id, start_, end in ClosureAvailability.objects.filter(service_id__in=chunk).values_list(
            "service_id", "start", "end"
        ):
            closures.setdefault(service_id, []).append((start_, end))
        sites: dict[Any, list[tuple]] = {}
        for service_id, location_id, municipality_id, latitude, longitude in ServiceAtLocation.objects.filter(
            service_id__in=chunk
        ).values_list(
            "service_id", "location_id", "location__municipality_id", "location__latitude", "location__longitude"
        ):
            sites.setdefault(service_id, []).append((location_id, municipality_id, latitude, longitude))
        per_service: dict[Any, dict[str, bool]] = {}
        services = {
            row["pk"]: row
            for row in Service.objects.filter(pk__in=chunk).values(
                "pk",
                "state",
                "kind",
                "name_it",
                "name_en",
                "description_it",
                "description_en",
                "languages",
                "minimum_age_months",
                "maximum_age_months",
                "accepts_vouchers",
            )
        }
        for pk, row in services.items():
            languages = row["languages"]
            per_service[pk] = service_stems(
                [row["name_it"], row["name_en"]],
                [row["description_it"], row["description_en"], *categories.get(pk, [])],
                languages if isinstance(languages, list) else [],
                codes.get(pk, []),
            )
        extra = {
            pk: filter_stems(closures.get(pk, []), age_years(row["minimum_age_months"], row["maximum_age_months"]))
            for pk, row in services.items()
        }
        with transaction.atomic():
            ids_by_text = _ensure_stems(
                {stem for stems in per_service.values() for stem in stems}
                | {s for more in extra.values() for s in more}
            )
            if not new:
                SearchTerm.objects.filter(service_id__in=chunk).delete()
                SearchSite.objects.filter(service_id__in=chunk).delete()
                SearchEntry.objects.filter(service_id__in=chunk).delete()
            # Plain executemany: the ORM's bulk_create costs more than the database here.
            params = []
            entries, site_rows = [], []
            for pk, stems in per_service.items():
                service_id = service_field.get_db_prep_save(pk, connection)
                params.extend((service_id, ids_by_text[stem], in_name) for stem, in_name in stems.items())
                if services[pk]["state"] != ModerationState.PUBLISHED:
                    continue
                fields = _search_fields(
                    services[pk],
                    [ids_by_text[stem] for stem in [*stems, *extra[pk]]],
                    {ids_by_text[stem] for stem, in_name in stems.items() if in_name},
                    costs.get(pk, []),
                    closures.get(pk, []),
                )
                entries.append(SearchEntry(service_id=pk, **fields))
                site_rows.extend(
                    SearchSite(
                        service_id=pk,
                        location_id=location_id,
                        municipality_id=municipality_id,
                        latitude=latitude,
                        longitude=longitude,
                        **fields,
                    )
                    for location_id, municipality_id, latitude, longitude in sites.get(pk, [])
                )
            with connection.cursor() as cursor:
                cursor.executemany(insert, params)
            SearchEntry.objects.bulk_create(entries)
            SearchSite.objects.bulk_create(site_rows)
        written += len(params)
    return written


def reindex_all() -> int:
    """Rebuild the search rows of every service (after a change to how they are computed)."""
    return reindex_services(Service.objects.order_by("pk").values_list("pk", flat=True))


# --- Reading: the vocabulary --------------------------------------------------------------------


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """True when `b` is `a` with one letter changed, added, removed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass
class Match:
    """The stems a typed stem stands for: `exact` as typed (or longer words it begins), `all` with typos too."""

    exact: list[int] = field(default_factory=list)
    all: list[int] = field(default_factory=list)


@dataclass
class Vocabulary:
    key: tuple[int, int]
    ids: dict[str, int]
    words: list[str]  # sorted, for prefixes
    by_deletion: dict[str, list[str]]

    @classmethod
    def build(cls, key: tuple[int, int], ids: dict[str, int]) -> Vocabulary:
        by_deletion: dict[str, list[str]] = {}
        words = sorted(text for text in ids if ":" not in text)
        for word in words:
            if len(word) >= TYPO_MIN_STEM - 1 and word.isalpha():
                for key_ in {word, *_deletions(word)}:
                    by_deletion.setdefault(key_, []).append(word)
        return cls(key, ids, words, by_deletion)

    def match(self, stem: str) -> Match:
        exact = [stem] if stem in self.ids else []
        if len(stem) >= PREFIX_MIN_STEM:
            at = bisect.bisect_left(self.words, stem)
            while at < len(self.words) and len(exact) < PREFIX_MAX_MATCHES and self.words[at].startswith(stem):
                if self.words[at] != stem:
                    exact.append(self.words[at])
                at += 1
        typos: list[str] = []
        if len(stem) >= TYPO_MIN_STEM and stem.isalpha():
            seen = set(exact)
            for key_ in {stem, *_deletions(stem)}:
                for word in self.by_deletion.get(key_, ()):
                    if word not in seen and one_edit_apart(stem, word):
                        seen.add(word)
                        typos.append(word)
        exact_ids = [self.ids[word] for word in exact]
        return Match(exact=exact_ids, all=exact_ids + [self.ids[word] for word in sorted(typos)])

    def language(self, code: str) -> int | None:
        return self.ids.get(f"{LANGUAGE_PREFIX}{code}")

    def category(self, code: str) -> int | None:
        return self.ids.get(f"{CATEGORY_PREFIX}{code}"[:60])

    def age(self, years: int) -> int | None:
        return self.ids.get(f"{AGE_PREFIX}{years}")

    def months(self, start: datetime.date, end: datetime.date) -> list[int]:
        return [self.ids[stem] for stem in month_stems(start, end) if stem in self.ids]


_vocabulary: Vocabulary | None = None
_lock = threading.Lock()


def vocabulary_forget() -> None:
    global _vocabulary
    _vocabulary = None


def vocabulary() -> Vocabulary:
    """The vocabulary of stems, from this process's memory while the table has not changed.

    One cheap query (highest id and count of the stems) checks it; a change reloads it.
    """
    global _vocabulary
    figures = SearchStem.objects.aggregate(top=Max("id"), count=Count("id"))
    key = (figures["top"] or 0, figures["count"])
    current = _vocabulary
    if current is not None and current.key == key:
        return current
    with _lock:
        loaded = Vocabulary.build(key, dict(SearchStem.objects.values_list("text", "id")))
        _vocabulary = loaded
    return loaded


# --- Keeping it current -------------------------------------------------------------------------

_deferred = threading.local()


@contextmanager
def deferred_reindex() -> Iterator[set[Any]]:
    """Collect the services the signals would reindex and reindex them once, at the end."""
    outer = getattr(_deferred, "pending", None)
    if outer is not None:
        yield outer
        return
    _deferred.pending = pending = set()
    try:
        yield pending
    finally:
        _deferred.pending = None
    reindex_services(pending)


def _reindex_soon(ids: Iterable[Any]) -> None:
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.update(ids)
    else:
        reindex_services(ids)


def _service_saved(sender: type[Service], instance: Service, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _reindex_soon([instance.pk])


def _categories_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    if reverse:  # term.services.add(...): instance is the term
        if action == "pre_clear":
            instance._search_cleared = list(instance.services.values_list("pk", flat=True))
        elif action == "post_clear":
            _reindex_soon(getattr(instance, "_search_cleared", []))
        elif action in ("post_add", "post_remove"):
            _reindex_soon(pk_set or [])
    elif action in ("post_add", "post_remove", "post_clear"):
        _reindex_soon([instance.pk])


def _term_saved(sender: type[TaxonomyTerm], instance: TaxonomyTerm, raw: bool = False, **kwargs: Any) -> None:
    # Its services, and its descendants' (their `cat:` stems hold every ancestor's code).
    if not raw:
        terms = [pk for pk, codes in _category_codes().items() if instance.code in codes] or [instance.pk]
        _reindex_soon(
            Service.categories.through.objects.filter(taxonomyterm_id__in=terms).values_list("service_id", flat=True)
        )


def _part_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A cost option, a closure cover or a site saved or deleted: its service's search rows follow (unless the
    service itself is being deleted: its rows go with it)."""
    deleting = getattr(_deferred, "deleting", set())
    if not raw and instance.service_id not in deleting:
        _reindex_soon([instance.service_id])


def _location_saved(sender: type[Location], instance: Location, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _reindex_soon(ServiceAtLocation.objects.filter(location=instance).values_list("service_id", flat=True))


def _service_deleting(sender: type[Service], instance: Service, **kwargs: Any) -> None:
    if not hasattr(_deferred, "deleting"):
        _deferred.deleting = set()
    _deferred.deleting.add(instance.pk)


def _service_deleted(sender: type[Service], instance: Service, **kwargs: Any) -> None:
    getattr(_deferred, "deleting", set()).discard(instance.pk)


def connect_signals() -> None:
    """Called by the app's ready(); deleting a service drops its rows by cascade."""
    post_save.connect(_service_saved, sender=Service, dispatch_uid="directory_search_service")
    post_save.connect(_term_saved, sender=TaxonomyTerm, dispatch_uid="directory_search_term")
    m2m_changed.connect(
        _categories_changed, sender=Service.categories.through, dispatch_uid="directory_search_categories"
    )
    for model in (CostOption, ClosureAvailability, ServiceAtLocation):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"directory_search_{model.__name__}_saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"directory_search_{model.__name__}_deleted")
    post_save.connect(_location_saved, sender=Location, dispatch_uid="directory_search_location")
    pre_delete.connect(_service_deleting, sender=Service, dispatch_uid="directory_search_service_deleting")
    post_delete.connect(_service_deleted, sender=Service, dispatch_uid="directory_search_service_deleted")
