"""The pipeline lead → prospect → customer (or lost): qualifying a lead and closing it.

A lead is qualified by five questions (yes / no / unknown), a likelihood of buying (0–100) and
the timing of the purchase. It becomes a prospect by itself when the promotion rule passes (by
default: all five are yes), or by the rep's explicit choice. A prospect becomes a customer with
a deal value, or is lost with a reason. Every status change is kept in the history.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from . import clock
from .catalog import STATUSES, check_choice
from .db import write_transaction
from .errors import CallqError, FieldError
from .leads import get_lead, iso, money
from .printable import one_line
from .schema import Lead, Rep, StatusChange
from .status import change_status

# Question key → (lead column, what the rep asks themself).
QUESTIONS = {
    "need": ("q_need", "Is there a want or need?"),
    "afford": ("q_afford", "Can they afford it?"),
    "authority": ("q_authority", "Do they have the authority to buy?"),
    "approachable": ("q_approachable", "Can they be approached favourably?"),
    "eligible": ("q_eligible", "Are they eligible to buy?"),
}

ANSWERS = {
    "yes": "yes",
    "y": "yes",
    "no": "no",
    "n": "no",
    "unknown": "unknown",
    "u": "unknown",
    "?": "unknown",
}

KEEP: Any = object()  # leave this field as it is
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
MAX_VALUE = Decimal("999999999999.99")
MAX_TIMING = 80


@dataclass(frozen=True)
class PromotionRule:
    """When a lead becomes a prospect by itself: these questions yes, likelihood at least this.

    No required questions means promotion only by explicit choice.
    """

    required: tuple[str, ...] = tuple(QUESTIONS)
    min_likelihood: int = 0

    @classmethod
    def from_settings(cls, settings, *, where: str = "settings") -> PromotionRule:
        """The rule the settings describe (``qualify_required``, ``qualify_min_likelihood``);
        a bad entry is a :class:`CallqError` naming ``where`` (the settings file)."""
        required = []
        for name in settings.qualify_required:
            key = str(name).strip().lower()
            if key not in QUESTIONS:
                raise CallqError(
                    f"{where}: qualify_required: unknown question {name!r};"
                    f" choose from: {', '.join(QUESTIONS)}"
                )
            required.append(key)
        floor = settings.qualify_min_likelihood
        if not 0 <= floor <= 100:
            raise CallqError(f"{where}: qualify_min_likelihood: {floor} is not between 0 and 100")
        return cls(tuple(required), floor)

    def unmet(self, lead: Lead) -> list[str]:
        """What keeps ``lead`` from promotion under this rule (empty: it passes)."""
        if not self.required:
            return ["promotion is by choice only (qualify_required is empty)"]
        unmet = [
            f"{key}: {getattr(lead, QUESTIONS[key][0])}"
            for key in self.required
            if getattr(lead, QUESTIONS[key][0]) != "yes"
        ]
        if self.min_likelihood and (lead.likelihood or 0) < self.min_likelihood:
            unmet.append(f"likelihood: {lead.likelihood} < {self.min_likelihood}")
        return unmet


@dataclass
class Qualification:
    """A lead's checklist after :func:`qualify`, and the status change it caused (if any)."""

    lead: Lead
    unmet: list[str]
    change: StatusChange | None = None

    @property
    def passes(self) -> bool:
        return not self.unmet

    def as_dict(self) -> dict:
        return {
            "lead": self.lead.id,
            "status": self.lead.status,
            "answers": answers_of(self.lead),
            "likelihood": self.lead.likelihood,
            "timing": self.lead.purchase_timing,
            "passes": self.passes,
            "unmet": self.unmet,
            "change": change_as_dict(self.change),
        }


@dataclass
class StatusMove:
    """The result of :func:`set_status`: the lead, the change recorded, and what callq suggests."""

    lead: Lead
    change: StatusChange | None
    updated: list[str] = field(default_factory=list)  # fields changed without a status change
    ask_referral: bool = False  # a new customer: ask them for a referral

    def as_dict(self) -> dict:
        return {
            "lead": self.lead.id,
            "status": self.lead.status,
            "deal_value": money(self.lead.deal_value),
            "lost_reason": self.lead.lost_reason,
            "change": change_as_dict(self.change),
            "updated": self.updated,
            "ask_referral": self.ask_referral,
        }


def answers_of(lead: Lead) -> dict[str, str]:
    """The five answers of ``lead``, keyed by question."""
    return {key: getattr(lead, column) for key, (column, _) in QUESTIONS.items()}


def parse_answer(question: str, value: str) -> str:
    """``yes``/``no``/``unknown`` (or y, n, ?) as stored; a clear error naming the question."""
    answer = ANSWERS.get(str(value).strip().lower())
    if answer is None:
        raise FieldError(question, f"{value!r} is not an answer; use yes, no or unknown")
    return answer


