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

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped output is read by scripts and people with wide windows: do not fold at 80.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _warn_problems(problems) -> None:
    from .sources import SourceNote

    for p in problems:
        kind = "note" if isinstance(p, SourceNote) else "warning"
        print(f"checker: {kind}: {p}", file=sys.stderr, flush=True)


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


def _ledger(cfg: Config):
    from .ledger import Ledger

    return Ledger(cfg.ledger)


def _latest_decisions(cfg: Config):
    ledger = _ledger(cfg)
    decisions, warnings = ledger.read()
    for w in warnings:
        print(f"checker: warning: {cfg.ledger}:{w.line}: {w.reason} (line skipped)", file=sys.stderr)
    return ledger.latest()


# ------------------------------------------------------------------ scan


def cmd_scan(args) -> int:
    from .pipeline import scan
    from .report import flag_rows, write_report

    if args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    cfg = load_config()
    progress = _Progress("extracting")
    try:
        result = scan(cfg, args.paths or None, jobs=args.jobs, progress=progress.advance, on_start=progress.start,
                      executor=args.executor, scheduler=args.scheduler)
    finally:
        progress.stop()
    _report_sources(result.sources, result.problems)
    by_sev = result.severity_counts  # from the cache when nothing changed: flags load only for --report
    if args.report:
        rows = flag_rows(result.flags, _latest_decisions(cfg))
        write_report(rows, Path(args.report), "csv")
    summary = {
        "sources": len(result.sources), "parsed": result.parsed, "cached": result.reused,
        "problems": len(result.problems), "claims": result.claim_count, "flags": result.flag_count,
        "flags_by_severity": by_sev, "report": args.report,
    }
    if args.format == "json":
        print(json.dumps(summary))
        return 0
    from rich.table import Table

    t = Table(title="checker scan", show_header=True)
    t.add_column("sources read", justify="right")
    t.add_column("parsed / cached", justify="right")
    t.add_column("claims", justify="right")
    t.add_column("flags", justify="right")
    t.add_column("high", justify="right")
    t.add_column("medium", justify="right")
    t.add_column("low", justify="right")
    t.add_row(str(len(result.sources)), f"{result.parsed} / {result.reused}", str(result.claim_count),
              str(result.flag_count), str(by_sev["high"]), str(by_sev["medium"]), str(by_sev["low"]))
    con = _console()
    con.print(t)
    if args.report:
        con.print(f"report written to {args.report}", markup=False)
    return 0


# ------------------------------------------------------------------ claims


def cmd_claims(args) -> int:
    from .pipeline import extract, load_pack
    from .sources import load_sources

    cfg = load_config()
    sources, problems = load_sources(args.paths, root=Path.cwd(), max_bytes=cfg.max_bytes)
    _report_sources(sources, problems)
    pack = load_pack(cfg)
    results = list(extract(sources, pack, model=cfg.model, batch_size=cfg.batch_size))
    if args.format == "json":
        out = [dict(c.to_dict(), value=c.quantity.value_text()) for _, claims in results for c in claims]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    from rich.table import Table
    from rich.text import Text

    con = _console()
    for source, claims in results:
        t = Table(title=Text(f"{source.id} — {source.outlet or 'unknown outlet'}, {source.published or 'undated'}"),
                  show_lines=False, expand=False)
        for col in ("line:col", "figure", "value", "kind", "counted", "event", "scope", "places", "attributed to", "date"):
            t.add_column(col, overflow="fold")
        for c in claims:
            q = c.quantity
            t.add_row(*(Text(x) for x in (
                f"{c.line}:{c.col}", q.surface, q.value_text(), q.kind, c.counted, c.event,
                ", ".join(c.scope), ", ".join(c.places), c.attribution or "", c.date or "undated",
            )))
        con.print(t)
    return 0


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
        out.write(json.dumps({"quantities": records}, ensure_ascii=False) + "\n")
    out.flush()
    return 0


# ------------------------------------------------------------------ flags / report


def _stored_flags(cfg: Config):
    from .store import Store

    if not cfg.cache_path.exists():
        raise UserError("no scan stored yet; run 'checker scan' first")
    store = Store(cfg.cache_path)
    try:
        return store.get_flags()
    finally:
        store.close()


