"""What each `checker` subcommand does; the parser lives in cli.py.

Source text is untrusted, so everything printed through Rich goes in as
`Text` objects, never as markup.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .config import Config, load_config
from .errors import UserError
from .untrusted import json_printable, printable

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped output is read by scripts and people with wide windows: do not fold
    # at 80, unless COLUMNS asks for a width ("COLUMNS=80 checker claims x | less").
    width = None if stream.isatty() else _env_columns() or 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _env_columns() -> int | None:
    import os

    try:
        value = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return value if value >= 20 else None


def _warn_problems(problems) -> None:
    from .sources import SourceNote

    for p in problems:
        kind = "note" if isinstance(p, SourceNote) else "warning"
        print(f"checker: {kind}: {printable(p)}", file=sys.stderr, flush=True)


def _report_sources(sources, problems, what: str = "sources") -> None:
    """Warn about each bad source; with nothing usable left, fail with one line."""
    if not sources:
        if len(problems) == 1:
            raise UserError(str(problems[0]))
        _warn_problems(problems)
        if problems:
            raise UserError(f"no usable {what} ({len(problems)} problem(s) above)")
        raise UserError(f"no {what} found (give files or folders of .txt, .md, .html or .jsonl)")
    _warn_problems(problems)


class _Progress:
    """A progress bar on stderr for long runs; silent when stderr is not a terminal."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.task = None

    def start(self, total: int) -> None:
        if total < 5 or not sys.stderr.isatty():
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=_console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=total)

    def advance(self, *_):
        if self.bar is not None:
            self.bar.advance(self.task)

    def stop(self):
        if self.bar is not None:
            self.bar.stop()


def _stage_reporter(command: str):
    """`report(message)`: one stderr line per stage of a long run, with the
    time since the run started ("checker: bench: [12.0 s] round 2 of 2: ...")."""
    import time

    start = time.perf_counter()

    def report(message: str) -> None:
        print(f"checker: {command}: [{time.perf_counter() - start:.1f} s] {message}", file=sys.stderr, flush=True)

    return report


def _ledger(cfg: Config):
    from .ledger import Ledger

    return Ledger(cfg.ledger)


def _latest_decisions(cfg: Config, flags=None):
    """(flag id -> decision in force, flag id -> latest note); a warning per skipped ledger line."""
    ledger = _ledger(cfg)
    decisions, warnings = ledger.read()
    for w in warnings:
        print(printable(f"checker: warning: {cfg.ledger}:{w.line}: {w.reason} (line skipped)"), file=sys.stderr)
    return ledger.latest(flags), ledger.latest_notes(flags)


def _check_report_target(cfg: Config, out: Path, sources=()) -> None:
    """A report never replaces human work, an article or the cache: refuse an
    --out that is (or links to) the ledger, its lock, the cache, or a source
    file of the corpus (given, stored by the last scan, or configured)."""
    import os

    from .sources import iter_source_files
    from .store import Store

    def real(p) -> str:
        return os.path.realpath(p)

    target = real(out)
    named = {real(cfg.ledger): "the decisions ledger", real(str(cfg.ledger) + ".lock"): "the ledger's lock file"}
    for extra in ("", "-wal", "-shm", ".lock"):
        named[real(str(cfg.cache_path) + extra)] = "the cache"
    if target in named:
        raise UserError(f"{printable(out)}: refusing to write a report over {named[target]}; choose another --out")
    paths = {real(s.path) for s in sources}
    if cfg.cache_path.is_file() and target not in paths:
        store = Store(cfg.cache_path)
        try:
            paths.update(real(p) for p in store.source_paths() if p)
        finally:
            store.close()
    if target not in paths and os.path.exists(target):
        from .pipeline import corpus_paths

        listed = iter_source_files(corpus_paths(cfg), cfg.root, errors=[], exclude=[cfg.reports_dir, cfg.cache_dir])
        paths.update(real(p) for p in listed)
    if target in paths:
        raise UserError(f"{printable(out)}: refusing to write a report over a source file; choose another --out")


# ------------------------------------------------------------------ scan


