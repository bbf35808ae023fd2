"""What a number pattern of the phone library allows, read from the pattern's own parse: how
many trailing characters are "any digit" (its free tail), how wide a match can be, and its
wildcard forms, which tell with a ``D`` for "some digit" whether some or every number of a
shape can match (:mod:`models.phone_templates` proves with them that the library's answer for
a shape does not depend on its last digits).

The stdlib's own regex parser reads each pattern once (cached); the wildcard forms are built
from that parse and compiled from it, not written out as text and parsed again.
"""

from __future__ import annotations

import functools
import re
from re import _compiler as re_compiler  # compiles a parsed pattern: no second parse
from re import _constants as sre_constants  # the stdlib's own regex parser, to read patterns
from re import _parser as sre_parser


# Compiled once per pattern (countries share the default region's patterns, and each free-tail
# width asks again); a pattern's every-digit form only when some digits match, which is rare.
@functools.lru_cache(maxsize=1024)
def some_digit(pattern: str):
    """``pattern`` with a wildcard ``D`` wherever some digit would do, compiled."""
    wild = wild_tree(pattern, False)
    return None if wild is None else re_compiler.compile(wild)


@functools.lru_cache(maxsize=1024)
def every_digit(pattern: str):
    """``pattern`` with a wildcard ``D`` only where every digit would do, compiled."""
    wild = wild_tree(pattern, True)
    return None if wild is None else re_compiler.compile(wild)


def wild_tree(pattern: str, every: bool):
    """``pattern``'s parse with a wildcard ``D`` added to each class that accepts every digit
    (``every``) or any digit at all; ``None`` for constructs a wildcard would slip through (``.``,
    ``[^…]``, classes such as ``\\w``) or a pattern that does not parse."""
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    data = _wild_items(parsed.data, every)
    return None if data is None else sre_parser.SubPattern(parsed.state, data)


_D = ord("D")
_DIGIT_CODES = range(ord("0"), ord("9") + 1)


def _wild_items(items, every: bool) -> list | None:
    out = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            if av in _DIGIT_CODES and not every:
                out.append((sre_constants.IN, [(op, av), (sre_constants.LITERAL, _D)]))
            else:
                out.append((op, av))
        elif op is sre_constants.IN:
            accepts = _class_digits(av)
            if accepts is None:
                return None
            wild = accepts == 10 or (accepts and not every)
            out.append((op, [*av, (sre_constants.LITERAL, _D)] if wild else list(av)))
        elif op in _REPEATS:
            low, high, sub = av
            inner = _wild_sub(sub, every)
            if inner is None:
                return None
            out.append((op, (low, high, inner)))
        elif op is sre_constants.SUBPATTERN:
            group, add_flags, del_flags, sub = av
            inner = _wild_sub(sub, every)
            if inner is None:
                return None
            out.append((op, (group, add_flags, del_flags, inner)))
        elif op is sre_constants.BRANCH:
            branches = [_wild_sub(sub, every) for sub in av[1]]
            if any(branch is None for branch in branches):
                return None
            out.append((op, (av[0], branches)))
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            inner = _wild_sub(av[1], every)
            if inner is None:
                return None
            out.append((op, (av[0], inner)))
        elif op is sre_constants.AT:
            out.append((op, av))
        else:
            return None  # ".", "[^x]", back-references…: not read
    return out


def _wild_sub(sub, every: bool):
    data = _wild_items(sub.data, every)
    return None if data is None else sre_parser.SubPattern(sub.state, data)


def _class_digits(items) -> int | None:
    """How many of the ten digits the class accepts; ``None`` when it holds what is not read
    (a negation, a category other than ``\\d``)."""
    accepted: set[int] = set()
    for op, av in items:
        if op is sre_constants.LITERAL:
            accepted.add(av)
        elif op is sre_constants.RANGE:
            accepted.update(range(av[0], av[1] + 1))
        elif op is sre_constants.CATEGORY and av is sre_constants.CATEGORY_DIGIT:
            return 10
        else:
            return None
    return len(accepted & set(_DIGIT_CODES))


@functools.lru_cache(maxsize=4096)
def max_width(pattern: str) -> int:
    """The most characters a match of ``pattern`` can span (a huge number when unbounded)."""
    parsed = _parsed(pattern)
    return UNBOUNDED if parsed is None else parsed.getwidth()[1]


@functools.lru_cache(maxsize=8192)
def free_tail(pattern: str) -> int:
    """How many trailing characters of every full match of ``pattern`` are "any digit"."""
    parsed = _parsed(pattern)
    return 0 if parsed is None else _sequence_tail(parsed.data)[0]


@functools.lru_cache(maxsize=8192)
def _parsed(pattern: str):
    """``pattern`` parsed by the stdlib's own parser (once: the free tail, the widths and the
    wildcard forms are all read from it), or ``None`` when it does not parse."""
    try:
        return sre_parser.parse(pattern)
    except re.error:
        return None


UNBOUNDED = 1 << 30
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
if hasattr(sre_constants, "POSSESSIVE_REPEAT"):
    _REPEATS.add(sre_constants.POSSESSIVE_REPEAT)


def _sequence_tail(items) -> tuple[int, bool, bool]:
    """(free tail width, whether the sequence is made only of any-digit items, whether its
    length is fixed). For an any-digit sequence the free tail is its shortest length."""
    tail, fixed = 0, True
    for op, av in reversed(items):
        width, any_digit, item_fixed = _item_tail(op, av)
        if any_digit:
            tail += width
            fixed = fixed and item_fixed
            continue
        # A fixed run of any-digits after this item: its own free tail extends the run.
        return (tail + width if fixed else tail), False, False
    return tail, True, fixed


def _item_tail(op, av) -> tuple[int, bool, bool]:
    if op is sre_constants.IN:
        return (1, True, True) if _class_digits(av) == 10 else (0, False, False)
    if op in _REPEATS:
        low, high, sub = av
        width, any_digit, fixed = _sequence_tail(sub.data)
        if any_digit:
            return low * width, True, fixed and low == high
        return (width if low else 0), False, False
    if op is sre_constants.SUBPATTERN:
        return _sequence_tail(av[-1].data)
    if op is sre_constants.BRANCH:
        tails = [_sequence_tail(sub.data) for sub in av[1]]
        if all(any_digit for _, any_digit, _ in tails):
            widths = {width for width, _, _ in tails}
            fixed = all(f for _, _, f in tails) and len(widths) == 1
            return min(widths), True, fixed
        return min(width for width, _, _ in tails), False, False
    return 0, False, False  # literals, anchors, look-arounds: not free
