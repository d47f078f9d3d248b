"""The `clerk` sub-commands, one module per topic, each with ``register(subparsers)``."""
