"""``callq benefit add|list|edit|remove|use``: the benefit-statement library."""

from __future__ import annotations

from models.benefits import (
    KEEP,
    add_benefit,
    benefit_as_dict,
    benefit_choices,
    edit_benefit,
    filter_benefits,
    retire_benefit,
    use_benefit,
)
from models.catalog import INDUSTRIES
from models.leads import get_lead
from models.notes import note_as_dict

from ._text import wrap

INDUSTRY_HELP = f"one of: {', '.join(INDUSTRIES)}; 'any' (the default) fits every lead"


def register(sub) -> None:
    ben = sub.add_parser("benefit", help="the benefit-statement library (per industry/product)")
    verbs = ben.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="add a statement to the library")
    add.add_argument("text", help="the benefit statement, in the prospect's words")
    add.add_argument("--industry", help=INDUSTRY_HELP)
    add.add_argument("--product", help="the product it is about (default: any)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    ls = verbs.add_parser("list", help="list statements, best fit first")
    ls.add_argument("--industry", help="only those that fit this industry (its own and 'any')")
    ls.add_argument("--product", help="only those that fit this product (its own and 'any')")
    ls.add_argument("--lead", type=int, metavar="ID", help="only those that fit this lead")
    ls.add_argument("--search", metavar="TEXT", default="", help="only those holding every word")
    ls.add_argument("--all", action="store_true", help="include removed statements")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    edit = verbs.add_parser("edit", help="change a statement")
    edit.add_argument("id", type=int)
    edit.add_argument("--text")
    edit.add_argument("--industry", help=INDUSTRY_HELP)
    edit.add_argument("--product", help="the product ('' for any)")
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(handler=cmd_edit)

    rm = verbs.add_parser("remove", help="take a statement out of the library (history kept)")
    rm.add_argument("id", type=int)
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(handler=cmd_remove)

    use = verbs.add_parser("use", help="insert a statement into a lead's benefit notes")
    use.add_argument("id", type=int, help="the statement's id")
    use.add_argument("--lead", type=int, metavar="ID", required=True, help="the lead")
    use.add_argument("--json", action="store_true")
    use.set_defaults(handler=cmd_use)


def _print(statement, uses: int | None = None) -> None:
    scope = statement.industry or "any industry"
    if statement.product:
        scope += f", {statement.product}"
    if uses:
        scope += f", used {uses}×"
    if statement.retired:
        scope += ", removed"
    scope = scope.replace(" ", "\u00a0")  # the bracket wraps as one piece
    print(wrap(f"{statement.body}  [{scope}]", f"{statement.id:>4}  "))


def cmd_add(ctx) -> int:
    args = ctx.args
    ctx.open()
    statement = add_benefit(
        args.text, industry=args.industry, product=args.product, author=ctx.rep, now=ctx.now
    )
    if args.json:
        ctx.emit_json(benefit_as_dict(statement, uses=0))
    else:
        print(f"added benefit statement {statement.id}")
    return 0


def cmd_list(ctx) -> int:
    args = ctx.args
    ctx.open()
    industry = args.industry
    if args.lead is not None:
        industry = get_lead(args.lead).industry
    choices = filter_benefits(
        benefit_choices(industry, args.product, include_retired=args.all), args.search
    )
    if args.json:
        ctx.emit_json([benefit_as_dict(c.statement, uses=c.uses) for c in choices])
        return 0
    for choice in choices:
        _print(choice.statement, choice.uses)
    if not choices:
        print("no benefit statements" + (" match" if args.search else " yet"))
    return 0


def cmd_edit(ctx) -> int:
    args = ctx.args
    ctx.open()
    statement = edit_benefit(
        args.id,
        text=KEEP if args.text is None else args.text,
        industry=KEEP if args.industry is None else args.industry,
        product=KEEP if args.product is None else args.product,
        now=ctx.now,
    )
    if args.json:
        ctx.emit_json(benefit_as_dict(statement))
    else:
        print(f"updated benefit statement {statement.id}")
    return 0


def cmd_remove(ctx) -> int:
    ctx.open()
    statement = retire_benefit(ctx.args.id, now=ctx.now)
    if ctx.args.json:
        ctx.emit_json(benefit_as_dict(statement))
    else:
        print(f"removed benefit statement {statement.id} from the library")
    return 0


def cmd_use(ctx) -> int:
    args = ctx.args
    ctx.open()
    note, new = use_benefit(args.lead, args.id, author=ctx.rep, now=ctx.now)
    if args.json:
        ctx.emit_json({**note_as_dict(note), "benefit": args.id, "added": new})
    elif new:
        print(f"added benefit note {note.id} to lead {note.lead_id}")
    else:
        print(f"lead {note.lead_id} already has this statement (note {note.id})")
    return 0
