"""Tell whether the PostgreSQL server at a URL accepts a connection within 3 seconds.

Usage: python scripts/postgres_reachable.py postgres://user@host:5432/dbname

It connects to the ``postgres`` maintenance database, as Django does to create the test
database ``test_<dbname>``: the database named in the URL need not exist.
Prints ``host:port`` and exits 0 when the server answers; prints the reason and exits 1 when
not. The URL itself is never printed, so a password in it stays out of the logs.
"""

from __future__ import annotations

import sys

import psycopg


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: postgres_reachable.py DATABASE_URL")
        return 2
    try:
        with psycopg.connect(argv[1], dbname="postgres", connect_timeout=3) as connection:
            connection.execute("SELECT 1")
            print(f"{connection.info.host}:{connection.info.port}")
    except psycopg.Error as exc:
        lines = str(exc).strip().splitlines()
        print(lines[0] if lines else type(exc).__name__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
