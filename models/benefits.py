"""The benefit-statement library: statements kept per industry and/or product.

While on a lead, the rep picks one (type to filter: :func:`filter_benefits` over
:func:`benefit_choices`, or :func:`search_benefits` in one call) and :func:`use_benefit` inserts
it into the lead's benefit notes; the touch then records which statement was used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import peewee

from . import clock
from .catalog import INDUSTRIES, check_choice
from .db import write_transaction
from .errors import FieldError, NotFound
from .leads import get_lead, iso
from .printable import one_line
from .schema import BenefitStatement, Note, Rep, Touch

KEEP: Any = object()  # leave this field as it is
MAX_BODY = 500
MAX_PRODUCT = 80
ANY_INDUSTRY = ("", "any", "all", "none")


@dataclass(frozen=True)
class Choice:
    """A statement as the picker shows it, with the text it is filtered on."""

    statement: BenefitStatement
    uses: int
    haystack: str


def _clean_body(text: str) -> str:
    body = one_line(" ".join(str(text or "").split()), "text")
    if not body:
        raise FieldError("text", "the benefit statement is empty")
    if len(body) > MAX_BODY:
        raise FieldError("text", f"{len(body)} characters; a benefit statement fits in {MAX_BODY}")
    return body


def _clean_industry(value: str | None) -> str | None:
    if value is None or str(value).strip().lower() in ANY_INDUSTRY:
        return None
    return check_choice(value, INDUSTRIES, "industry")


def _clean_product(value: str | None) -> str:
    product = one_line(" ".join(str(value or "").split()), "product")
    if len(product) > MAX_PRODUCT:
        raise FieldError("product", f"at most {MAX_PRODUCT} characters")
    return product


def add_benefit(
    text: str,
    *,
    industry: str | None = None,
    product: str | None = None,
    author: Rep | None = None,
    now=None,
) -> BenefitStatement:
    """Add a statement to the library (``industry`` None: fits any industry)."""
    now = clock.resolve(now)
    body, where, product = _clean_body(text), _clean_industry(industry), _clean_product(product)
    with write_transaction():
        _refuse_duplicate(body, where, product)
        return BenefitStatement.create(
            body=body,
            industry=where,
            product=product,
            author=author,
            created_at=now,
            updated_at=now,
        )


def _refuse_duplicate(body: str, industry: str | None, product: str, skip: int | None = None):
    query = BenefitStatement.select().where(
        (peewee.fn.LOWER(BenefitStatement.body) == body.lower())
        & (BenefitStatement.product == product)
        & (BenefitStatement.retired == False)  # noqa: E712
    )
    query = query.where(
        BenefitStatement.industry.is_null()
        if industry is None
        else BenefitStatement.industry == industry
    )
    if skip is not None:
        query = query.where(BenefitStatement.id != skip)
    twin = query.first()
    if twin is not None:
        raise FieldError("text", f"already in the library as statement {twin.id}")


def get_benefit(benefit_id: int) -> BenefitStatement:
    """The statement with this id, or :class:`NotFound`."""
    statement = BenefitStatement.get_or_none(BenefitStatement.id == benefit_id)
    if statement is None:
        raise NotFound(f"no benefit statement with id {benefit_id}")
    return statement


def edit_benefit(
    benefit_id: int, *, text: Any = KEEP, industry: Any = KEEP, product: Any = KEEP, now=None
) -> BenefitStatement:
    """Change a statement's text, industry or product; all or nothing."""
    now = clock.resolve(now)
    changes: dict[str, Any] = {}
    if text is not KEEP:
        changes["body"] = _clean_body(text)
    if industry is not KEEP:
        changes["industry"] = _clean_industry(industry)
    if product is not KEEP:
        changes["product"] = _clean_product(product)
    with write_transaction():
        statement = get_benefit(benefit_id)
        for column, value in changes.items():
            setattr(statement, column, value)
        _refuse_duplicate(statement.body, statement.industry, statement.product, statement.id)
        statement.updated_at = now
        statement.save()
    return statement


def retire_benefit(benefit_id: int, *, now=None) -> BenefitStatement:
    """Take a statement out of the picker; touches that used it keep the link."""
    now = clock.resolve(now)
    with write_transaction():
        statement = get_benefit(benefit_id)
        statement.retired, statement.updated_at = True, now
        statement.save()
    return statement


