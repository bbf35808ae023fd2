"""Where the benchmark meets the code it measures that other issues build: the queue and
outcomes (issue 3) and CSV import (issue 7). Each accessor returns the real function, or raises
:class:`NotLanded` saying plainly what is missing — the harness never invents a number."""

from __future__ import annotations

import importlib

from .harness import NotLanded


def _module(module: str, issue: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            path = module.replace(".", "/") + ".py"
            raise NotLanded(f"{path} is not on main yet ({issue})") from None
        raise


def _function(module: str, name: str, issue: str):
    function = getattr(_module(module, issue), name, None)
    if function is None:
        raise NotLanded(f"{module} has no {name} yet ({issue})")
    return function


def queue():
    """``models.queue.build_queue``."""
    return _function("models.queue", "build_queue", "issue 3")


def queue_bench():
    """The queue's own benchmark functions (``tests/bench/queue_bench.py``, issue 3)."""
    queue()
    return _module("tests.bench.queue_bench", "issue 3")


def outcomes():
    """``models.outcomes.log_outcome``."""
    return _function("models.outcomes", "log_outcome", "issue 3")


def import_bench():
    """The import benchmark's own functions (``tests/bench/bench_import.py``, issue 7)."""
    importer()
    return _module("tests.bench.bench_import", "issue 7")


def importer():
    """The CSV importer of issue 7: ``models.importing.run_import`` (with ``plan_import``)."""
    _function("models.importing", "plan_import", "issue 7")
    return _function("models.importing", "run_import", "issue 7")
