"""The ``callq`` command: global options, subcommands found in this package, exit codes.

Exit codes: 0 ok, 1 a user error (one line on stderr, nothing changed), 2 usage.
Each module here that defines ``register(subparsers)`` adds its subcommands.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import pkgutil
import sys

from models.errors import CallqError

from .context import Context

PROG = "callq"


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The ``callq`` parser; without ``commands`` only the global options (the workstation
    needs no subcommand, and importing every command's modules costs its start-up time)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A keyboard-driven call-queue workstation for prospecting. "
        "With no command, opens the workstation.",
        epilog="Exit codes: 0 ok, 1 user error, 2 usage. Each command has --help.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $CALLQ_DB, else callq.db in your data directory)",
    )
    parser.add_argument("--rep", metavar="NAME", help="work as this rep (default: your login)")
    parser.add_argument(
        "--now",
        metavar="ISO",
        help="a fixed clock, e.g. 2026-11-23T09:30Z (without an offset: your zone)",
    )
    parser.add_argument(
        "--no-mouse", action="store_true", help="workstation: ignore the mouse entirely"
    )
    parser.add_argument("--version", action=_VersionAction)
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``callq`` with ``argv``; returns the exit code."""
    args = parse_args(argv)
    ctx = Context(args)
    try:
        ctx.now  # noqa: B018 - a bad --now is reported before anything runs
        if args.command is None:
            from .workstation import run_workstation

            return run_workstation(ctx)
        return args.handler(ctx) or 0
    except CallqError as exc:
        message = f"{PROG}: {exc}"
        if sys.stderr.isatty() and "\n" not in message:  # wrapped between words, for a person
            from ._text import wrap

            message = wrap(message, "", "  ")
        print(message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        ctx.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Global options alone open the workstation without loading any command's modules."""
    argv = sys.argv[1:] if argv is None else argv
    if not any(arg in ("-h", "--help") for arg in argv):
        lean, rest = build_parser(commands=False).parse_known_args(argv)
        if not rest:
            return lean
    return build_parser().parse_args(argv)


class _VersionAction(argparse.Action):
    """``--version``: looks the installed version up only when asked (the lookup reads package
    metadata, ~30 ms that every start of the workstation would otherwise pay)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS):
        super().__init__(option_strings, dest=dest, default=default, nargs=0,
                         help="show the version and exit")  # fmt: skip

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {_version()}")
        parser.exit()


@functools.lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("callq")
    except PackageNotFoundError:
        return "dev"


def entry_point() -> None:
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``callq goals | head``): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