def benefit_choices(
    industry: str | None = None, product: str | None = None, *, include_retired: bool = False
) -> list[Choice]:
    """The statements that fit a lead in ``industry`` (and ``product``), best first.

    With an industry: its own statements, then those for any industry; other industries' are
    left out. Within that, the most used first, then the newest. Load once per lead, then
    filter per keystroke with :func:`filter_benefits`.
    """
    query = BenefitStatement.select()
    if not include_retired:
        query = query.where(BenefitStatement.retired == False)  # noqa: E712
    where = _clean_industry(industry)
    if where is not None:
        query = query.where(
            (BenefitStatement.industry == where) | BenefitStatement.industry.is_null()
        )
    wanted = _clean_product(product)
    if wanted:
        query = query.where(
            (peewee.fn.LOWER(BenefitStatement.product) == wanted.lower())
            | (BenefitStatement.product == "")
        )
    statements = list(query)
    uses = _use_counts([s.id for s in statements])

    def rank(s: BenefitStatement):
        return (
            where is not None and s.industry != where,
            bool(wanted) and not s.product,
            -uses.get(s.id, 0),
            -s.updated_at.timestamp(),
            s.id,
        )

    return [
        Choice(s, uses.get(s.id, 0), _fold(f"{s.body} {s.product} {s.industry or ''}"))
        for s in sorted(statements, key=rank)
    ]


def _use_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = (
        Touch.select(Touch.benefit, peewee.fn.COUNT(Touch.id))
        .where(Touch.benefit.in_(ids))
        .group_by(Touch.benefit)
        .tuples()
    )
    return dict(rows)


def filter_benefits(choices: Iterable[Choice], text: str) -> list[Choice]:
    """The choices whose text holds every word typed (any case, accents optional), in order."""
    words = _fold(text).split()
    return [choice for choice in choices if all(word in choice.haystack for word in words)]


def search_benefits(
    text: str = "", industry: str | None = None, product: str | None = None
) -> list[BenefitStatement]:
    """The picker in one call: statements fitting ``industry``/``product`` that match ``text``."""
    return [c.statement for c in filter_benefits(benefit_choices(industry, product), text)]


def _fold(text: str) -> str:
    """Lower case without accents, so 'cafe' finds 'Café'."""
    plain = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


def use_benefit(
    lead_id: int, benefit_id: int, *, author: Rep | None = None, now=None
) -> tuple[Note, bool]:
    """Insert a library statement into the lead's benefit notes; returns the note and whether
    it is new (the same statement already on the lead is not added twice)."""
    now = clock.resolve(now)
    with write_transaction():
        lead = get_lead(lead_id)
        statement = check_benefit(benefit_id)
        same = (
            Note.select()
            .where(
                (Note.lead == lead)
                & (Note.kind == "benefit")
                & (Note.is_draft == False)  # noqa: E712
                & (Note.body == statement.body)
            )
            .first()
        )
        if same is not None:
            return same, False
        note = Note.create(
            lead=lead,
            kind="benefit",
            body=statement.body,
            author=author,
            created_at=now,
            updated_at=now,
        )
        return note, True


def check_benefit(benefit_id: int | None) -> BenefitStatement | None:
    """The statement a touch may record as used: it exists and is still in the library."""
    if benefit_id is None:
        return None
    statement = BenefitStatement.get_or_none(BenefitStatement.id == benefit_id)
    if statement is None:
        raise FieldError("benefit", f"no benefit statement with id {benefit_id}")
    if statement.retired:
        raise FieldError("benefit", f"statement {benefit_id} was removed from the library")
    return statement


def benefit_as_dict(statement: BenefitStatement, uses: int | None = None) -> dict:
    data = {
        "id": statement.id,
        "text": statement.body,
        "industry": statement.industry,
        "product": statement.product or None,
        "retired": statement.retired,
        "author": statement.author.name if statement.author_id else None,
        "created_at": iso(statement.created_at),
        "updated_at": iso(statement.updated_at),
    }
    if uses is not None:
        data["uses"] = uses
    return data