def cmd_scan(args) -> int:
    from .pipeline import scan
    from .report import flag_rows, report_format, write_report

    if args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    cfg = load_config()
    if args.report:
        _check_report_target(cfg, Path(args.report))  # before a long scan, not after it
    report_fmt = report_format(args.report) if args.report else None  # refuse a bad name before the work
    progress = _Progress("extracting")
    try:
        result = scan(cfg, args.paths or None, jobs=args.jobs, progress=progress.advance, on_start=progress.start,
                      executor=args.executor, scheduler=args.scheduler)
    finally:
        progress.stop()
    _report_sources(result.sources, result.problems)
    from .repo import ensure_on_scan

    for line in ensure_on_scan(cfg, args.paths):
        print(f"checker: note: {line}", file=sys.stderr)
    by_sev = result.severity_counts  # from the cache when nothing changed: flags load only for --report
    if args.report:
        _check_report_target(cfg, Path(args.report), result.sources)
        rows = flag_rows(result.flags, *_latest_decisions(cfg, result.flags))
        write_report(rows, Path(args.report), report_fmt)
    from .sources import SourceNote

    skipped = sum(1 for p in result.problems if not isinstance(p, SourceNote))
    summary = {
        "sources": len(result.sources), "parsed": result.parsed, "cached": result.reused,
        "problems": len(result.problems), "skipped": skipped, "claims": result.claim_count,
        "flags": result.flag_count, "flags_by_severity": by_sev, "report": args.report,
    }
    if args.format == "json":
        print(json.dumps(summary))
        return 0
    from rich.table import Table

    t = Table(title="checker scan", show_header=True)
    t.add_column("sources", justify="right")
    t.add_column("skipped", justify="right")
    t.add_column("parsed / cached", justify="right")
    t.add_column("claims", justify="right")
    t.add_column("flags", justify="right")
    t.add_column("high", justify="right")
    t.add_column("medium", justify="right")
    t.add_column("low", justify="right")
    t.add_row(str(len(result.sources)), str(skipped), f"{result.parsed} / {result.reused}", str(result.claim_count),
              str(result.flag_count), str(by_sev["high"]), str(by_sev["medium"]), str(by_sev["low"]))
    con = _console()
    con.print(t)
    if args.report:
        con.print(f"report written to {printable(args.report)}", markup=False)
    for line in next_steps(result.flag_count, skipped):
        con.print(line, markup=False, highlight=False)
    return 0


def next_steps(flags: int, skipped: int) -> list[str]:
    """What a person does after a scan, each line under 80 columns."""
    lines = []
    if skipped:
        lines.append(f"{skipped} file(s) skipped, one warning line each above; fix them and scan again.")
    if flags:
        lines += [
            "next:",
            f"  checker review                      decide the {flags} flag(s), one key each",
            "  checker report --out flags.xlsx     the report (.csv .xlsx .json .md)",
        ]
    else:
        lines += ["no flags: the sources agree on every figure compared.",
                  "next:", "  checker claims FILE                 the figures one source states"]
    return lines


# ------------------------------------------------------------------ claims


def cmd_claims(args) -> int:
    from .pipeline import extract, load_pack
    from .sources import load_sources

    cfg = load_config()
    sources, problems = load_sources(args.paths, root=Path.cwd(), max_bytes=cfg.max_bytes)
    _report_sources(sources, problems)
    pack = load_pack(cfg)
    results = list(extract(sources, pack, model=cfg.model, batch_size=cfg.batch_size))
    from .facts import build_facts

    facts = {f.id: f for f in build_facts([c for _, claims in results for c in claims], pack)}
    if args.format == "json":
        out = [dict(c.to_dict(), value=c.quantity.value_text(),
                    fact_description=facts[c.fact].description if c.fact in facts else "")
               for _, claims in results for c in claims]
        print(json_printable(json.dumps(out, ensure_ascii=False, indent=2)))
        return 0
    con = _console()
    for source, claims in results:
        con.print(claims_table(source, claims, con.width))
    return 0


CLAIM_COLUMNS = ("line:col", "figure", "value", "kind", "counted", "event", "scope", "places",
                 "attributed to", "date")
WIDE_CLAIMS = 120  # below this many columns, one block per claim instead of ten columns


