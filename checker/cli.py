"""The `checker` command line: the product's contract (README, "Usage by example").

Heavy libraries (spaCy, quantulum3, pandas, Textual) are imported inside the
command that needs them, so `checker --help` stays instant. A user error is
one line on stderr and exit code 2; a failed check is exit code 1.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import UserError

EPILOG = """\
examples:
  checker scan seeds/ --report reports/seeds.csv   extract, compare, write the CSV
  checker claims seeds/002_58061bc989f93f95.txt     the figures one article states
  echo "Prices rose 5% to \\$6." | checker quantities --jsonl
  checker flags --status open --format csv          what still needs a reviewer
  checker review                                    triage flags in the terminal
  checker check new-article.txt --fail-on medium    the pre-commit check
  checker bench seeds/ --json                       words per second and memory

exit codes: 0 success, 1 check failed, 2 bad usage or unreadable input.
configuration: [tool.checker] in pyproject.toml, or checker.toml (see README).
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.exit(2, f"checker: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="checker",
        description="Find where news sources disagree about the figures they report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"checker {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=description or help,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    s = cmd("scan", "read sources, extract claims, compare them, store the flags",
            "Read sources (files, folders, globs; none: the configured sources), extract their\n"
            "claims (re-using the cache for unchanged files), compare them with the rule packs\n"
            "and store the flags. Prints a summary table.")
    s.add_argument("paths", nargs="*", metavar="PATH", help="files, folders or globs (default: configured sources)")
    s.add_argument("--report", metavar="FILE", help="also write the CSV discrepancy report to FILE")
    s.add_argument("--jobs", type=int, default=1, metavar="N", help="extract with N processes (default 1)")
    s.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where extraction runs: local processes, or a Dask cluster (default local)")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --executor dask: the scheduler to use, e.g. tcp://10.0.0.5:8786 "
                        "(default: a local cluster of --jobs workers)")
    s.add_argument("--format", choices=["table", "json"], default="table", help="summary format")

    c = cmd("claims", "show the claims found in sources")
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--format", choices=["table", "json"], default="table")

    q = cmd("quantities", "extract quantities from one text per stdin line",
            'Reads one text per line on stdin and writes one JSON object per line:\n'
            '{"quantities": [{"value": 12 | [35, 40], "unit": "...", "change": "=|~|>|<|up|down",\n'
            '"concept": "..."}]}. A line that is a JSON object with a "text" key is read as that text.')
    q.add_argument("--jsonl", action="store_true", required=True, help="JSON lines in and out")

    f = cmd("flags", "list stored flags with their review status")
    f.add_argument("--status", choices=["open", "confirmed", "dismissed", "follow-up", "all"], default="all")
    f.add_argument("--format", choices=["table", "csv", "json"], default="table")
    f.add_argument("--severity", choices=["low", "medium", "high"], help="only flags of this severity")
    f.add_argument("--code", metavar="CODE", help="only flags with this rule code, e.g. CK101")

    r = cmd("report", "write the discrepancy report (CSV, JSON or Markdown)")
    r.add_argument("--out", metavar="FILE", help="file to write (default: stdout)")
    r.add_argument("--format", choices=["csv", "json", "md"], default=None,
                   help="default: from --out's extension, else csv")

    v = cmd("review", "triage flags in a terminal UI")
    v.add_argument("--reviewer", metavar="NAME", help="default: git user.name, else the login name")

    k = cmd("check", "pre-commit check: compare new sources with the corpus",
            "Compare the given sources with the configured corpus. Prints\n"
            "'path:line:col: CODE message (other path:line)' per new, undecided flag that\n"
            "involves a given file; exits 1 if any is at or above --fail-on.")
    k.add_argument("paths", nargs="+", metavar="PATH")
    k.add_argument("--fail-on", choices=["low", "medium", "high"], default="medium")

    b = cmd("bench", "measure speed (words/s against bare spaCy) and peak memory")
    b.add_argument("paths", nargs="*", metavar="PATH", help="default: configured sources")
    b.add_argument("--docs", type=int, default=None, metavar="N",
                   help="build at least N distinct documents from the paragraphs of the sources and time "
                        "extraction against bare spaCy (default 200; skipped with --scan or --review unless given)")
    b.add_argument("--claims", metavar="N[,N...]", help="also time the comparison on N synthetic claims")
    b.add_argument("--check", metavar="ARTICLE", nargs="?", const="",
                   help="also time 'checker check ARTICLE' against bare spaCy loading and parsing it "
                        "(with --scan: against the N cached articles; ARTICLE defaults to a copy of a source)")
    b.add_argument("--scan", type=int, metavar="N",
                   help="time cold, warm and one-file-edited scans of N generated articles")
    b.add_argument("--review", type=int, metavar="N", help="time opening the review app's data with N flags")
    b.add_argument("--jobs", type=int, default=1, metavar="N", help="with --scan: processes or Dask workers")
    b.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="with --scan: also give the speed-up of a cold Dask scan over --jobs 1")
    b.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: an existing cluster")
    b.add_argument("--json", action="store_true", help="machine-readable output")

    e = cmd("eval", "measure extraction quality on a labelled data set")
    e.add_argument("dataset", choices=["newsquant"])
    e.add_argument("file", metavar="FILE")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.add_argument("--errors", metavar="FILE", help="write the sentences with errors to FILE (JSON)")
    return p


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        from . import commands

        return getattr(commands, "cmd_" + args.command.replace("-", "_"))(args)
    except UserError as exc:
        _stderr(f"checker: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _stderr("checker: interrupted")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # silence the flush at exit
        except OSError:
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 - the last guard before a traceback
        if os.environ.get("CHECKER_DEBUG"):
            raise
        _stderr(f"checker: internal error: {exc.__class__.__name__}: {exc} "
                "(rerun with CHECKER_DEBUG=1 for the traceback, and please report it)")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
