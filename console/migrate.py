"""Apply the console database's migrations: ``python -m console.migrate`` (`make run` does)."""

from __future__ import annotations

import argparse

from console.db import create_schema, shown_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--url", default=None, help="database URL (default: CONSOLE_DB_URL or sqlite:///var/console.db)"
    )
    arguments = parser.parse_args(argv)
    create_schema(arguments.url)
    print(f"console database up to date: {shown_url(arguments.url)}")


if __name__ == "__main__":
    main()