def claims_table(source, claims, width: int):
    """The claims of one source: ten columns on a wide terminal; narrower, one
    block per claim (figure and value on its first line, then only the fields
    it has), so nothing is folded into one-letter columns at 80."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    title = Text(printable(f"{source.id} — {source.outlet or 'unknown outlet'}, {source.published or 'undated'}"))
    if width >= WIDE_CLAIMS:
        t = Table(title=title, show_lines=False, expand=False)
        for col in CLAIM_COLUMNS:
            t.add_column(col, overflow="fold")
        for c in claims:
            q = c.quantity
            t.add_row(*(Text(printable(x)) for x in (
                f"{c.line}:{c.col}", q.surface, q.value_text(), q.kind, c.counted, c.event,
                ", ".join(c.scope), ", ".join(c.places), c.attribution or "", c.date or "undated",
            )))
        return t
    t = Table(title=title, box=box.SIMPLE_HEAD, show_lines=True, expand=False, padding=(0, 1))
    t.add_column("line:col", no_wrap=True, justify="right")
    t.add_column("claim", overflow="fold", max_width=max(width - 14, 20))
    for c in claims:
        q = c.quantity
        text = Text()
        text.append(printable(q.surface), style="bold")
        text.append(printable(f"  = {q.value_text()}  ({q.kind})"))
        for label, value in (("counted", c.counted), ("event", c.event), ("scope", ", ".join(c.scope)),
                             ("places", ", ".join(c.places)), ("by", c.attribution or ""),
                             ("date", c.date or "undated")):
            if value:
                text.append(f"\n{label:<8}", style="dim")
                text.append(printable(value))
        t.add_row(Text(f"{c.line}:{c.col}"), text)
    return t


# ------------------------------------------------------------------ quantities


def _stdin_texts(limit: int):
    """One text per stdin line, read as bytes so that bad encodings become U+FFFD
    instead of an error. A line that is a JSON object with a "text" key is that
    text; a line over `limit` characters yields no text (and a warning), so the
    output keeps one line per input line."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)  # a replaced stdin may have no bytes layer
    for number, raw in enumerate(stream, start=1):
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", errors="replace")
        line = raw.rstrip("\r\n")
        if line.startswith("{"):
            try:
                obj = json.loads(line)
                if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                    line = obj["text"].encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            except json.JSONDecodeError:
                pass
        if len(line) > limit:
            print(f"checker: warning: stdin line {number}: {len(line):,} characters is over the limit "
                  f"of {limit:,} (max_bytes); no quantities read", file=sys.stderr)
            line = ""
        yield line


def cmd_quantities(args) -> int:
    from .evaluate import newsquant_record
    from .nlp import load_pipeline

    cfg = load_config()
    nlp = load_pipeline(cfg.model)
    nlp.max_length = max(nlp.max_length, cfg.max_bytes + 1)
    out = sys.stdout
    for doc in nlp.pipe(_stdin_texts(cfg.max_bytes), batch_size=64):
        records = [r for r in (newsquant_record(q) for q in doc._.quantities) if r]
        out.write(json_printable(json.dumps({"quantities": records}, ensure_ascii=False)) + "\n")
    out.flush()
    return 0


# ------------------------------------------------------------------ flags / report


def _refuse_if_rebuilt(store) -> None:
    """After the cache was rebuilt an empty answer would read as "no flags":
    say what happened instead."""
    aside = store.needs_scan()
    if aside:
        raise UserError(f"the cache was damaged and has been rebuilt (the old copy is {aside}); "
                        "run 'checker scan' to compute the flags again")


def _stored_flags(cfg: Config):
    from .store import Store

    if not cfg.cache_path.exists():
        raise UserError("no scan stored yet; run 'checker scan' first")
    store = Store(cfg.cache_path)
    try:
        _refuse_if_rebuilt(store)
        return store.get_flags()
    finally:
        store.close()


def flag_threshold(cfg: Config) -> float:
    """The confidence below which flags are kept but not shown (rules.yaml)."""
    from .rulepack import Settings
    from .pipeline import load_pack

    return Settings.from_pack(load_pack(cfg)).flag_threshold


