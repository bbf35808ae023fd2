"""Reading many phone numbers fast: one phonenumbers call per *shape*, not per number.

``phonenumbers`` costs ~50 µs a number (parse, validate, zone). An import of 100k leads holds
numbers like ``(212) 555-0134`` and ``(212) 555-0178`` that differ only in their last digits,
and for most countries the library's answer cannot depend on those digits: every pattern it
matches ends in "any k digits", and the prefix rules (international prefix, country code,
national prefix, leading digits) look at fewer characters than come before them. This module
proves that per country from the library's own metadata, reads the first number of a shape with
the library (:func:`models.phones.normalise_phone` and :func:`models.phones.suggest_zone`, so the
result is exactly what ``lead add`` gives), and fills in the last digits for the rest. Where the
proof fails the number is read by the library as usual. tests/test_phone_templates.py checks the
shortcut against the library across every region.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import NamedTuple

import phonenumbers
from phonenumbers import phonenumberutil as pnu
from phonenumbers.tzdata import TIMEZONE_DATA

from .errors import FieldError
from .phone_patterns import UNBOUNDED, every_digit, free_tail, max_width, some_digit, wild_tree
from .phones import normalise_phone, suggest_zone

# Punctuation phonenumbers strips before it looks at the digits, and the only characters besides
# digits (and a leading "+") a shape may hold: letters, "#", ";", "," and "x" can start an
# extension or an alphanumeric number, so such text is read whole. With these characters alone
# the library's answer depends on the "+" and the digits, not on where the punctuation falls.
_PUNCTUATION = str.maketrans("", "", " ()-.")
_LONGEST_TEXT = 64  # longer text is read whole (the library refuses text past 250 characters)
_TAIL_WIDTHS = (6, 4, 2)  # how many trailing digits a shape leaves free, widest first
_WRITTEN_TAIL = 4  # trailing digits left free when remembering a number's way of writing
_DESCS = (
    "general_desc",
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)


class PhoneReading(NamedTuple):
    """A phone number as read: E.164 (or ``None``), its one zone (or ``None``), and the problem."""

    e164: str | None
    zone: str | None
    problem: str | None  # why the number could not be read; ``None`` when it could


class _Template:
    """The library's answer for every number of one shape, with the last digits left open."""

    __slots__ = ("prefix", "zone", "zones", "head", "invalid_hint")

    def __init__(self, prefix: str, zone=None, zones=None, head=0, invalid_hint=None):
        self.prefix = prefix  # E.164 without the free tail
        self.zone = zone  # the zone when it does not depend on the free tail
        self.zones = zones  # else: E.164 head (as long as the zone data looks) → zone
        self.head = head
        self.invalid_hint = invalid_hint  # not None: every number of the shape is invalid

    def read(self, raw: str, tail: str) -> PhoneReading:
        if self.invalid_hint is not None:
            return PhoneReading(
                None, None, f"{raw!r} is not a valid phone number{self.invalid_hint}"
            )
        e164 = self.prefix + tail
        zones = self.zones
        if zones is None:
            return _reading(PhoneReading, (e164, self.zone, None))
        head = e164[: self.head]
        if head not in zones:
            zones[head] = suggest_zone(e164)
        return _reading(PhoneReading, (e164, zones[head], None))


_reading = tuple.__new__  # a PhoneReading without the named tuple's Python-level __new__


