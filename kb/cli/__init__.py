"""The `kb` command line: each command parses, makes one library call, renders.

`kb.cli.app` holds the group and what commands share; one module per area registers its
commands on it."""
from kb.cli import admin, analysis, briefings, library, search  # noqa: F401  (they register the commands)
from kb.cli.app import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
