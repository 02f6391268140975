"""Sub-commands of ``console``: each module has ``register(subparsers, common)``.

A module's handler takes the parsed arguments and returns the exit code. They call the same
services as the windows do.
"""

#: Modules under console.commands, in the order ``console --help`` lists them.
COMMAND_MODULES = [
    "db",
    "demo_data",
    "search",
    "account",
    "import_payments",
    "staff",
    "print_document",
    "import_readings",
    "close_period",
    "mail",
]
