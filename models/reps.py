"""Who is working: on a shared box the operating-system user, unless ``--rep`` says otherwise."""

from __future__ import annotations

import getpass

import pendulum

from . import clock
from .printable import one_line
from .schema import Rep


def os_user() -> str:
    """The operating-system user running callq."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "rep"


def current_rep(name: str | None = None, *, now=None) -> Rep:
    """The rep called ``name`` (default: the OS user), created on first use."""
    name = one_line(name or "", "rep") or os_user()
    rep = Rep.get_or_none(Rep.name == name)
    if rep is None:
        rep, _ = Rep.get_or_create(name=name, defaults={"created_at": clock.resolve(now)})
    return rep


def rep_zone(rep: Rep | None, default: str | None = None) -> str:
    """The rep's IANA zone: their own, else the settings' default, else the system's."""
    if rep is not None and rep.zone:
        return rep.zone
    if default:
        return default
    return pendulum.local_timezone().name
