"""`python -m taskai.contracts [DIR] [--check]`: write (or check) the event data JSON Schemas."""

from __future__ import annotations

import argparse
import sys

from taskai.contracts.schemas import export_schemas, stale_schemas


def main(argv: list[str] | None = None) -> int:
    """Write the schema files into DIRECTORY (default events/schemas), or with --check list the
    stale ones; returns the exit status (1 when a file is stale)."""
    parser = argparse.ArgumentParser(prog="python -m taskai.contracts", description=__doc__)
    parser.add_argument(
        "directory",
        nargs="?",
        default="events/schemas",
        help="where the schema files live (default: events/schemas)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail when a file differs from the models",
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_schemas(args.directory)
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if stale else 0
    for path in export_schemas(args.directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