def _shown(cfg: Config, flags, everything: bool):
    """The flags worth a reviewer's time (at or above the threshold), surest first."""
    if not everything:
        threshold = flag_threshold(cfg)
        flags = [f for f in flags if f.confidence >= threshold]
    return sorted(flags, key=lambda f: (-f.confidence, SEVERITY_RANK.get(f.severity, 9), f.id))


def _rows(cfg: Config, status: str = "all", everything: bool = False):
    from .report import flag_rows

    flags = _shown(cfg, _stored_flags(cfg), everything)
    rows = flag_rows(flags, *_latest_decisions(cfg, flags))
    if status != "all":
        rows = [r for r in rows if r["status"].split(" ")[0] == status]
    return rows


def _stream_rows(cfg: Config, status: str, everything: bool, severity: str | None, code: str | None):
    """Report rows of the stored flags in review order, a page at a time: the
    confidence threshold, severity and code filtered in SQL, the review status
    from the ledger (read once; decisions under a flag's legacy id carried over
    per page, as `Ledger.latest(flags)` does)."""
    from .ledger import Ledger
    from .report import flag_rows
    from .store import Store

    if not cfg.cache_path.exists():
        raise UserError("no scan stored yet; run 'checker scan' first")
    ledger = _ledger(cfg)
    _decisions, warnings = ledger.read()
    for w in warnings:
        print(printable(f"checker: warning: {cfg.ledger}:{w.line}: {w.reason} (line skipped)"), file=sys.stderr)
    decisions, notes, histories = ledger.latest(), ledger.latest_notes(), ledger.histories()
    store = Store(cfg.cache_path)
    try:
        _refuse_if_rebuilt(store)
        for page in store.iter_flags(severity=severity, code=code,
                                     min_confidence=None if everything else flag_threshold(cfg)):
            Ledger._alias(decisions, page, histories)
            Ledger._alias(notes, page, histories)
            rows = flag_rows(page, decisions, notes)
            if status != "all":
                rows = [r for r in rows if r["status"].split(" ")[0] == status]
            if rows:
                yield rows
    finally:
        store.close()


def _write_streamed(pages, fmt: str, out) -> None:
    """CSV or JSON written page by page, the same bytes as rendering all rows at once."""
    import textwrap

    from .report import render

    first = True
    for rows in pages:
        if fmt == "csv":
            text = render(rows, "csv")
            out.write(text if first else text.split("\n", 1)[1])
        else:
            body = ",\n".join(textwrap.indent(json_printable(json.dumps(r, ensure_ascii=False, indent=2)), "  ")
                               for r in rows)
            out.write(("[\n" if first else ",\n") + body)
        first = False
    if first:
        out.write(render([], fmt))
    elif fmt == "json":
        out.write("\n]\n")


def cmd_flags(args) -> int:
    cfg = load_config()
    pages = _stream_rows(cfg, args.status, args.all, args.severity, args.code)
    if args.format in ("csv", "json"):
        _write_streamed(pages, args.format, sys.stdout)
        return 0
    rows = [r for page in pages for r in page]
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"{len(rows)} flags ({args.status}{', all confidences' if args.all else ''})")
    for col in ("id", "conf", "severity", "code", "status", "fact", "message"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*(Text(f"{r[k]:.2f}" if k == "confidence" else printable(str(r[k] or r["metric"] if k == "fact" else r[k])))
                    for k in ("flag_id", "confidence", "severity", "code", "status", "fact", "message")))
    _console().print(t)
    return 0


def cmd_report(args) -> int:
    from .report import render, write_report

    from .report import report_format

    cfg = load_config()
    if args.out:
        _check_report_target(cfg, Path(args.out))  # before anything else: never over human work
    fmt = report_format(args.out, args.format)
    if fmt == "xlsx" and not args.out:
        raise UserError("an XLSX report needs a file: give --out FILE.xlsx")
    rows = _rows(cfg, everything=args.all)
    if args.out:
        write_report(rows, Path(args.out), fmt)
        print(f"{len(rows)} flags written to {printable(args.out)}", file=sys.stderr)
    else:
        sys.stdout.write(render(rows, fmt))
    return 0


# ------------------------------------------------------------------ review


def cmd_review(args) -> int:
    from .ledger import default_reviewer

    cfg = load_config()
    opened = review_app(cfg, getattr(args, "paths", None) or [], args.all, default_reviewer(args.reviewer))
    if opened is None:
        return 0
    app, store = opened
    try:
        app.run()
    finally:
        store.close()
    return 0