class PhoneReader:
    """Reads phone numbers for one default region, remembering shapes (memory stays bounded)."""

    def __init__(self, region: str = "US", *, max_shapes: int = 20_000):
        self.region = region.upper()
        self.max_shapes = max_shapes
        # Per free-tail width: the digits (with the "+" if written) without the tail → the
        # template for that shape.
        self._shapes: dict[int, dict[str, _Template]] = {width: {} for width in _TAIL_WIDTHS}
        self._by_width = tuple(self._shapes.items())
        self._whole: dict[str, PhoneReading] = {}
        # Text as written without its last four digits → (E.164 without them, zone), for shapes
        # whose template leaves at least four digits free: a list written one way (``(212)
        # 555-01…``) is then read without taking the text apart.
        self._written: dict[str, tuple[str, str | None]] = {}
        self.library_calls = 0  # how many numbers needed the library (for benchmarks and tests)

    def read(self, raw: str) -> PhoneReading:
        """``raw`` as E.164 with its zone, exactly as :func:`normalise_phone` and
        :func:`suggest_zone` would give them."""
        text = raw.strip()
        tail = text[-_WRITTEN_TAIL:]
        known = self._written.get(text[:-_WRITTEN_TAIL])
        if known is not None and tail.isdigit() and tail.isascii():
            return _reading(PhoneReading, (known[0] + tail, known[1], None))
        found = self._whole.get(text)
        if found is not None:
            return found
        digits = _shape_digits(text)
        if digits is not None:
            for width, shapes in self._by_width:
                template = shapes.get(digits[:-width])
                if template is not None:
                    reading = template.read(raw, digits[-width:])
                    if width >= _WRITTEN_TAIL and tail.isdigit() and tail.isascii():
                        self._remember_written(text, template, reading)
                    return reading
        return self._read_with_library(raw, text, digits)

    def read_many(self, texts: list[str]) -> list[PhoneReading]:
        """:meth:`read` of each of ``texts`` (stripped), in order."""
        written = self._written.get
        read = self.read
        readings = []
        for text in texts:
            tail = text[-_WRITTEN_TAIL:]
            known = written(text[:-_WRITTEN_TAIL])
            if known is not None and tail.isdigit() and tail.isascii():
                readings.append(_reading(PhoneReading, (known[0] + tail, known[1], None)))
            else:
                readings.append(read(text))
        return readings

    def _remember_written(self, text: str, template: _Template, reading: PhoneReading) -> None:
        """Keep the answer for ``text``'s way of writing, when its last four digits cannot
        change the zone (or make the number invalid)."""
        e164 = reading.e164
        if e164 is None or (template.zones is not None and template.head > len(e164) - 4):
            return
        if len(self._written) >= self.max_shapes:
            self._written.clear()
        self._written[text[:-_WRITTEN_TAIL]] = (e164[:-_WRITTEN_TAIL], reading.zone)

    def shapes(self) -> int:
        """How many shapes are remembered."""
        return sum(len(shapes) for shapes in self._shapes.values())

    def _read_with_library(self, raw: str, text: str, digits: str | None) -> PhoneReading:
        self.library_calls += 1
        try:
            e164 = normalise_phone(text, self.region)
        except FieldError as exc:
            reading = PhoneReading(None, None, exc.reason.replace(repr(text), repr(raw), 1))
            invalid = True
        else:
            reading = PhoneReading(e164, suggest_zone(e164), None)
            invalid = False
        template = None if digits is None else self._generalise(text, digits, reading, invalid)
        if template is None:
            if len(self._whole) >= self.max_shapes:
                self._whole.clear()
            self._whole[text] = reading
        return reading

    def _generalise(
        self, text: str, digits: str, reading: PhoneReading, invalid: bool
    ) -> _Template | None:
        """A template for ``text``'s shape when the library provably ignores its last digits."""
        try:
            number = phonenumbers.parse(text, self.region)
        except phonenumbers.NumberParseException:
            return None  # kept whole: parse failures are rare and their reasons vary
        nsn = pnu.national_significant_number(number)
        plain = digits.removeprefix("+")
        default = None if digits[0] == "+" else self.region
        consumed = len(plain) - len(nsn)  # international prefix, country code, national prefix
        for width in _TAIL_WIDTHS:
            if len(plain) <= width or len(nsn) <= width:
                continue
            if not nsn.endswith(plain[-width:]):
                return None
            reach = max(
                0 if default is None else _idd_width(default),
                consumed + _prefix_reach(number.country_code, default, plain[:-width], width),
            )
            if reach > len(plain) - width:
                continue
            if not _tail_is_free(number.country_code, default, width, plain[:-width], reach):
                continue
            template = self._template(text, reading, invalid, width)
            if self.shapes() >= self.max_shapes:
                for shapes in self._shapes.values():
                    shapes.clear()
            self._shapes[width][digits[:-width]] = template
            return template
        return None

    def _template(self, text: str, reading: PhoneReading, invalid: bool, width: int) -> _Template:
        if invalid:
            hint = "" if text.startswith("+") else f" in region {self.region}"
            return _Template("", invalid_hint=hint)
        e164 = reading.e164
        free_from = len(e164) - width
        # The zone is looked up by the number's first digits (no more than the longest prefix
        # in the zone data that agrees with the shape's fixed digits); the number's type (fixed,
        # mobile, toll-free) cannot change within a shape.
        head = 1 + _zone_prefix_length(e164[1:free_from])
        if free_from >= head:
            return _Template(e164[:free_from], zone=reading.zone)
        return _Template(e164[:free_from], zones={e164[:head]: reading.zone}, head=head)


