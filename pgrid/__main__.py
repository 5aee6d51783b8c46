"""Command line: ``python -m pgrid <command>``.

    python -m pgrid cache            # what the sweep cache holds, and where
    python -m pgrid cache --clear    # delete every cached sweep

(``python -m pgrid.sweeps`` would run the module a second time after the package imported
it, which Python warns about; this entry point avoids that.)
"""

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pgrid", description="pgrid's command line")
    sub = parser.add_subparsers(dest="command", required=True)
    cache = sub.add_parser("cache", help="the sweep cache ($PGRID_CACHE_DIR or ~/.cache/pgrid)")
    cache.add_argument("--clear", action="store_true", help="delete every cached sweep")
    args = parser.parse_args(argv)
    if args.command == "cache":
        from .sweeps import main as cache_main
        return cache_main(["--clear"] if args.clear else [])
    return 2      # pragma: no cover (argparse refuses unknown commands)


if __name__ == "__main__":
    sys.exit(main())
