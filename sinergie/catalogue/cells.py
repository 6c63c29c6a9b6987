"""The cell parsers of a catalogue file: each turns the text of one cell (or two) into its value
or raises ValueError with the message to show; Italian and English words are both accepted
(weekdays, periods, units, yes and no). Pure functions, no database."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from sinergie.catalogue.columns import normalize_header
from sinergie.catalogue.records import ClosureData, CostData, HoursData
from sinergie.directory.models import ClosurePeriodKind, CostUnit, ServiceKind
from sinergie.lib.money import parse_euro
from sinergie.lib.text import fold

# The rough box around Italy of the Location model's check constraint.
LAT_RANGE = (35.0, 47.5)
LON_RANGE = (6.0, 19.0)
MAX_AGE_MONTHS = 120 * 12
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
LANGUAGE_CODES = frozenset(code for code in LANG_INFO if len(code) == 2)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ITALIAN_WEEKDAYS = {"LU": "MO", "MA": "TU", "ME": "WE", "GI": "TH", "VE": "FR", "SA": "SA", "DO": "SU"}
KIND_ALIASES = {
    "service": ServiceKind.SERVICE,
    "servizio": ServiceKind.SERVICE,
    "info_point": ServiceKind.INFO_POINT,
    "punto_informativo": ServiceKind.INFO_POINT,
    "info": ServiceKind.INFO_POINT,
}
PERIOD_ALIASES = {
    **{kind.value: kind.value for kind in ClosurePeriodKind},
    "settembre": ClosurePeriodKind.SEPTEMBER,
    "natale": ClosurePeriodKind.CHRISTMAS,
    "carnevale": ClosurePeriodKind.CARNIVAL,
    "pasqua": ClosurePeriodKind.EASTER,
    "ponti": ClosurePeriodKind.BRIDGE,
    "ponte": ClosurePeriodKind.BRIDGE,
    "estate": ClosurePeriodKind.SUMMER,
    "altro": ClosurePeriodKind.OTHER,
}
UNIT_ALIASES = {
    **{unit.value: unit.value for unit in CostUnit},
    "ora": CostUnit.HOUR,
    "giorno": CostUnit.DAY,
    "settimana": CostUnit.WEEK,
    "mese": CostUnit.MONTH,
    "una_tantum": CostUnit.ONCE,
    "unatantum": CostUnit.ONCE,
}
ON_REQUEST_WORDS = {"on_request", "su_richiesta", "a_richiesta"}
TRUE_WORDS = {"yes", "y", "si", "s", "true", "vero", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "falso", "0", ""}


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


def parse_decimal(text: str) -> Decimal:
    """'1.234,50', '1234.5', '€ 120' -> Decimal; ValueError when not a number."""
    cleaned = text.replace("€", "").replace("EUR", "").replace("eur", "").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".") if cleaned.rfind(",") > cleaned.rfind(".") else cleaned
        cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None


def parse_whole(text: str, *, minimum: int = 0, maximum: int = 1_000_000) -> int:
    number = parse_decimal(text)
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
    if not minimum <= number <= maximum:
        raise ValueError(
            _("%(value)s is outside the allowed range %(min)s–%(max)s.")
            % {"value": text, "min": minimum, "max": maximum}
        )
    return int(number)


def parse_age_months(years_text: str, months_text: str) -> int | None:
    if years_text and months_text:
        raise ValueError(_("Give the age in years or in months, not both."))
    if months_text:
        return parse_whole(months_text, maximum=MAX_AGE_MONTHS)
    if years_text:
        years = parse_decimal(years_text)
        if not 0 <= years <= 120:
            raise ValueError(_("An age of %(value)s years is not possible.") % {"value": years_text})
        return int((years * 12).to_integral_value())
    return None


def parse_bool(text: str) -> bool:
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("Write yes or no, not “%(value)s”.") % {"value": text})


def parse_date(text: str) -> datetime.date:
    """ISO 2026-12-23 or Italian 23/12/2026."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            day = datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            d, m, y = (int(part) for part in text.split("/"))
            day = datetime.date(y, m, d)
        else:
            raise ValueError
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (write 2026-12-23 or 23/12/2026).") % {"value": text}) from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(_("The date %(value)s is out of range.") % {"value": text})
    return day


