"""The `checker` command line: the product's contract (README, "Usage by example").

Heavy libraries (spaCy, quantulum3, pandas, Textual) are imported inside the
command that needs them, so `checker --help` stays instant. A user error is
one line on stderr and exit code 2; a failed check is exit code 1.
"""
from __future__ import annotations

import argparse
import os
import sys

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


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written, and every option's default in its help line
    (unless the help already says it, or there is none to say)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if ("default" in text or not action.option_strings
                or action.default in (None, False, argparse.SUPPRESS)):
            return action.help
        return f"{text} (default: %(default)s)".lstrip()


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.exit(2, f"checker: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="checker",
        description="Find where news sources disagree about the figures they report.",
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"checker {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=description or help,
                              formatter_class=_HelpFormatter)

    s = cmd("scan", "read sources, extract claims, compare them, store the flags",
            "Read sources (files, folders, globs; none: the configured sources), extract their\n"
            "claims (re-using the cache for unchanged files), compare them with the rule packs\n"
            "and store the flags. Prints a summary table.")
    s.add_argument("paths", nargs="*", metavar="PATH", help="files, folders or globs (default: configured sources)")
    s.add_argument("--report", metavar="FILE", help="also write the discrepancy report to FILE (format from the extension: .csv .xlsx .json .md)")
    s.add_argument("--jobs", type=int, default=1, metavar="N", help="extract with N processes, or N local Dask workers")
    s.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where extraction runs: local processes, or a Dask cluster")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --executor dask: the scheduler to use, e.g. tcp://10.0.0.5:8786 "
                        "(default: a local cluster of --jobs workers)")
    s.add_argument("--format", choices=["table", "json"], default="table", help="summary format")

    c = cmd("claims", "show the claims found in sources")
    c.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    c.add_argument("--format", choices=["table", "json"], default="table",
                   help="table: one per source, fits 80 columns; json: every field")

    q = cmd("quantities", "extract quantities from one text per stdin line",
            'Reads one text per line on stdin and writes one JSON object per line:\n'
            '{"quantities": [{"value": 12 | [35, 40], "unit": "...", "change": "=|~|>|<|up|down",\n'
            '"concept": "..."}]}. A line that is a JSON object with a "text" key is read as that text.')
    q.add_argument("--jsonl", action="store_true", required=True, help="JSON lines in and out")

    f = cmd("flags", "list stored flags with their review status")
    f.add_argument("--status", choices=["open", "confirmed", "dismissed", "follow-up", "all"], default="all",
                   help="only flags with this review status")
    f.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    f.add_argument("--all", action="store_true", help="also the flags below the confidence threshold (rules.yaml settings.flag_threshold, default 0.5)")
    f.add_argument("--severity", choices=["low", "medium", "high"], help="only flags of this severity")
    f.add_argument("--code", metavar="CODE", help="only flags with this rule code, e.g. CK101")

    r = cmd("report", "write the discrepancy report (CSV, XLSX, JSON or Markdown)")
    r.add_argument("--out", metavar="FILE", help="file to write (default: stdout)")
    r.add_argument("--format", choices=["csv", "xlsx", "json", "md"], default=None,
                   help="default: from --out's extension (.csv .xlsx .json .md), else csv")
    r.add_argument("--all", action="store_true", help="also the flags below the confidence threshold (rules.yaml settings.flag_threshold, default 0.5)")

    v = cmd("review", "triage flags in a terminal UI")
    v.add_argument("paths", nargs="*", metavar="PATH",
                   help="only the flags involving these files or folders (what 'checker check' just blocked on)")
    v.add_argument("--reviewer", metavar="NAME", help="default: git user.name, else the login name")
    v.add_argument("--all", action="store_true", help="also the flags below the confidence threshold (rules.yaml settings.flag_threshold, default 0.5)")

    t = cmd("facts", "show every fact: each source's figures over time, the spread, the figures apart",
            "Group the claims of the sources (default: the configured sources) into facts, as the\n"
            "comparison does, and show each fact with its figures per source and date, the spread\n"
            "of its values and the figures that stand apart from the value most sources state.\n"
            "--format json lists each fact's claims (source_id, sentence, surface, value, date).")
    t.add_argument("paths", nargs="*", metavar="PATH", help="files, folders or globs (default: configured sources)")
    t.add_argument("--format", choices=["table", "json"], default="table")
    t.add_argument("--min-sources", type=int, default=2, metavar="N",
                   help="only facts stated by at least N sources (default 2; 1 shows every fact)")

    i = cmd("init", "set up a corpus repository for checker and shared review",
            "Write a [tool.checker] table to pyproject.toml (when there is no configuration yet),\n"
            "mark the decisions ledger merge=union in .gitattributes (two reviewers' branches then\n"
            "merge without conflict) and keep the ledger's lock file out of git. Safe to rerun.")
    i.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="folders or files of articles (default: articles/ when it exists, else .)")

    d = cmd("decide", "record a decision or a note on a stored flag",
            "Record a decision on a stored flag (the id, or its first characters, from\n"
            "'checker flags' or 'checker review'), or a note with --note alone. With --wrong A|B\n"
            "a confirmed conflict says which side is wrong (A and B as in reports); new\n"
            "flags against that figure then do not block commits.")
    d.add_argument("flag_id", metavar="FLAG")
    d.add_argument("status", nargs="?", choices=["confirmed", "dismissed", "follow-up", "open"])
    d.add_argument("--note", metavar="TEXT", help="a note (alone: a note that leaves the status as it is)")
    d.add_argument("--wrong", choices=["A", "B", "a", "b"], help="confirmed, and this side's figure is wrong")
    d.add_argument("--reviewer", metavar="NAME", help="default: git user.name, else the login name")

    k = cmd("check", "pre-commit check: compare new sources with the corpus",
            "Compare the given sources with the configured corpus. Prints\n"
            "'path:line:col: CODE message (other path:line)' per new, undecided flag that\n"
            "involves a given file; exits 1 if any is at or above --fail-on.")
    k.add_argument("paths", nargs="+", metavar="PATH", help="the new or changed sources")
    k.add_argument("--fail-on", choices=["low", "medium", "high"], default="medium",
                   help="exit 1 on an undecided flag of this severity or higher")
    k.add_argument("--staged", action="store_true",
                   help="check as a commit will hold it (the pre-commit hook's mode): skip files outside "
                        "the configured sources, compare with the files git tracks, and count only staged decisions")

    b = cmd("bench", "measure speed (words/s against bare spaCy) and peak memory")
    b.add_argument("paths", nargs="*", metavar="PATH", help="default: configured sources")
    b.add_argument("--docs", type=int, default=None, metavar="N",
                   help="build at least N distinct documents from the paragraphs of the sources and time "
                        "extraction against bare spaCy (default: 200), not done with --scan, --review, --rescan, "
                        "--long-article or --claims unless given")
    b.add_argument("--claims", metavar="N[,N...]", help="also time the comparison on N synthetic claims")
    b.add_argument("--check", metavar="ARTICLE", nargs="?", const="",
                   help="also time 'checker check ARTICLE' against bare spaCy loading and parsing it "
                        "(with --scan: against the N cached articles; ARTICLE defaults to a copy of a source)")
    b.add_argument("--scan", type=int, metavar="N",
                   help="time cold, warm and one-file-edited scans of N generated articles")
    b.add_argument("--seed-cache", metavar="CACHE",
                   help="with --scan: start from a copy of this cache of the same generated articles (e.g. the "
                        ".checker/cache.sqlite of a corpus made by scripts/make_bench_corpus.py and scanned), so "
                        "the first scan reuses its claims instead of parsing every article; it is then not cold")
    b.add_argument("--review", type=int, metavar="N",
                   help="time opening the review app with N flags, and 'checker flags --format csv --all' of them")
    b.add_argument("--rescan", action="store_true",
                   help="time a cold scan of the sources (a copy, with the project's rule packs), then three "
                        "warm scans with nothing changed")
    b.add_argument("--long-article", type=int, metavar="KB",
                   help="peak memory of extracting one article of KB kilobytes in pieces and whole, and whether "
                        "their claims are the same (Linux; parsing 900 KB whole takes about 3 GB)")
    b.add_argument("--jobs", "--workers", dest="jobs", type=int, default=1, metavar="N",
                   help="with --scan: processes or Dask workers; with --claims and --executor dask: Dask workers")
    b.add_argument("--memory-limit", default="4GB", metavar="SIZE",
                   help="with --claims and --executor dask: each local worker's memory limit (default: 4GB)")
    b.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="with --scan: also give the speed-up of a cold Dask scan over --jobs 1; with --claims: "
                        "compare on a Dask cluster, partitioned by fact key, the claims made on the workers")
    b.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: an existing cluster")
    b.add_argument("--json", action="store_true", help="machine-readable output")
    b.add_argument("--progress", action="store_true",
                   help="report each stage on stderr even when it is not a terminal (it is on a terminal)")

    e = cmd("eval", "measure quality on labelled data: extraction (newsquant) or flags (gold.yaml corpora)",
            description="eval newsquant FILE: extraction precision, recall and F1 on a NewsQuant JSON file.\n"
                        "eval flags DIR...: flag precision, conflict recall and fact alignment of each corpus\n"
                        "folder against its gold.yaml (e.g. checker eval flags ../shared/datasets/multisource/*).")
    e.add_argument("dataset", choices=["newsquant", "flags"], help="what to score")
    e.add_argument("paths", metavar="PATH", nargs="+", help="newsquant: one JSON file; flags: corpus folders")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.add_argument("--errors", metavar="FILE",
                   help="newsquant: write the sentences with errors to FILE; flags: write every false flag "
                        "and missed conflict to FILE (JSON)")
    e.add_argument("--all", action="store_true", help="flags: score every flag, not only those above the threshold")
    e.add_argument("--rules", metavar="PACK", action="append",
                   help="flags: an extra rule pack (file or folder) on top of the built-in general ones; "
                        "by default only the built-in packs apply, as for a story nobody wrote a pack for")
    return p


def _printable(exc: BaseException) -> str:
    """The error's text with control characters shown as escapes (a file name
    may hold a newline or an escape sequence), cut to a screenful."""
    from .untrusted import printable

    text = printable(exc)
    return text if len(text) <= 2000 else text[:1999] + "…"


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# Commands a git hook runs on every commit: run as the `checker` command (no
# argv given), they end without the interpreter's teardown, which frees the
# spaCy model's objects one by one (about a quarter of a second) after all the
# work is done and written; output is flushed first and nothing in them
# waits for exit handlers (the cache and the ledger file are closed).
QUICK_EXIT = frozenset({"check"})


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    code = _run(args)
    if argv is None and args.command in QUICK_EXIT and not os.environ.get("CHECKER_DEBUG"):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    return code


def _run(args) -> int:
    try:
        from . import commands

        return getattr(commands, "cmd_" + args.command.replace("-", "_"))(args)
    except UserError as exc:
        _stderr(f"checker: error: {_printable(exc)}")
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
        _stderr(f"checker: internal error: {exc.__class__.__name__}: {_printable(exc)} "
                "(rerun with CHECKER_DEBUG=1 for the traceback, and please report it)")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