def _shape_digits(text: str) -> str | None:
    """The digits of ``text`` (after its "+", if it starts with one), or ``None`` when it holds
    anything but digits and the punctuation a shape may hold."""
    digits = text.translate(_PUNCTUATION)
    body = digits[1:] if text[:1] == "+" else digits
    if body.isdigit() and body.isascii() and len(text) <= _LONGEST_TEXT:
        return digits
    return None


def _metadata(country_code: int, region: str | None) -> list:
    """The country's metadata, and the default region's when the number was written without
    a "+" (its national prefix and country-code rules then take part in the parse)."""
    regions = pnu.region_codes_for_country_code(country_code)
    found = [
        pnu.PhoneMetadata.metadata_for_region_or_calling_code(country_code, r) for r in regions
    ]
    if region is not None:
        found.append(pnu.PhoneMetadata.metadata_for_region(region))
    return [m for m in found if m is not None]


@functools.lru_cache(maxsize=8192)
def _zone_prefix_length(start: str) -> int:
    """The longest zone-data prefix that a number whose digits begin with ``start`` could match:
    one of ``start``'s own prefixes, or a longer one that begins with ``start``."""
    longest = max((n for n in range(1, len(start) + 1) if start[:n] in TIMEZONE_DATA), default=0)
    keys = _zone_keys()
    i = bisect.bisect_left(keys, start)
    while i < len(keys) and keys[i].startswith(start):
        longest = max(longest, len(keys[i]))
        i += 1
    return longest


@functools.cache
def _zone_keys() -> list[str]:
    return sorted(TIMEZONE_DATA)


@functools.lru_cache(maxsize=8192)  # a list's numbers share heads: an area code, an exchange
def _tail_is_free(country_code: int, region: str | None, width: int, head: str, reach: int) -> bool:
    """Whether no number pattern of the country (or of the default region) can tell apart the
    numbers ``head`` + any ``width`` digits.

    Most patterns end in "any k digits" (proved once per pattern); the others are tried on
    ``head`` followed by ``width`` wildcards, at every place a national number can start.
    """
    suspects = _suspect_patterns(country_code, region, width)
    if suspects is None:
        return False
    wild = "D" * width
    for start in _possible_starts(country_code, region, head[:reach]):
        probe = head[start:] + wild
        for pattern in suspects:
            if (
                some_digit(pattern).fullmatch(probe) is not None
                and every_digit(pattern).fullmatch(probe) is None
            ):
                return False  # some tails match and others may not
    return True


