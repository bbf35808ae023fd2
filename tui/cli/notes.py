"""``callq note ID TEXT``."""

from __future__ import annotations

from models.catalog import NOTE_KINDS
from models.notes import add_note, note_as_dict


def register(sub) -> None:
    note = sub.add_parser("note", help="add a note to a lead")
    note.add_argument("id", type=int, help="lead id")
    note.add_argument("text", help="the note")
    note.add_argument("--kind", default="general", help=f"one of: {', '.join(NOTE_KINDS)}")
    note.add_argument("--json", action="store_true")
    note.set_defaults(handler=cmd_note)


def cmd_note(ctx) -> int:
    ctx.open()
    note = add_note(ctx.args.id, ctx.args.text, kind=ctx.args.kind, author=ctx.rep, now=ctx.now)
    if ctx.args.json:
        ctx.emit_json(note_as_dict(note))
    else:
        print(f"added {note.kind} note {note.id} to lead {note.lead_id}")
    return 0
