"""Phone numbers and time zones: E.164 storage, national display, zone from the number."""

from __future__ import annotations

import functools
import zoneinfo
from types import ModuleType

from .errors import FieldError


@functools.cache
def _library() -> tuple[ModuleType, ModuleType]:
    """phonenumbers and its zone table, imported on first use: loading them costs ~20 ms that
    the workstation's first screen (and every module that merely imports this one) can skip."""
    import phonenumbers
    from phonenumbers import timezone

    return phonenumbers, timezone


def normalise_phone(raw: str, region: str = "US") -> str:
    """``raw`` as E.164 (``+14155550100``); :class:`FieldError` if it is not a valid number."""
    text = raw.strip()
    phonenumbers, _ = _library()
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise FieldError("phone", f"{raw!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(number):
        hint = "" if text.startswith("+") else f" in region {region.upper()}"
        raise FieldError("phone", f"{raw!r} is not a valid phone number{hint}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str | None) -> str:
    """The number as a person in its own country writes it."""
    if not e164:
        return ""
    return _format(e164, "NATIONAL")


def international(e164: str | None) -> str:
    """The number with its country code, spaced for reading."""
    if not e164:
        return ""
    return _format(e164, "INTERNATIONAL")


@functools.lru_cache(maxsize=4096)
def _format(e164: str, style: str) -> str:
    phonenumbers, _ = _library()
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164), getattr(phonenumbers.PhoneNumberFormat, style)
        )
    except phonenumbers.NumberParseException:
        return e164


@functools.lru_cache(maxsize=65536)
def suggest_zone(e164: str) -> str | None:
    """The IANA zone of a phone number when exactly one fits; ``None`` when ambiguous or unknown."""
    phonenumbers, phone_zones = _library()
    try:
        zones = phone_zones.time_zones_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None
    if len(zones) != 1 or zones[0] == phone_zones.UNKNOWN_TIMEZONE:
        return None
    return zones[0]


@functools.lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_zone(name: str) -> str:
    """``name`` if it is an IANA zone (``Europe/Berlin``); bare offsets and typos are refused."""
    text = name.strip()
    if text in known_zones():
        return text
    lowered = {zone.lower(): zone for zone in known_zones()}
    if text.lower() in lowered:
        return lowered[text.lower()]
    raise FieldError(
        "zone", f"{name!r} is not an IANA time zone name (e.g. America/New_York, Europe/Berlin)"
    )