def parse_likelihood(value: Any) -> int | None:
    """A likelihood of buying, a whole number 0–100 (``None`` or empty: not known)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "?")):
        return None
    try:
        number = int(str(value).strip().rstrip("%"))
    except ValueError:
        raise FieldError("likelihood", f"{value!r} is not a whole number (0 to 100)") from None
    if not 0 <= number <= 100:
        raise FieldError("likelihood", f"{number} is out of range (0 to 100)")
    return number


def parse_value(value: Any) -> Decimal:
    """A deal value: a non-negative amount with at most two decimals (``12000``, ``12,000.50``)."""
    text = str(value).strip().replace("_", "")
    if THOUSANDS.match(text):
        text = text.replace(",", "")  # 12,000 or 1,250,000.50
    elif "," in text:
        raise FieldError("value", f"{value!r}: write amounts like 12000.50 or 12,000.50")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError("value", f"{value!r} is not an amount (e.g. 12000 or 12000.50)") from None
    if not amount.is_finite() or amount < 0:
        raise FieldError("value", f"{value!r} is not an amount of zero or more")
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError("value", f"{value!r} has more than two decimals")
    if amount > MAX_VALUE:
        raise FieldError("value", f"{value!r} is too large")
    return amount.quantize(Decimal("0.01"))


def qualify(
    lead_id: int,
    answers: Mapping[str, str] | None = None,
    *,
    likelihood: Any = KEEP,
    timing: Any = KEEP,
    promote: bool | None = None,
    rule: PromotionRule | None = None,
    rep: Rep | None = None,
    now=None,
) -> Qualification:
    """Record answers (question → yes/no/unknown), likelihood and timing; promote by the rule.

    ``promote=True`` makes the lead a prospect whatever the answers (the rep's choice);
    ``promote=False`` keeps it a lead even when the rule passes. Nothing is saved if any value
    is bad. Only a lead is promoted by the rule; a prospect whose answers turn is not demoted
    (its ``unmet`` list says why it no longer passes).
    """
    now = clock.resolve(now)
    rule = rule or PromotionRule()
    changes: dict[str, Any] = {}
    for question, value in (answers or {}).items():
        key = str(question).strip().lower()
        if key not in QUESTIONS:
            raise FieldError(question, f"not a question; choose from: {', '.join(QUESTIONS)}")
        changes[QUESTIONS[key][0]] = parse_answer(key, value)
    if likelihood is not KEEP:
        changes["likelihood"] = parse_likelihood(likelihood)
    if timing is not KEEP:
        text = one_line(timing or "", "timing")
        if len(text) > MAX_TIMING:
            raise FieldError("timing", f"at most {MAX_TIMING} characters")
        changes["purchase_timing"] = text or None
    with write_transaction():
        lead = get_lead(lead_id)
        if changes:
            for column, value in changes.items():
                setattr(lead, column, value)
            lead.updated_at = now
            Lead.update(**changes, updated_at=now).where(Lead.id == lead.id).execute()
        unmet = rule.unmet(lead)
        change = None
        if promote is True and lead.status != "prospect":
            if lead.status not in ("lead", "lost"):
                raise CallqError(
                    f"lead {lead.id} is {lead.status}; move it with"
                    f" `callq status {lead.id} prospect` if that is what you mean"
                )
            why = "promoted by choice" + (f" ({'; '.join(unmet)})" if unmet else "")
            change = change_status(lead, "prospect", reason=why, rep=rep, now=now)
        elif promote is None and lead.status == "lead" and not unmet:
            asked = "all five" if set(rule.required) == set(QUESTIONS) else ", ".join(rule.required)
            why = f"qualified: {asked} yes"
            if rule.min_likelihood:
                why += f", likelihood {lead.likelihood}"
            change = change_status(lead, "prospect", reason=why, rep=rep, now=now)
    return Qualification(lead, unmet, change)


def checklist(lead: Lead, rule: PromotionRule | None = None) -> Qualification:
    """The lead's qualification as it stands, without changing anything."""
    return Qualification(lead, (rule or PromotionRule()).unmet(lead))


def set_status(
    lead_id: int,
    to_status: str,
    *,
    value: Any = None,
    reason: str = "",
    rep: Rep | None = None,
    now=None,
) -> StatusMove:
    """Move a lead along the pipeline and record it in the history.

    A customer needs a deal value (once; a later value replaces it), ``lost`` needs a reason,
    and leaving ``do_not_contact`` needs a reason too (the prospect asked not to be called).
    A new customer comes back with ``ask_referral``: the moment to ask for one.
    """
    now = clock.resolve(now)
    to_status = check_choice(to_status, STATUSES, "status")
    reason = (reason or "").strip()
    amount = parse_value(value) if value is not None and str(value).strip() != "" else None
    if amount is not None and to_status != "customer":
        raise FieldError("value", "a deal value goes with status customer")
    if to_status == "lost" and not reason:
        raise FieldError("reason", "say why the lead was lost (--reason)")
    with write_transaction():
        lead = get_lead(lead_id)
        if to_status == "customer" and amount is None and lead.deal_value is None:
            raise FieldError("value", "a new customer needs a deal value (--value)")
        if lead.status == "do_not_contact" and to_status != lead.status and not reason:
            raise FieldError(
                "reason", f"lead {lead.id} asked not to be contacted; give a reason to move it"
            )
        was = lead.status
        change = change_status(lead, to_status, reason=reason, rep=rep, now=now)
        updates: dict[str, Any] = {}
        if amount is not None and amount != lead.deal_value:
            updates["deal_value"] = amount
        if change is None and to_status == "lost" and reason != lead.lost_reason:
            updates["lost_reason"] = reason  # a better reason for a lead already lost
        if updates:
            for column, new in updates.items():
                setattr(lead, column, new)
            lead.updated_at = now
            Lead.update(**updates, updated_at=now).where(Lead.id == lead.id).execute()
    ask = change is not None and to_status == "customer" and was != "customer"
    return StatusMove(lead, change, sorted(updates), ask_referral=ask)


def change_as_dict(change: StatusChange | None) -> dict | None:
    """A status change as plain data."""
    if change is None:
        return None
    return {
        "from": change.from_status,
        "to": change.to_status,
        "reason": change.reason,
        "rep": change.rep.name if change.rep_id else None,
        "at": iso(change.changed_at),
    }
