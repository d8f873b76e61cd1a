"""The ``replicators`` command line.

Subcommands live in ``COMMANDS``: each is a function that adds its
arguments to a subparser and returns the function that runs it, so that
``run``, ``sweep`` and ``report`` can be added beside ``demo``.

Examples
--------
>>> from replicators.cli import build_parser
>>> build_parser().parse_args(["demo", "--egt", "--runs", "100"]).runs
100
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

__all__ = ["COMMANDS", "build_parser", "main"]

Runner = Callable[[argparse.Namespace], int]


def _demo(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument(
        "--out", default="reports/demo", help="folder for tables and charts (default reports/demo)"
    )
    parser.add_argument(
        "--egt",
        action="store_true",
        help="the classic evolutionary dynamics demo (currently the only demo)",
    )
    parser.add_argument("--runs", type=int, default=20_000, help="Monte Carlo runs per estimate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threads", type=int, default=None, help="worker threads (default: all cores)"
    )
    parser.add_argument("--no-charts", action="store_true", help="skip the altair charts")

    def run(args: argparse.Namespace) -> int:
        from .egt.demo import egt_demo

        egt_demo(
            args.out,
            runs=args.runs,
            seed=args.seed,
            threads=args.threads,
            charts=not args.no_charts,
        )
        return 0

    return run


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], Runner]]] = {
    "demo": ("run a short demonstration and write a report", _demo),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of ``COMMANDS``."""
    parser = argparse.ArgumentParser(
        prog="replicators", description="Evolving populations of policies."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, add) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=add(p))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``replicators`` console script."""
    from .errors import ReplicatorsError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ReplicatorsError as e:
        print(f"replicators: {e}")
        return 2
    except KeyboardInterrupt:
        print("replicators: interrupted")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
