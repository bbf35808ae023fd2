"""The shape shortcut gives exactly what the library gives, for every region and number type."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from models.errors import FieldError
from models.phone_templates import PhoneReader
from models.phones import normalise_phone, suggest_zone

TYPES = [
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
]


def library(raw: str, region: str):
    try:
        e164 = normalise_phone(raw.strip(), region)
    except FieldError as exc:
        return None, None, exc.reason
    return e164, suggest_zone(e164), None


def variants(rng: random.Random, region: str, count: int) -> list[str]:
    """Numbers as people write them: example numbers with their last digits changed."""
    out = []
    for kind in TYPES:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        for style in (
            PhoneNumberFormat.E164,
            PhoneNumberFormat.INTERNATIONAL,
            PhoneNumberFormat.NATIONAL,
        ):
            text = phonenumbers.format_number(example, style)
            for _ in range(count):
                cut = rng.randint(1, 6)
                chars = list(text)
                digit_places = [i for i, c in enumerate(chars) if c.isdigit()][-cut:]
                for i in digit_places:
                    chars[i] = rng.choice("0123456789")
                out.append("".join(chars))
    return out


def check_region(rng: random.Random, region: str, default: str, count: int) -> int:
    reader = PhoneReader(default)
    numbers = variants(rng, region, count)
    for raw in numbers:
        assert tuple(reader.read(raw)) == library(raw, default), (raw, default)
    # Read again: now from remembered shapes, which must still agree.
    for raw in numbers:
        assert tuple(reader.read(raw)) == library(raw, default), (raw, default)
    return len(numbers)


@pytest.mark.parametrize(
    "region",
    [
        "US",
        "CA",
        "GB",
        "DE",
        "FR",
        "AU",
        "IN",
        "BR",
        "JP",
        "AR",
        "MX",
        "IT",
        "BB",
        "JE",
        "SG",
        "NZ",
        "ZA",
        "NL",
        "ES",
        "CN",
    ],
)
def test_shapes_agree_with_the_library(region):
    rng = random.Random(region)
    checked = check_region(rng, region, region, 25)
    checked += check_region(rng, region, "US", 10)  # written in a foreign default region
    assert checked > 50


def test_every_region_agrees_on_a_sample():
    rng = random.Random(7)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    for region in regions:
        check_region(rng, region, region, 3)


def test_shapes_save_library_calls_for_a_typical_list():
    reader = PhoneReader("US")
    rng = random.Random(1)
    for _ in range(2000):
        reader.read(f"({rng.choice(['212', '415', '312'])}) 555-{rng.randint(0, 9999):04d}")
    assert reader.library_calls <= 3 * 10  # a shape per area code (and a few per zone prefix)


def test_memory_stays_bounded():
    reader = PhoneReader("US", max_shapes=100)
    for i in range(1000):
        reader.read(f"+1 {200 + i % 700} 555 01{i % 100:02d}")
    assert reader.shapes() <= 100 and len(reader._whole) <= 100


def test_blank_and_odd_input_is_read_by_the_library():
    reader = PhoneReader("US")
    assert reader.read("   ").problem is not None
    assert reader.read("").problem is not None


def test_punctuation_anywhere_gives_the_librarys_answer():
    rng = random.Random(3)
    for default in ("US", "GB", "DE", "IN", "BR"):
        reader = PhoneReader(default)
        numbers = variants(rng, default, 6) + variants(rng, "US", 3) + variants(rng, "GB", 3)
        written = []
        for raw in numbers:
            # The same digits with their spaces, dashes, dots and brackets moved about.
            out = []
            for c in raw:
                out.append(rng.choice(["", " ", "-", ".", "(", ")"]) if c in " -()." else c)
                if c.isdigit() and rng.random() < 0.2:
                    out.append(rng.choice(" -."))
            written.append("".join(out).strip())
        for raw in written + written:
            assert tuple(reader.read(raw)) == library(raw, default), (raw, default)


def test_a_real_territory_needs_a_library_call_per_area_code_not_per_exchange():
    reader = PhoneReader("US")
    rng = random.Random(2)
    areas = ["212", "415", "312", "617", "720", "206", "305", "404", "512", "303"]
    for i in range(5000):
        area, exchange, line = rng.choice(areas), rng.randint(200, 999), rng.randint(0, 9999)
        style = i % 3
        if style == 0:
            reader.read(f"({area}) {exchange}-{line:04d}")
        elif style == 1:
            reader.read(f"+1 {area} {exchange} {line:04d}")
        else:
            reader.read(f"{area}.{exchange}.{line:04d}")
    # One shape per area code and first digit of the exchange, with a "+1" or without.
    assert reader.library_calls <= len(areas) * 8 * 2
