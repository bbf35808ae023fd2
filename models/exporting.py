"""Exporting leads with their fields and notes (CSV, JSON, vCard) and the scheduled touches as
calendar events (iCal), streamed lead by lead so a large database never sits in memory.

CSV and vCard exports carry every field callq keeps, so :mod:`models.importing` reads them
back into the same leads.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import icalendar
import peewee
import vobject

from . import clock
from .errors import CallqError
from .import_formats import CALLQ_COLUMNS, FIELDS
from .import_rows import vcard_property
from .leads import iso, lead_as_dict
from .notes import note_as_dict
from .paths import ensure_private_dir
from .phones import international
from .schema import Lead, Note, Rep

FORMATS = {
    "csv": "leads with every field and their notes (re-imports losslessly)",
    "json": "leads with every field and their notes, as a JSON array",
    "vcard": "leads as vCard 3.0 contacts (re-imports losslessly)",
    "ical": "scheduled touches as calendar events (callbacks in your calendar)",
}
# Fields the vCard carries as its own properties; the rest go in X-CALLQ-* properties.
_VCARD_NATIVE = {"name", "company", "title", "phone", "email", "notes"}
_ACTIVE = ("lead", "prospect", "customer")
TOUCH_MINUTES = 15  # how long a scheduled touch shows in a calendar


def export(fmt: str, out: TextIO, *, now=None) -> int:
    """Write every lead (iCal: every scheduled touch) to ``out``; returns how many."""
    now = clock.resolve(now)
    if fmt not in FORMATS:
        raise CallqError(f"--format: {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return {"csv": _csv, "json": _json, "vcard": _vcard, "ical": _ical}[fmt](out, now)


def export_to_file(fmt: str, path: str | os.PathLike, *, now=None) -> int:
    """Export into ``path`` (0600): written beside it first, then moved into place, so a
    failure never leaves half a file."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise CallqError(f"{path}: is a directory; give a file name")
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    partial = path.with_name(f".{path.name}.partial")
    newline = "" if fmt == "csv" else None
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CallqError(f"{path}: cannot write ({exc.strerror})") from None
    os.fchmod(fd, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            count = export(fmt, handle, now=now)
        os.replace(partial, path)
    except OSError as exc:  # a full disk, most often: nothing is left behind
        partial.unlink(missing_ok=True)
        raise CallqError(f"{path}: cannot write ({exc.strerror}); nothing exported") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _leads_with_notes() -> Iterator[tuple[Lead, str | None, list[Note]]]:
    """Each lead in id order with its referrer's phone or email and its saved notes, by two
    ordered queries walked side by side (no query per lead, nothing held)."""
    referrer = Lead.alias()
    leads = (
        Lead.select(
            Lead,
            Rep.name.alias("owner_name"),
            referrer.phone.alias("referrer_phone"),
            referrer.email.alias("referrer_email"),
        )
        .join(Rep, peewee.JOIN.LEFT_OUTER, on=(Lead.owner == Rep.id))
        .switch(Lead)
        .join(referrer, peewee.JOIN.LEFT_OUTER, on=(Lead.referred_by == referrer.id))
        .order_by(Lead.id)
        .objects()
    )
    notes = iter(
        Note.select(Note, Rep.name.alias("author_name"))
        .join(Rep, peewee.JOIN.LEFT_OUTER, on=(Note.author == Rep.id))
        .where(Note.is_draft == False)  # noqa: E712
        .order_by(Note.lead, Note.created_at, Note.id)
        .objects()
        .iterator()
    )
    note = next(notes, None)
    for lead in leads.iterator():
        mine = []
        while note is not None and note.lead_id <= lead.id:
            if note.lead_id == lead.id:
                mine.append(note)
            note = next(notes, None)
        key = lead.referrer_phone or lead.referrer_email
        yield lead, key, mine


def _notes_json(notes: list[Note]) -> str:
    if not notes:
        return ""
    return json.dumps(
        [
            {
                "kind": n.kind,
                "body": n.body,
                "author": n.author_name,
                "created_at": iso(n.created_at),
            }
            for n in notes
        ],
        ensure_ascii=False,
    )


def _fields(lead: Lead, referrer: str | None, notes: list[Note]) -> dict[str, str]:
    """Every importable field of a lead as text."""
    values: dict[str, str] = {}
    for name in CALLQ_COLUMNS:
        if name == "notes":
            value = _notes_json(notes)
        elif name == "referred_by":
            value = referrer or ""
        elif name == "owner":
            value = lead.owner_name or ""
        else:
            value = getattr(lead, name)
        if value is None:
            value = ""
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif hasattr(value, "in_timezone"):
            value = iso(value)
        values[name] = str(value)
    return values


def _csv(out: TextIO, now) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CALLQ_COLUMNS)
    count = 0
    for lead, referrer, notes in _leads_with_notes():
        values = _fields(lead, referrer, notes)
        writer.writerow([values[c] for c in CALLQ_COLUMNS])
        count += 1
    return count


