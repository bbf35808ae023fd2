"""Checking an import's rows: each one validated into lead columns (E.164 phone, the zone given
or suggested from the number, known industry and source words…) or refused with every problem
reported by line and column. Answers already worked out are remembered, so a clean row costs a
few dictionary look-ups."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from . import clock
from .catalog import (
    INDUSTRIES,
    NOTE_KINDS,
    QUALIFICATION_ANSWERS,
    SOURCES,
    STATUSES,
    check_choice,
)
from .errors import CallqError, FieldError
from .fields import to_db
from .import_formats import FIELDS, INDUSTRY_WORDS, SOURCE_WORDS, Mapping
from .import_report import Problem
from .leads import EMAIL, clean_lead_fields
from .phone_templates import PhoneReader
from .phones import check_zone
from .printable import lines, one_line
from .schema import Rep

GOOGLE_SEPARATOR = " ::: "  # Google Contacts puts several values in one cell this way


# Fields that callq's own export (and few sheets) carry; checked only when mapped. The rest are
# a common sheet's.
RARE_FIELDS = set(FIELDS) - {
    "name", "first_name", "last_name", "company", "title", "phone", "email", "zone", "industry",
    "source", "notes", "referred_by",
}  # fmt: skip
_TIMES = ("next_touch_at", "last_contacted_at", "created_at")
_FLAGS = ("next_touch_fixed", "exhausted")
_QUESTIONS = ("q_need", "q_afford", "q_authority", "q_approachable", "q_eligible")
_TEXTS = ("purchase_timing", "lost_reason")


@dataclass(slots=True)
class Row:
    """One validated row, ready to write."""

    line: int
    lead: dict[str, Any]  # the lead columns the row gives (what an update may change)
    notes: list[tuple[str, str, Any, str]] | tuple  # (kind, body, author id or name, created_at)
    referrer: str | None


_NO_NOTES = ()


@dataclass(slots=True)
class Findings:
    """What checking has found since the writer last took it: the rows read, every problem in
    the order found, and how many rows were refused with (when kept) their text as written."""

    read: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0
    rejects: list[str] = field(default_factory=list)

    def reject(self, raw: str | None) -> None:
        self.rejected += 1
        if raw is not None:
            self.rejects.append(raw)

    def take(self) -> Findings:
        """Everything found so far, leaving this empty."""
        taken = Findings(self.read, self.problems, self.rejected, self.rejects)
        self.read, self.problems, self.rejected, self.rejects = 0, [], 0, []
        return taken


def carries_rare_fields(mapping: Mapping) -> bool:
    """Whether rows may set lead columns beyond the common ones (callq's own export does)."""
    return mapping.format == "vCard" or bool(set(mapping.columns) & RARE_FIELDS)


class RowChecker:
    """Validates rows into lead columns, remembering answers it has already worked out (a zone,
    an industry or source word, the shape of a phone number), so a clean row costs a few
    dictionary look-ups."""

    def __init__(
        self,
        mapping: Mapping,
        region: str,
        default_zone: str | None,
        *,
        owner_id: int | None,
        now,
        sources: dict[str, str] | None = None,
    ):
        self.mapping = mapping
        self.region = region
        self.default_zone = default_zone
        self.owner_id = owner_id  # the author of notes a row gives
        self.now = now
        self.now_db = to_db(now)
        self.found = Findings()
        self.phones = PhoneReader(region)
        self.sources = sources or SOURCES
        self._industries: dict[str, tuple[str | None, str | None]] = {}
        self._sources: dict[str, tuple[str | None, str | None]] = {}
        self._zones: dict[str, tuple[str | None, str | None]] = {}
        self._reps: dict[str, int] = {}
        self.default_industry = mapping.defaults.get("industry")
        self.default_source = mapping.defaults.get("source")
        self.rare = carries_rare_fields(mapping)

    def reject(self, line: int, column: str, reason: str, raw: str | None) -> None:
        self.found.problems.append(Problem(line, column, reason))
        self.found.reject(raw)

    def check(
        self, line: int, values: dict[str, str], columns: dict[str, str], raw: str | None
    ) -> Row | None:
        """The row as lead columns, or ``None`` when it has errors (each one is reported).
        Only what the row gives is set; the writer fills in the defaults."""
        errors: list[tuple[str, str]] = []
        get = values.get

        name = self._line(values, columns, "name", errors)
        if not name and not (get("name") or "").strip():
            first = self._line(values, columns, "first_name", errors)
            name = f"{first} {self._line(values, columns, 'last_name', errors)}".strip()
            if not name:
                column = columns.get("name") or columns.get("first_name") or "name"
                errors.append((column, "no name"))
        lead: dict[str, Any] = {"name": name}
        for key in ("company", "title"):
            text = self._line(values, columns, key, errors)
            if text:  # a cell of spaces gives none, as an empty one does (nothing to update)
                lead[key] = text

        phone = get("phone")
        phone = phone.strip() if phone else ""
        if not phone:
            phone = (get("phone_raw") or "").strip()
        e164 = phone_zone = None
        if phone:
            if GOOGLE_SEPARATOR in phone:
                phone = phone.split(GOOGLE_SEPARATOR, 1)[0]
            e164, phone_zone, problem = self.phones.read(phone)
            if problem is None:
                lead["phone"] = e164
            else:
                lead["phone_raw"] = phone.strip()
                self.found.problems.append(
                    Problem(
                        line,
                        columns.get("phone", "phone"),
                        problem + "; kept as written",
                        "warning",
                    )
                )

        value = get("email")
        if value and value.strip():  # a cell of spaces gives none, as an empty one does
            if GOOGLE_SEPARATOR in value:
                value = value.split(GOOGLE_SEPARATOR, 1)[0]
            value = value.strip()
            if EMAIL.match(value):
                lead["email"] = value.lower()
            else:
                errors.append((columns["email"], f"{value!r} is not an email address"))

        value = get("zone")
        if value and value.strip():
            found = self.zone_answer(value)
            if found[1] is not None:
                errors.append((columns["zone"], found[1]))
            lead["zone"] = found[0]
        elif e164 is not None:
            if phone_zone is None:
                errors.append(
                    (
                        columns.get("phone", "phone"),
                        f"cannot tell the time zone of {e164} (several or none fit); "
                        "give it in a zone column (--map zone=Column)",
                    )
                )
            lead["zone"] = phone_zone
        elif self.default_zone:
            lead["zone"] = self.default_zone
        else:
            reason = "no zone, and no phone number to suggest one from"
            if phone:
                reason = "no zone, and the phone number cannot be read to suggest one"
            errors.append(("zone", reason + " (give --default-zone or map a zone column)"))

        value = get("industry") or self.default_industry
        if value:
            word, problem = self.word("industry", value)
            if problem is not None:
                errors.append((columns.get("industry", "industry"), problem))
            elif word is not None:
                lead["industry"] = word
        value = get("source") or self.default_source
        if value:
            word, problem = self.word("source", value)
            if problem is not None:
                errors.append((columns.get("source", "source"), problem))
            elif word is not None:
                lead["source"] = word

        if self.rare:  # fields that callq's own export (and few sheets) carry
            self._rare(values, columns, lead, errors)
        value = get("notes")
        notes = self.notes_of(value, columns.get("notes", "notes"), errors) if value else _NO_NOTES
        value = get("referred_by")
        referrer = self._referrer(value, columns, errors) if value else None

        if errors:
            found = self.found
            found.problems.extend(Problem(line, column, reason) for column, reason in errors)
            found.reject(raw)
            return None
        return Row(line, lead, notes, referrer)

    def zone_answer(self, value: str) -> tuple[str | None, str | None]:
        """(the zone, None) or (None, why not) for a zone cell."""
        found = self._zones.get(value)
        if found is None:
            try:
                found = (check_zone(value), None)
            except FieldError as exc:
                found = (None, exc.reason)
            self._zones[value] = found
        return found

    def answers(self, key: str) -> dict[str, tuple[str | None, str | None]]:
        """The answers worked out so far for the industry or source column's words."""
        return self._industries if key == "industry" else self._sources

    def word(self, key: str, value: str) -> tuple[str | None, str | None]:
        """(the stored word, None), (None, why not), or (None, None) for a blank cell of the
        industry or source column."""
        return self.answers(key).get(value) or self._choice(key, value)

    def _choice(self, key: str, value: str) -> tuple[str | None, str | None]:
        choices, words, cache = {
            "industry": (INDUSTRIES, INDUSTRY_WORDS, self._industries),
            "source": (self.sources, SOURCE_WORDS, self._sources),
        }[key]
        text = value.strip()
        if not text:
            found = (None, None)
        else:
            text = self.mapping.values.get(key, {}).get(text.lower(), text)
            text = words.get(text.lower(), text)
            try:
                found = (check_choice(text, choices, key), None)
            except FieldError:
                found = (
                    None,
                    f"{value.strip()!r} is not a known {key}; choose one of: "
                    f"{', '.join(choices)} (or translate it: --value {key}:'{value.strip()}'=…)",
                )
        cache[value] = found
        return found

    def _rare(self, values, columns, lead, errors) -> None:
        plain = {k: values[k] for k in ("cadence_days", "channel", "call_window") if values.get(k)}
        if "channel" in plain:
            plain["channel"] = self.mapping.values.get("channel", {}).get(
                plain["channel"].strip().lower(), plain["channel"]
            )
        for key, value in plain.items():
            try:
                lead.update(clean_lead_fields({key: value}, partial=True))
            except FieldError as exc:
                errors.append((columns.get(key, key), exc.reason))
        status = values.get("status")
        if status:
            status = self.mapping.values.get("status", {}).get(status.strip().lower(), status)
            self._set_choice(lead, errors, columns, "status", status, STATUSES)
        for key in _QUESTIONS:
            if values.get(key):
                self._set_choice(lead, errors, columns, key, values[key], QUALIFICATION_ANSWERS)
        for key in _TEXTS:
            if values.get(key):
                lead[key] = self._line(values, columns, key, errors)
        for key in _TIMES:
            if key not in columns:
                continue  # not in this file: the default stands
            text = (values.get(key) or "").strip()
            if not text:
                if key == "next_touch_at":
                    lead[key] = None  # callq's export says: no touch scheduled
                continue
            try:
                lead[key] = to_db(clock.parse_instant(text, what=key))
            except CallqError as exc:
                errors.append((columns[key], str(exc).split(": ", 1)[-1]))
        for key in _FLAGS:
            if values.get(key):
                flag = values[key].strip().lower()
                if flag in ("1", "true", "yes", "y"):
                    lead[key] = 1
                elif flag in ("0", "false", "no", "n"):
                    lead[key] = 0
                else:
                    errors.append((columns.get(key, key), f"{values[key]!r} is not yes or no"))
        for key, low, high in (("attempts", 0, 10_000), ("likelihood", 0, 100)):
            if values.get(key):
                try:
                    number = int(values[key])
                except ValueError:
                    errors.append((columns.get(key, key), f"{values[key]!r} is not a whole number"))
                    continue
                if not low <= number <= high:
                    errors.append(
                        (columns.get(key, key), f"{number} is out of range ({low}-{high})")
                    )
                lead[key] = number
        if values.get("deal_value"):
            try:
                lead["deal_value"] = str(
                    Decimal(values["deal_value"].strip()).quantize(Decimal("0.01"))
                )
            except InvalidOperation:
                errors.append(
                    (
                        columns.get("deal_value", "deal_value"),
                        f"{values['deal_value']!r} is not an amount",
                    )
                )
        if values.get("owner"):
            lead["owner_id"] = self._rep(values["owner"].strip())

    @staticmethod
    def _line(values: dict[str, str], columns, key: str, errors: list) -> str:
        """A one-line text cell, stripped ("" when it holds a control character: reported)."""
        try:
            return one_line(values.get(key) or "", key)
        except FieldError as exc:
            errors.append((columns.get(key, key), exc.reason))
            return ""

    def _set_choice(self, lead, errors, columns, key, value, choices) -> None:
        try:
            lead[key] = check_choice(value, choices, key)
        except FieldError as exc:
            errors.append((columns.get(key, key), exc.reason))

    def _rep(self, name: str) -> int:
        found = self._reps.get(name)
        if found is None:
            rep = Rep.get_or_none(Rep.name == name) or Rep.create(name=name, created_at=self.now)
            found = self._reps[name] = rep.id
        return found

    def notes_of(self, text: str | None, column: str, errors: list) -> list:
        """The notes a cell gives (its problems added to ``errors``)."""
        if not text or not text.strip():
            return []
        author = self.owner_id
        created = self.now_db
        stripped = text.strip()
        if stripped.startswith("[{"):
            try:
                items = json.loads(stripped)
            except ValueError:
                items = None
            if isinstance(items, list) and all(isinstance(i, dict) and "body" in i for i in items):
                notes = []
                for item in items:
                    kind = str(item.get("kind") or "general")
                    if kind not in NOTE_KINDS:
                        errors.append((column, f"note kind {kind!r} unknown"))
                        continue
                    at = created
                    if item.get("created_at"):
                        try:
                            at = to_db(clock.parse_instant(str(item["created_at"]), what="note"))
                        except CallqError as exc:
                            errors.append((column, str(exc)))
                    # A name: the writer looks it up (or adds the rep), for rows may be
                    # checked where the database is out of reach.
                    who = str(item["author"]) if item.get("author") else author
                    try:
                        notes.append((kind, lines(str(item["body"]), "notes"), who, at))
                    except FieldError as exc:
                        errors.append((column, exc.reason))
                return notes
        try:
            return [("general", lines(stripped, "notes"), author, created)]
        except FieldError as exc:
            errors.append((column, exc.reason))
            return []

    def _referrer(self, text: str | None, columns, errors) -> str | None:
        if not text or not text.strip():
            return None
        text = text.strip()
        if "@" in text:
            return text.lower()
        reading = self.phones.read(text)
        if reading.problem is not None:
            errors.append((columns.get("referred_by", "referred_by"), reading.problem))
            return None
        return reading.e164
