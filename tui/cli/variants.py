"""``callq variant add|list|edit|next``: introduction/offer variants and their rotation."""

from __future__ import annotations

from models.leads import get_lead
from models.variants import (
    KEEP,
    add_variant,
    edit_variant,
    next_variant,
    variant_as_dict,
    variant_rows,
)

from ._text import wrap


def register(sub) -> None:
    var = sub.add_parser(
        "variant",
        help="introduction/offer variants; new leads rotate through them fairly",
        description="Each lead is assigned a variant at its first touch and keeps it; new "
        "leads go to the active variant with the fewest leads, so each gets a fair share.",
    )
    verbs = var.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="add a variant to the rotation")
    add.add_argument("name", help="a short name, e.g. A or 'free-trial'")
    add.add_argument("--script", help="what the rep says")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    ls = verbs.add_parser("list", help="variants with their leads and touches so far")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    edit = verbs.add_parser("edit", help="change a variant's script, retire or restore it")
    edit.add_argument("name")
    edit.add_argument("--script")
    state = edit.add_mutually_exclusive_group()
    state.add_argument("--retire", dest="active", action="store_const", const=False)
    state.add_argument("--restore", dest="active", action="store_const", const=True)
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(handler=cmd_edit, active=None)

    nxt = verbs.add_parser("next", help="the variant to use on a lead")
    nxt.add_argument("lead", type=int, help="lead id")
    nxt.add_argument("--json", action="store_true")
    nxt.set_defaults(handler=cmd_next)


def cmd_add(ctx) -> int:
    ctx.open()
    variant = add_variant(ctx.args.name, ctx.args.script, now=ctx.now)
    if ctx.args.json:
        ctx.emit_json(variant_as_dict(variant, touches=0))
    else:
        print(f"added variant {variant.name!r}")
    return 0


def cmd_list(ctx) -> int:
    ctx.open()
    rows = variant_rows()
    if ctx.args.json:
        ctx.emit_json(rows)
        return 0
    if not rows:
        print("no variants yet: callq variant add NAME --script '…'")
    for row in rows:
        state = "" if row["active"] else " (retired)"
        print(f"{row['name']:<16} {row['leads']:>6} leads {row['touches']:>7} touches{state}")
        if row["script"]:
            print(wrap(row["script"], "    "))
    return 0


def cmd_edit(ctx) -> int:
    args = ctx.args
    ctx.open()
    variant = edit_variant(
        args.name,
        script=KEEP if args.script is None else args.script,
        active=KEEP if args.active is None else args.active,
    )
    if args.json:
        ctx.emit_json(variant_as_dict(variant))
    else:
        print(f"updated variant {variant.name!r}" + ("" if variant.active else " (retired)"))
    return 0


def cmd_next(ctx) -> int:
    ctx.open()
    lead = get_lead(ctx.args.lead)
    variant = next_variant(lead)
    if ctx.args.json:
        ctx.emit_json(
            {
                "lead": lead.id,
                "variant": None if variant is None else variant_as_dict(variant),
                "assigned": lead.variant,
            }
        )
        return 0
    if variant is None:
        print("no variants in rotation")
    else:
        kept = " (its own)" if lead.variant and lead.variant == variant.name else ""
        print(f"#{lead.id} {lead.name}: variant {variant.name}{kept}")
        if variant.script:
            print(wrap(variant.script, "    "))
    return 0