def parse_date_range(text: str) -> tuple[datetime.date, datetime.date]:
    parts = re.split(r"\s*\.\.\s*|\s+-\s+", text.strip())
    if len(parts) != 2:
        raise ValueError(_("“%(value)s” is not a date range (write 2026-12-23..2027-01-05).") % {"value": text})
    start, end = parse_date(parts[0]), parse_date(parts[1])
    if end < start:
        raise ValueError(_("In “%(value)s” the end comes before the start.") % {"value": text})
    return start, end


def parse_time(text: str) -> datetime.time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(_("“%(value)s” is not a time (write 07:30).") % {"value": text})
    return datetime.time(int(match[1]), int(match[2]))


def _day_code(text: str) -> str:
    code = text.strip().upper()[:2]
    code = ITALIAN_WEEKDAYS.get(code, code) if code not in WEEKDAYS else code
    if code not in WEEKDAYS or len(text.strip()) > 3:
        raise ValueError(_("“%(value)s” is not a day of the week (MO TU WE TH FR SA SU).") % {"value": text})
    return code


def parse_days(text: str) -> str:
    """'MO-FR' / 'LU-VE' / 'MO,WE,FR' -> 'MO,TU,WE,TH,FR' (iCalendar BYDAY, in week order)."""
    days: set[str] = set()
    for part in text.split(","):
        if "-" in part:
            first, last = (_day_code(day) for day in part.split("-", 1))
            start, stop = WEEKDAYS.index(first), WEEKDAYS.index(last)
            if stop < start:
                raise ValueError(_("“%(value)s”: the days go backwards.") % {"value": part})
            days.update(WEEKDAYS[start : stop + 1])
        else:
            days.add(_day_code(part))
    return ",".join(day for day in WEEKDAYS if day in days)


def parse_opening_hours(text: str) -> tuple[HoursData, ...]:
    """'MO-FR 07:30-09:00, 16:00-18:00; SA 08:00-12:00 2026-09-01..2027-06-30'."""
    result: set[HoursData] = set()
    for group in (part.strip() for part in text.split(";")):
        if not group:
            continue
        match = re.fullmatch(
            r"(?P<days>[A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+(?P<times>[\d:.,\s-]+?)"
            r"(?:\s+(?P<validity>\d[\d/-]*\s*\.\.\s*\d[\d/-]*))?",
            group,
        )
        if not match:
            raise ValueError(
                _("“%(value)s” is not opening hours (write MO-FR 07:30-09:00; SA 08:00-12:00).") % {"value": group}
            )
        days = parse_days(re.sub(r"\s+", "", match["days"]))
        valid_from = valid_to = None
        if match["validity"]:
            valid_from, valid_to = parse_date_range(match["validity"])
        for span in (part.strip() for part in match["times"].split(",")):
            if not span:
                continue
            pieces = span.split("-")
            if len(pieces) != 2:
                raise ValueError(_("“%(value)s” is not a time range (write 07:30-09:00).") % {"value": span})
            opens, closes = parse_time(pieces[0]), parse_time(pieces[1])
            if closes <= opens:
                raise ValueError(_("In “%(value)s” the closing time is not after the opening time.") % {"value": span})
            result.add(HoursData(days, opens, closes, valid_from, valid_to))
    return tuple(sorted(result, key=hours_key))


def hours_key(hours: HoursData) -> tuple[datetime.date, datetime.time, datetime.time, str, datetime.date]:
    return (hours.valid_from or DATE_MIN, hours.opens_at, hours.closes_at, hours.byday, hours.valid_to or DATE_MAX)