def review_app(cfg: Config, paths: list[str], everything: bool, reviewer: str):
    """The review app over the stored flags, and the store it reads (to close
    after the run); None, with a message, when there is nothing to review.
    The flags are not loaded here: the app reads them a page at a time."""
    from .store import FlagPages, Store

    if not cfg.cache_path.exists():
        raise UserError("no scan stored yet; run 'checker scan' first")
    store = Store(cfg.cache_path)
    try:
        _refuse_if_rebuilt(store)
        # the flags of given files (what a blocked commit names) are all shown; otherwise the threshold applies
        threshold = None if everything or paths else flag_threshold(cfg)
        involved = _involved(cfg, paths) if paths else None
        pages = FlagPages.of_store(store, threshold, involved, hints=involved.wanted if involved else ())
        if not len(pages):
            if paths:
                print(f"no stored flags involve {', '.join(paths)}; run 'checker check' or 'checker scan' first",
                      file=sys.stderr)
            else:
                print("no flags to review; run 'checker scan' first (or add --all for those below the threshold)",
                      file=sys.stderr)
            store.close()
            return None

        def article_text(source_id: str):
            s = store.get_source(source_id)
            return s.text if s else None

        from .tui.app import ReviewApp
        from .tui.figures import store_figures

        app = ReviewApp(pages, _ledger(cfg), reviewer, article_text=article_text, figures=store_figures(store, cfg))
    except BaseException:
        store.close()
        raise
    return app, store


def _involved(cfg: Config, paths: list[str]):
    """Whether a claim's source id comes from one of `paths` (files or folders, as typed)."""
    import os

    wanted = []
    for p in paths:
        absolute = os.path.normpath(os.path.abspath(p))
        try:
            wanted.append(Path(absolute).relative_to(cfg.root).as_posix())
        except ValueError:
            wanted.append(Path(absolute).as_posix())

    def involved(source_id: str) -> bool:
        base = source_id.split("#", 1)[0]
        return any(base == w or base.startswith(w.rstrip("/") + "/") for w in wanted)

    involved.wanted = wanted  # what every such source id starts with
    return involved


# ------------------------------------------------------------------ init