@functools.lru_cache(maxsize=8192)
def _possible_starts(
    country_code: int, region: str | None, head: str, national_prefix: bool = True
) -> tuple[int, ...]:
    """Where in ``head`` the national number may start: after nothing, or after what a prefix
    rule could strip (the default region's international and national prefixes, the country
    code, the country's national prefix; without ``national_prefix``, where that one would be
    looked for). A superset of what the library can do, much smaller than every place up to
    the prefix rules' reach."""
    main = pnu.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, pnu.region_code_for_country_code(country_code)
    )
    own = pnu.PhoneMetadata.metadata_for_region(region) if region else None
    prefixes = []
    for meta in (main, own):
        national = meta.national_prefix_for_parsing if meta is not None else None
        if not national_prefix:
            national = None
        if national and not _PLAIN_PREFIX.fullmatch(national):
            return tuple(range(len(head) + 1))  # a prefix rule we do not read: every place
        prefixes.append(f"(?:{national})?" if national else "")
    country = f"{country_code}{prefixes[0]}"
    options = [country]
    if own is not None:
        options.append(f"{own.country_code}{prefixes[1]}")
        options.append(prefixes[1])
        if own.international_prefix:
            if not _PLAIN_PREFIX.fullmatch(own.international_prefix):
                return tuple(range(len(head) + 1))
            options.append(f"(?:{own.international_prefix}){country}")
    strip = re.compile("|".join(f"(?:{option})" for option in options))
    return tuple(s for s in range(len(head) + 1) if s == 0 or strip.fullmatch(head[:s]))


# Prefix rules read as plain regular expressions over digits: no anchors or look-arounds, which
# would behave differently on the head alone than on the whole number.
_PLAIN_PREFIX = re.compile(r"[0-9\\d|()?:\[\]{},*+-]*")


@functools.lru_cache(maxsize=1024)
def _suspect_patterns(country_code: int, region: str | None, width: int):
    """The patterns whose last ``width`` digits may matter, each readable with wildcards ``D``
    (see :func:`some_digit` and :func:`every_digit`); ``None`` when one cannot be read."""
    suspects = []
    for meta in _metadata(country_code, region):
        for name in _DESCS:
            desc = getattr(meta, name, None)
            pattern = getattr(desc, "national_number_pattern", None)
            if pattern and free_tail(pattern) < width:
                if any(wild_tree(pattern, every) is None for every in (True, False)):
                    return None
                suspects.append(pattern)
    return tuple(suspects)


@functools.lru_cache(maxsize=8192)
def _prefix_reach(country_code: int, region: str | None, head: str = "", width: int = 0) -> int:
    """How far past the consumed prefix the prefix-matching rules may look: the national
    prefix of the country's main region (and of the default region), the leading digits that
    tell apart regions sharing the country code. A national prefix that cannot match numbers
    ``head`` + ``width`` digits anywhere (Brazil's and Japan's start with 0) is left out."""
    reach = 3  # a country code has at most three digits
    main = pnu.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, pnu.region_code_for_country_code(country_code)
    )
    # Where the national prefix would be matched: after what the country code (and the
    # international prefix) may take, all inside ``head`` when it is long enough.
    starts = None
    if head and len(head) >= 3 + (_idd_width(region) if region else 0):
        starts = _possible_starts(country_code, region, head, national_prefix=False)
    for meta in (main, pnu.PhoneMetadata.metadata_for_region(region) if region else None):
        national = meta.national_prefix_for_parsing if meta is not None else None
        if not national:
            continue
        if starts is not None and not _may_match(national, head + "D" * width, starts):
            continue
        if meta.national_prefix_transform_rule:
            return UNBOUNDED  # rewrites the number's head: the national number is no suffix
        reach = max(reach, max_width(national))
    for meta in _metadata(country_code, None):
        if meta.leading_digits:
            reach = max(reach, max_width(meta.leading_digits))
    return reach


def _may_match(prefix: str, probe: str, starts) -> bool:
    """Whether the prefix rule could match the number at one of ``starts``, whatever digits
    the wildcards ``D`` stand for."""
    some = some_digit(prefix)
    return some is None or any(some.match(probe[start:]) for start in starts)


@functools.lru_cache(maxsize=256)
def _idd_width(region: str) -> int:
    meta = pnu.PhoneMetadata.metadata_for_region(region)
    return max_width(meta.international_prefix) if meta and meta.international_prefix else 0