def _rows(cfg: Config, status: str = "all"):
    from .report import flag_rows

    flags = _stored_flags(cfg)
    rows = flag_rows(flags, _latest_decisions(cfg))
    if status != "all":
        rows = [r for r in rows if r["status"].split(" ")[0] == status]
    return rows


def _stream_rows(cfg: Config, status: str, severity: str | None, code: str | None):
    """Report rows of the stored flags, a page at a time (severity and code
    filtered in SQL, the review status from the ledger)."""
    from .report import flag_rows
    from .store import Store

    if not cfg.cache_path.exists():
        raise UserError("no scan stored yet; run 'checker scan' first")
    decisions = _latest_decisions(cfg)
    store = Store(cfg.cache_path)
    try:
        for page in store.iter_flags(severity=severity, code=code):
            rows = flag_rows(page, decisions)
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
            body = ",\n".join(textwrap.indent(json.dumps(r, ensure_ascii=False, indent=2), "  ") for r in rows)
            out.write(("[\n" if first else ",\n") + body)
        first = False
    if first:
        out.write(render([], fmt))
    elif fmt == "json":
        out.write("\n]\n")


def cmd_flags(args) -> int:
    cfg = load_config()
    severity, code = getattr(args, "severity", None), getattr(args, "code", None)
    if args.format in ("csv", "json"):
        _write_streamed(_stream_rows(cfg, args.status, severity, code), args.format, sys.stdout)
        return 0
    rows = [r for page in _stream_rows(cfg, args.status, severity, code) for r in page]
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"{len(rows)} flags ({args.status})")
    for col in ("id", "severity", "code", "status", "metric", "message"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*(Text(str(r[k])) for k in ("flag_id", "severity", "code", "status", "metric", "message")))
    _console().print(t)
    return 0


def cmd_report(args) -> int:
    from .report import render, write_report

    cfg = load_config()
    fmt = args.format
    if fmt is None:
        ext = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
        fmt = {"json": "json", "md": "md", "markdown": "md"}.get(ext, "csv")
    rows = _rows(cfg)
    if args.out:
        write_report(rows, Path(args.out), fmt)
        print(f"{len(rows)} flags written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(render(rows, fmt))
    return 0


# ------------------------------------------------------------------ review


def cmd_review(args) -> int:
    from .ledger import default_reviewer
    from .store import Store

    cfg = load_config()
    flags = _stored_flags(cfg)
    if not flags:
        print("no flags to review; run 'checker scan' first", file=sys.stderr)
        return 0
    flags.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.id))
    store = Store(cfg.cache_path)

    def article_text(source_id: str):
        s = store.get_source(source_id)
        return s.text if s else None

    from .tui.app import ReviewApp

    try:
        ReviewApp(flags, _ledger(cfg), default_reviewer(args.reviewer), article_text=article_text).run()
    finally:
        store.close()
    return 0


# ------------------------------------------------------------------ check


def cmd_check(args) -> int:
    from .check import run_check

    return run_check(load_config(), args.paths, args.fail_on)


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
    for name in ("docs", "scan", "review", "jobs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UserError(f"--{name} must be at least 1")
    if (args.executor != "local" or args.scheduler or args.jobs != 1) and not args.scan:
        raise UserError("--executor, --scheduler and --jobs apply to --scan N")
    if args.check == "" and not args.scan:
        raise UserError("--check needs an ARTICLE, or --scan N to check a copy of a source against N articles")
    docs = args.docs if args.docs is not None or args.scan or args.review else 200
    result = run_bench(cfg, args.paths or None, min_docs=docs, claim_sizes=sizes, check_article=args.check,
                       scan_articles=args.scan, review_flags=args.review, jobs=args.jobs,
                       executor=args.executor, scheduler=args.scheduler)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        from .bench import format_bench

        print(format_bench(result))
    return 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate, load_newsquant, newsquant_record
    from .nlp import load_pipeline

    cfg = load_config()
    data = load_newsquant(Path(args.file))
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