def cmd_init(args) -> int:
    """Set a corpus repository up for shared review (see repo.py)."""
    from .repo import git_top, setup_repository

    cfg = load_config()
    done = setup_repository(cfg, args.sources)
    for line in done:
        print(f"checker: {line}")
    if not done:
        print("checker: already set up (configuration, .gitattributes and .gitignore)")
    if git_top(cfg.root) is None:
        print("checker: note: not a git repository; run 'checker init' again after 'git init' "
              "so the ledger merges with merge=union", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ decide


def cmd_decide(args) -> int:
    """Record a decision or a note from the command line (scripts, a quick
    verdict after `checker check`, "confirmed: B is wrong")."""
    from .ledger import default_reviewer

    cfg = load_config()
    flags = _stored_flags(cfg)
    matches = [f for f in flags if f.id == args.flag_id] or [f for f in flags if f.id.startswith(args.flag_id)]
    if not matches:
        raise UserError(f"no stored flag {args.flag_id!r}; 'checker flags' lists them")
    if len({f.id for f in matches}) > 1:
        raise UserError(f"{args.flag_id!r} names {len(matches)} flags; give more of the id")
    flag = matches[0]
    status = args.status or ("confirmed" if args.wrong else None)
    if args.wrong and status != "confirmed":
        raise UserError("--wrong goes with a confirmed conflict")
    if status is None and not args.note:
        raise UserError("give a status (confirmed, dismissed, follow-up, open) or a --note")
    reviewer = default_reviewer(args.reviewer)
    ledger = _ledger(cfg)
    if status is None:
        ledger.note(flag.id, reviewer, args.note)
        print(f"flag {flag.id}: note added by {reviewer}")
        return 0
    wrong = ""
    if args.wrong:
        side = args.wrong.lower()
        wrong = flag.claims[0 if side == "a" else 1].id
    ledger.decide(flag.id, status, reviewer, note=args.note or "", evidence_hash=flag.evidence_hash, wrong=wrong)
    print(f"flag {flag.id}: {status}{f' ({args.wrong.upper()} is wrong)' if wrong else ''} by {reviewer}")
    return 0


# ------------------------------------------------------------------ check


def cmd_check(args) -> int:
    from .check import run_check

    return run_check(load_config(), args.paths, args.fail_on, staged=args.staged)


# ------------------------------------------------------------------ bench / eval


def cmd_bench(args) -> int:
    from .bench import run_bench

    cfg = load_config()
    sizes = []
    if args.claims:
        try:
            sizes = [int(x.replace("_", "")) for x in args.claims.split(",") if x.strip()]
        except ValueError:
            raise UserError("--claims takes whole numbers separated by commas, e.g. 10000,100000") from None
    for name in ("docs", "scan", "review", "jobs", "long_article"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UserError(f"--{name.replace('_', '-')} must be at least 1")
    if (args.executor != "local" or args.scheduler or args.jobs != 1) and not (args.scan or sizes):
        raise UserError("--executor, --scheduler and --jobs apply to --scan N or --claims N")
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    if args.executor == "dask" and sizes:
        try:
            from dask.utils import parse_bytes
        except ImportError:
            parse_bytes = None  # the Dask session says what to install
        try:
            limit = parse_bytes(args.memory_limit) if parse_bytes else 1
        except (ValueError, TypeError):
            limit = 0
        if limit <= 0:
            raise UserError(f"--memory-limit takes a size such as 4GB, not {args.memory_limit!r}")
    if args.seed_cache and (not args.scan or args.executor == "dask"):
        raise UserError("--seed-cache applies to --scan N without --executor dask")
    if args.seed_cache and not Path(args.seed_cache).is_file():
        raise UserError(f"{args.seed_cache}: no such cache file")
    if args.check == "" and not args.scan:
        raise UserError("--check needs an ARTICLE, or --scan N to check a copy of a source against N articles")
    docs = (args.docs if args.docs is not None or args.scan or args.review or sizes or args.rescan
            or args.long_article else 200)
    result = run_bench(cfg, args.paths or None, min_docs=docs, claim_sizes=sizes, check_article=args.check,
                       scan_articles=args.scan, review_flags=args.review, jobs=args.jobs,
                       executor=args.executor, scheduler=args.scheduler, memory_limit=args.memory_limit,
                       seed_cache=args.seed_cache, rescan=args.rescan, long_article_kb=args.long_article,
                       progress=_stage_reporter("bench") if args.progress or sys.stderr.isatty() else None)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        from .bench import format_bench

        print(format_bench(result))
    return 0


def cmd_eval(args) -> int:
    if args.dataset == "flags":
        return _eval_flags(args)
    from .evaluate import evaluate, load_newsquant, newsquant_record
    from .nlp import load_pipeline

    if len(args.paths) != 1:
        raise UserError("eval newsquant takes one JSON file")
    cfg = load_config()
    data = load_newsquant(Path(args.paths[0]))
    nlp = load_pipeline(cfg.model)
    progress = _Progress("evaluating")
    progress.start(len(data))
    preds = []
    try:
        for doc in nlp.pipe((x["text"] for x in data), batch_size=64):
            preds.append([r for r in (newsquant_record(q) for q in doc._.quantities) if r])
            progress.advance()
    finally:
        progress.stop()
    score, errors = evaluate(data, preds)
    if args.errors:
        Path(args.errors).write_text(json.dumps(errors, indent=1, ensure_ascii=False), encoding="utf-8")
    table = score.table()
    if args.json:
        print(json.dumps({"sentences": len(data), "gold": score.gold, "predicted": score.predicted,
                          "scores": table}, indent=2))
        return 0
    print(f"NewsQuant: {len(data)} sentences, {score.gold} gold quantities, {score.predicted} predicted")
    print(f"{'metric':<15}{'precision':>10}{'recall':>8}{'F1':>7}")
    for row in table:
        print(f"{row['metric']:<15}{row['precision']:>10.1f}{row['recall']:>8.1f}{row['f1']:>7.1f}")
    return 0


def _eval_flags(args) -> int:
    """Score each corpus folder's flags and fact grouping against its gold.yaml."""
    from .goldeval import analyse_corpus, load_gold, overall, score_corpus
    from .rulepack import load_rulepack

    cfg = load_config()
    folders = []
    for p in map(Path, args.paths):
        if (p / "gold.yaml").is_file():
            folders.append(p)
        elif p.is_dir():
            raise UserError(f"{p}: no gold.yaml (eval flags takes corpus folders that hold one)")
        # a file beside the corpora (a README a glob caught) is not a corpus: skip it
    if not folders:
        raise UserError("no corpus folder with a gold.yaml among the paths given")
    from .rulepack import Settings

    pack = load_rulepack([Path(r) for r in args.rules] if args.rules else None)
    threshold = Settings.from_pack(pack).flag_threshold
    scores = []
    for folder in folders:
        gold = load_gold(folder / "gold.yaml")
        sources, claims, facts, flags = analyse_corpus(folder, pack, cfg.model, cfg.cache_dir / "eval-docs")
        shown = flags if args.all else [f for f in flags if f.confidence >= threshold]
        fact_of = {c.id: fact.id for fact in facts for c in fact.claims}
        scores.append(score_corpus(folder.name, gold, sources, claims, fact_of, shown))
    total = overall(scores)
    if args.errors:
        Path(args.errors).write_text(json.dumps(
            [{"corpus": s.name, "false_flags": s.false_flags, "missed_conflicts": s.missed_conflicts} for s in scores],
            indent=1, ensure_ascii=False), encoding="utf-8")
    if args.json:
        print(json.dumps({"corpora": [dict(s.summary(), false_flags=s.false_flags, missed_conflicts=s.missed_conflicts)
                                      for s in scores], "overall": total.summary()}, indent=2, ensure_ascii=False))
        return 0

    def pct(x):
        return "   -" if x is None else f"{100 * x:5.1f}"

    print(f"{'corpus':<24}{'flags':>6}{'prec':>7}{'confl':>6}{'recall':>7}{'align P':>8}{'align R':>8}")
    for s in [*scores, total]:
        d = s.summary()
        print(f"{s.name[:23]:<24}{s.flags:>6}{pct(d['flag_precision']):>7}{s.conflicts:>6}"
              f"{pct(d['conflict_recall']):>7}{pct(d['alignment_precision']):>8}{pct(d['alignment_recall']):>8}")
    causes: dict[str, int] = {}
    for s in scores:
        for f in s.false_flags:
            key = f["cause"].split(" (")[0]
            causes[key] = causes.get(key, 0) + 1
    if causes:
        print("false flags by cause: " + "; ".join(f"{k}: {n}" for k, n in sorted(causes.items(), key=lambda kv: -kv[1])))
    return 0


# ------------------------------------------------------------------ facts


def cmd_facts(args) -> int:
    """Every fact with each source's figures over time (see facts.summarize)."""
    from .facts import build_facts, summarize
    from .pipeline import load_pack, scan

    if args.min_sources < 1:
        raise UserError("--min-sources must be at least 1")
    cfg = load_config()
    result = scan(cfg, args.paths or None, store_flags=False, judge=False)
    _warn_problems(result.problems)
    pack = load_pack(cfg)
    facts = [f for f in build_facts(result.claims, pack)
             if len({c.source_id for c in f.claims}) >= args.min_sources]
    summaries = [summarize(f) for f in facts]
    if args.format == "json":
        print(json.dumps(summaries, ensure_ascii=False, indent=2))
        return 0
    from rich.table import Table
    from rich.text import Text

    con = _console()
    if not summaries:
        con.print(f"no fact is stated by {args.min_sources} or more sources")
    for s in summaries:
        t = Table(title=Text(f"{s['description']} — {s['behaviour']}, {s['sources']} sources, "
                             f"spread {s['spread']}"), title_justify="left", expand=False)
        for col in ("date", "source", "figure", "value", "apart"):
            t.add_column(col, overflow="fold")
        for c in s["claims"]:
            t.add_row(*(Text(x) for x in (c["date"] or "undated", c["outlet"] or c["source_id"], c["surface"],
                                         c["value"], "◆" if c["apart"] else "")))
        con.print(t)
    return 0