def _json(out: TextIO, now) -> int:
    out.write("[")
    count = 0
    for lead, referrer, notes in _leads_with_notes():
        data = lead_as_dict(lead)
        data["owner"] = lead.owner_name
        data["referred_by_contact"] = referrer
        data["notes"] = [note_as_dict(n) | {"author": n.author_name} for n in notes]
        out.write(("\n" if count == 0 else ",\n") + json.dumps(data, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def escape_x(value: str) -> str:
    """An X-CALLQ value on one line (vCard escapes only its own text properties)."""
    return value.replace("\\", "\\\\").replace("\r\n", "\\n").replace("\n", "\\n")


def _vcard(out: TextIO, now) -> int:
    count = 0
    for lead, referrer, notes in _leads_with_notes():
        values = _fields(lead, referrer, notes)
        card = vobject.vCard()
        card.add("fn").value = lead.name
        card.add("n").value = vobject.vcard.Name(given=lead.name)
        if lead.company:
            card.add("org").value = [lead.company]
        if lead.title:
            card.add("title").value = lead.title
        if lead.phone:
            tel = card.add("tel")
            tel.value = lead.phone
            tel.type_param = "WORK"
        if lead.email:
            email = card.add("email")
            email.value = lead.email
            email.type_param = "INTERNET"
        for note in notes:
            line = card.add("note")
            line.value = note.body
            line.params["X-CALLQ-KIND"] = [note.kind]
            line.params["X-CALLQ-CREATED"] = [iso(note.created_at)]
            if note.author_name:
                line.params["X-CALLQ-AUTHOR"] = [note.author_name]
        for name in FIELDS:
            if name in _VCARD_NATIVE or name not in values or not values[name]:
                continue
            card.add(vcard_property(name).lower()).value = escape_x(values[name])
        out.write(card.serialize())
        count += 1
    return count


def _ical(out: TextIO, now) -> int:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//callq//scheduled touches//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "callq touches")
    head = calendar.to_ical().decode()
    out.write(head.replace("END:VCALENDAR\r\n", ""))
    stamp = now.in_timezone("UTC")
    count = 0
    query = (
        Lead.select()
        .where(
            Lead.next_touch_at.is_null(False) & Lead.status.in_(_ACTIVE) & (Lead.exhausted == False)  # noqa: E712
        )
        .order_by(Lead.next_touch_at, Lead.id)
    )
    for lead in query.iterator():
        event = icalendar.Event()
        start = lead.next_touch_at.in_timezone("UTC")
        verb = {"call": "Call", "text": "Text", "email": "Email"}.get(lead.channel, "Touch")
        event.add("uid", f"lead-{lead.id}-next-touch@callq")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start.add(minutes=TOUCH_MINUTES))
        who = f"{lead.name} ({lead.company})" if lead.company else lead.name
        event.add("summary", f"{verb} {who}")
        lines = [
            f"Phone: {international(lead.phone)}" if lead.phone else None,
            f"Email: {lead.email}" if lead.email else None,
            f"Their time: {start.in_timezone(lead.zone).format('ddd D MMM HH:mm')} ({lead.zone})",
            f"Attempts since last conversation: {lead.attempts}",
            "A time the prospect gave." if lead.next_touch_fixed else None,
        ]
        event.add("description", "\n".join(line for line in lines if line))
        if lead.phone:
            event.add("location", international(lead.phone))
            event.add("url", f"tel:{lead.phone}")
        event.add("categories", ["callq", lead.status])
        event.add("x-callq-lead", str(lead.id))
        out.write(event.to_ical().decode())
        count += 1
    out.write("END:VCALENDAR\r\n")
    return count
