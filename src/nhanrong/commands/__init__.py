"""Command modules of the ``nhanrong`` CLI: each has ``register(subparsers)`` (see ``cli.COMMAND_MODULES``)."""
