"""The `clerk` sub-commands, one module per topic, each with ``register(subparsers)``."""

import argparse

#: what ``register`` receives: the `clerk` parser's sub-commands
Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def print_help(parser: argparse.ArgumentParser) -> int:
    """A topic without its sub-command: its help, and the exit status of a usage error."""
    parser.print_help()
    return 2
