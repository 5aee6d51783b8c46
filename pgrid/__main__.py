"""Command line: ``pgrid <command>`` (or ``python -m pgrid <command>``).

    pgrid figure --list              # the paper's figures and panels, their chapter and cost
    pgrid figure fig2a -o DIR        # recompute Fig. 2(a): DIR/fig2a.pdf, .svg and .nc (data, provenance)
    pgrid cache                      # what the sweep cache holds, and where
    pgrid cache --clear              # delete every cached sweep

(``python -m pgrid.sweeps`` would run the module a second time after the package imported
it, which Python warns about; this entry point avoids that.)
"""

import argparse
import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["figure"]:  # its own parser (pgrid.book.figures.main)
        from .book.figures import main as figure_main

        return figure_main(argv[1:])
    parser = argparse.ArgumentParser(prog="pgrid", description="pgrid's command line")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "figure",
        help="recompute a figure of the paper: PDF, SVG and its data as netCDF "
        "(pgrid figure --help)",
    )
    cache = sub.add_parser("cache", help="the sweep cache ($PGRID_CACHE_DIR or ~/.cache/pgrid)")
    cache.add_argument("--clear", action="store_true", help="delete every cached sweep")
    args = parser.parse_args(argv)
    if args.command == "cache":
        from .sweeps import main as cache_main

        return cache_main(["--clear"] if args.clear else [])
    return 2  # pragma: no cover (argparse refuses unknown commands)


if __name__ == "__main__":
    sys.exit(main())
