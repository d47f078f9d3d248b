"""The `clerk` sub-commands, one module per topic, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    #: what ``register`` receives: the `clerk` parser's sub-commands
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def print_help(parser: argparse.ArgumentParser) -> int:
    """A topic without its sub-command: its help, and the exit status of a usage error."""
    parser.print_help()
    return 2