def parse_closures(text: str) -> tuple[ClosureData, ...]:
    """'christmas 2026-12-23..2027-01-05; estate 15/06/2027..31/07/2027'."""
    result: set[ClosureData] = set()
    for group in (part.strip() for part in text.split(";")):
        if not group:
            continue
        word, _space, dates = group.partition(" ")
        period = PERIOD_ALIASES.get(fold(word))
        if period is None:
            raise ValueError(
                _("“%(value)s” is not a closure period (%(periods)s).")
                % {"value": word, "periods": "september, christmas, carnival, easter, bridge, summer, other"}
            )
        if not dates.strip():
            raise ValueError(
                _("Give the dates of “%(value)s” (write christmas 2026-12-23..2027-01-05).") % {"value": group}
            )
        start, end = parse_date_range(dates)
        result.add(ClosureData(str(period), start, end))
    return tuple(sorted(result, key=lambda closure: (closure.start, closure.end, closure.period)))


# A price above a million euro is a typing error (lib.money reads the amount by its one rule).
MAX_PRICE_CENTS = 100_000_000


def parse_costs(price_text: str, unit_text: str) -> tuple[CostData, ...]:
    prices = [part.strip() for part in price_text.split(";") if part.strip()]
    units = [part.strip() for part in unit_text.split(";") if part.strip()]
    if not prices:
        if units:
            raise ValueError(_("A unit without a price: give the price too."))
        return ()
    if not units:
        raise ValueError(_("Give the unit of the price (hour, day, week, month, once)."))
    if len(units) == 1:
        units *= len(prices)
    if len(units) != len(prices):
        raise ValueError(_("Give one unit for each price, or one for all."))
    costs: list[CostData] = []
    for price, unit_word in zip(prices, units, strict=True):
        unit = UNIT_ALIASES.get(normalize_header(unit_word))
        if unit is None:
            raise ValueError(
                _("“%(value)s” is not a price unit (hour, day, week, month, once).") % {"value": unit_word}
            )
        if normalize_header(price) in ON_REQUEST_WORDS:
            costs.append(CostData(None, str(unit)))
            continue
        try:
            cents = parse_euro(price, maximum=MAX_PRICE_CENTS)
        except ValidationError as error:
            raise ValueError(_("“%(value)s”: %(problem)s") % {"value": price, "problem": error.messages[0]}) from None
        costs.append(CostData(cents, str(unit)))
    return tuple(sorted(set(costs), key=lambda cost: (cost.amount_cents or 0, cost.unit)))


_email_validator = EmailValidator()
_url_validator = URLValidator(schemes=["http", "https"])


def parse_email(text: str) -> str:
    try:
        _email_validator(text)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not an e-mail address.") % {"value": text}) from None
    return text


def parse_url(text: str) -> str:
    if text.lower().startswith("www."):
        text = "https://" + text
    try:
        _url_validator(text)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not a web address (start it with https://).") % {"value": text}) from None
    return text


def parse_phone(text: str) -> str:
    if len(text) > 40 or not re.fullmatch(r"[+\d][\d\s()./-]*", text):
        raise ValueError(_("“%(value)s” is not a phone number.") % {"value": text})
    return text


def parse_languages(text: str) -> tuple[str, ...]:
    codes: list[str] = []
    for code in (part.lower() for part in split_list(text)):
        if code not in LANGUAGE_CODES:
            raise ValueError(_("“%(value)s” is not an ISO 639-1 language code (like it, en, ar).") % {"value": code})
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def parse_coordinate(text: str, bounds: tuple[float, float], axis: str) -> float:
    value = float(parse_decimal(text))
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(
            _("%(axis)s %(value)s is outside Italy (%(min)s to %(max)s).")
            % {"axis": axis, "value": text, "min": bounds[0], "max": bounds[1]}
        )
    return round(value, 6)


def normalize_istat(text: str) -> str:
    """Excel drops leading zeros: 15142 -> '015142'."""
    text = text.strip()
    if not re.fullmatch(r"\d{4,6}", text):
        raise ValueError(_("“%(value)s” is not an ISTAT municipality code (6 digits).") % {"value": text})
    return text.zfill(6)
