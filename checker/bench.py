"""`checker bench`: speed of extraction against bare spaCy, in one run.

Both pipelines parse the same texts in the same process after a warm-up, in
alternating rounds (best of each is kept), so the ratio says what checker adds
on top of spaCy. Peak memory is the process's maximum resident set size.
"""
from __future__ import annotations

import random
import resource
import time
from dataclasses import replace
from typing import Callable

from datetime import date

from .config import Config
from .errors import UserError
from .model import INF, Claim, Quantity, Source
from .rules.wording import _fmt

ROUNDS = 2


def distinct_documents(sources: list[Source], n: int, seed: int = 13) -> list[Source]:
    """At least `n` distinct documents: the sources themselves, then new articles
    assembled from their paragraphs in shuffled order (real prose, no copies)."""
    docs = list(sources)
    paragraphs = [p for s in sources for p in s.text.split("\n") if len(p.split()) >= 5]
    if not paragraphs:
        return docs
    rng = random.Random(seed)
    seen = {d.text for d in docs}
    attempts = 0
    while len(docs) < n and attempts < n * 20:
        attempts += 1
        k = min(len(paragraphs), rng.randint(4, 14))
        text = "\n".join(rng.sample(paragraphs, k))
        if text in seen:
            continue
        seen.add(text)
        base = sources[len(docs) % len(sources)]
        docs.append(replace(base, id=f"bench/{len(docs):05d}", text=text, content_hash=""))
    return docs


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bench(cfg: Config, paths: list[str] | None, min_docs: int | None = 200, claim_sizes: list[int] | None = None,
              check_article: str | None = None, scan_articles: int | None = None, review_flags: int | None = None,
              jobs: int = 1, executor: str = "local", scheduler: str | None = None, memory_limit: str | None = "4GB",
              progress: Callable[[str], None] | None = None, seed_cache: str | None = None,
              rescan: bool = False, long_article_kb: int | None = None) -> dict:
    """Extraction speed against bare spaCy (unless `min_docs` is None), plus
    whichever corpus-scale runs are asked for. `progress(message)` is told when
    each stage starts; it is never called inside a timed loop, so reporting
    cannot change the figures."""
    from .pipeline import read_corpus

    say = progress or (lambda message: None)

    sources, _problems = read_corpus(cfg, paths)
    if not sources:
        raise UserError("no sources to benchmark")
    result: dict = {}
    if min_docs is not None:
        result.update(bench_extraction(cfg, sources, min_docs, say))
        if check_article and not scan_articles:
            say(f"timing 'checker check {check_article}' (fresh processes)")
            result["check"] = bench_check(cfg, check_article)
    if scan_articles:
        say(f"scans of {scan_articles:,} generated articles (fresh processes)")
        result["scan"] = bench_scan(cfg, sources, scan_articles, jobs=jobs, executor=executor, scheduler=scheduler,
                                    check=check_article, say=say, seed_cache=seed_cache)
    if review_flags:
        say(f"opening the review app on {review_flags:,} flags")
        result["review"] = bench_review(review_flags)
    if rescan:
        result["rescan"] = bench_rescan(cfg, paths, say=say)
    if long_article_kb:
        result["long_article"] = bench_long_article(cfg, sources, long_article_kb, say=say)
    if claim_sizes:
        from .pipeline import load_pack

        pack = load_pack(cfg)
        result["compare"] = []
        for n in claim_sizes:
            if executor == "dask":
                say(f"comparison on {n:,} synthetic claims on a Dask cluster")
                result["compare"].append(bench_compare_dask(n, cfg, jobs, scheduler, memory_limit, say=say))
            else:
                say(f"comparison on {n:,} synthetic claims")
                result["compare"].append(bench_compare(n, pack))
        if executor != "dask" and len(claim_sizes) > 1:
            result["compare_per_doubling"] = per_doubling(result["compare"])
    result["peak_memory_mb"] = round(_peak_mb(), 1)
    return result


def bench_extraction(cfg: Config, sources: list[Source], min_docs: int,
                     say: Callable[[str], None] = lambda message: None) -> dict:
    from .nlp import load_bare, load_pipeline
    from .pipeline import extract, load_pack
    from .quantities import quantulum_unit

    docs = distinct_documents(sources, min_docs)
    texts = [d.text for d in docs]
    words = _words(texts)
    say(f"loading the spaCy model; {len(docs)} documents, {words:,} words")
    pack = load_pack(cfg)
    bare = load_bare(cfg.model)
    full = load_pipeline(cfg.model)
    # warm-up: model weights, quantulum3's unit tables
    list(bare.pipe(texts[:5]))
    list(extract(docs[:5], pack, nlp=full))
    best_bare = best_full = float("inf")
    for n in range(ROUNDS):
        say(f"round {n + 1} of {ROUNDS}: bare spaCy")
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=cfg.batch_size):
            pass
        best_bare = min(best_bare, time.perf_counter() - t0)
        quantulum_unit.cache_clear()
        say(f"round {n + 1} of {ROUNDS}: extraction")
        t0 = time.perf_counter()
        n_claims = sum(len(claims) for _, claims in extract(docs, pack, nlp=full, batch_size=cfg.batch_size))
        best_full = min(best_full, time.perf_counter() - t0)
    result = {
        "documents": len(docs),
        "words": words,
        "claims": n_claims,
        "spacy_words_per_second": round(words / best_bare),
        "extraction_words_per_second": round(words / best_full),
        "ratio": round(best_bare / best_full, 3),
        "spacy_seconds": round(best_bare, 3),
        "extraction_seconds": round(best_full, 3),
        "peak_memory_mb": round(_peak_mb(), 1),
        "model": bare.meta.get("name", ""),
    }
    return result


# Claims a worker makes at a time for `bench --claims N --executor dask`.
DASK_CHUNK = 100_000


def _make_chunk(index: int, size: int, seed: int, count: int, packs: list) -> tuple[bytes, tuple]:
    """Run on a worker: one chunk of the synthetic corpus, encoded, and the
    keys its claims join (computed while the claims are at hand)."""
    from .executors import _worker_pack
    from .partitioned import claims_edges, encode

    claims = synthetic_chunk(index, size, seed, count)
    return encode(claims), claims_edges(claims, _worker_pack(packs))


def bench_compare_dask(n: int, cfg: Config, workers: int = 2, scheduler: str | None = None,
                       memory_limit: str | None = "4GB", chunk: int | None = None,
                       say: Callable[[str], None] = lambda message: None) -> dict:
    """Compare `n` synthetic claims on a Dask cluster, partitioned by fact key.

    The workers make the corpus chunk by chunk, so the claims never live in
    one process; the client gathers only counts, an order-free digest of the
    flag ids and the surest flags (at 10M claims the flags themselves are
    several GB). Reports the wall time and the peak resident memory of the
    client (which hosts a local cluster's scheduler), every worker and every
    nanny. A fresh local cluster is started for each size, so the peaks are
    this run's."""
    import operator
    import os

    from .executors import DaskSession
    from .partitioned import compare_chunks, pack_bytes, process_peaks
    from .pipeline import _extra_rules
    from .rulepack import pack_files

    chunk = chunk or DASK_CHUNK
    packs = pack_bytes(pack_files(_extra_rules(cfg))[len(pack_files()):])
    with DaskSession(scheduler, workers, memory_limit if not scheduler else None) as session:
        client = session.client()
        pids = client.run(os.getpid)
        t0 = time.perf_counter()
        made = [client.submit(_make_chunk, i, chunk, 7, min(chunk, n - i * chunk), packs, pure=False)
                for i in range(-(-n // chunk))]
        chunks = [client.submit(operator.getitem, m, 0, pure=False) for m in made]
        edges = [client.submit(operator.getitem, m, 1, pure=False) for m in made]
        del made
        say(f"{len(chunks)} chunks of up to {chunk:,} claims made on {len(pids)} workers")
        summary = compare_chunks(client, chunks, packs, keep="summary", say=say, edges_of=edges)
        del edges
        seconds = time.perf_counter() - t0
        peaks = process_peaks(client)
        restarted = client.run(os.getpid) != pids
    return {"claims": n, "executor": "dask", "workers": len(pids), "memory_limit": memory_limit if not scheduler else None,
            "seconds": round(seconds, 3), "flags": summary["flags"], "severity": summary["severity"],
            "flag_digest": f"{summary['digest']:016x}", "compared_claims": summary["compared"],
            "partitions": summary["partitions"], "largest_partition": summary["largest_partition"],
            "slowest_partition_seconds": round(summary["partition_seconds"], 3),
            "sample": [f"{f.severity} {f.code} {f.fact or f.metric}: {f.message}" for f in summary["sample"]],
            "peak_mb": peaks, "max_peak_mb": max(peaks.values()), "workers_restarted": restarted,
            "microseconds_per_claim": round(1e6 * seconds / n, 2)}


def bench_compare(n: int, pack) -> dict:
    """Time the comparison step alone on `n` synthetic claims."""
    from .engine import compare

    claims = synthetic_claims(n, seed=7)
    t0 = time.perf_counter()
    flags = compare(claims, pack)
    seconds = time.perf_counter() - t0
    return {"claims": n, "seconds": round(seconds, 3), "flags": len(flags),
            "microseconds_per_claim": round(1e6 * seconds / n, 2),
            "peak_mb_so_far": round(_peak_mb(), 1)}


def per_doubling(runs: list[dict]) -> list[dict]:
    """Between consecutive sizes, the time ratio per doubling of the claims
    ((t2/t1) ** (1 / log2(n2/n1)): 2.0 is linear)."""
    import math

    out = []
    for a, b in zip(runs, runs[1:]):
        if b["claims"] > a["claims"] and a["seconds"] > 0:
            ratio = (b["seconds"] / a["seconds"]) ** (1 / math.log2(b["claims"] / a["claims"]))
            out.append({"from": a["claims"], "to": b["claims"], "ratio": round(ratio, 3)})
    return out


_BARE_SCRIPT = (
    "import sys, spacy; nlp = spacy.load(sys.argv[1]); "
    "nlp(open(sys.argv[2], encoding='utf-8', errors='replace').read())"
)


def bench_check(cfg: Config, article: str, rounds: int = 3) -> dict:
    """Wall time of `checker check ARTICLE` (a fresh process, as pre-commit runs
    it) against a fresh process that loads the same spaCy model and parses the
    same article; alternating rounds, best of each."""
    import subprocess
    import sys

    from .nlp import resolve_model_name

    import shutil
    import tempfile
    from pathlib import Path

    model = resolve_model_name(cfg.model)
    source = Path(article)
    if not source.is_file():
        raise UserError(f"{article}: no such file")
    # Warm the corpus cache once, as a team's earlier commits would have.
    subprocess.run([sys.executable, "-m", "checker", "check", str(source), "--fail-on", "high"],
                   cwd=cfg.root, capture_output=True)
    best_check = best_bare = float("inf")
    with tempfile.TemporaryDirectory(dir=cfg.root) as tmp:
        for i in range(rounds):
            # A new file each round, so the article itself is never in the cache.
            new = Path(tmp) / f"new-{i}{source.suffix}"
            shutil.copyfile(source, new)
            with open(new, "a", encoding="utf-8") as fh:
                fh.write(f"\nBench round {i}.\n")
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", _BARE_SCRIPT, model, str(new)], cwd=cfg.root,
                           capture_output=True, check=True)
            best_bare = min(best_bare, time.perf_counter() - t0)
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "checker", "check", str(new), "--fail-on", "high"],
                                  cwd=cfg.root, capture_output=True, text=True)
            best_check = min(best_check, time.perf_counter() - t0)
            if proc.returncode == 2:
                last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
                raise UserError(f"checker check failed: {last}")
    return {"article": article, "check_seconds": round(best_check, 3), "bare_spacy_seconds": round(best_bare, 3),
            "ratio": round(best_check / best_bare, 2)}


def _format_check(c: dict) -> str:
    return (f"check            {c['check_seconds']:>10.3f} s  vs bare spaCy load+parse "
            f"{c['bare_spacy_seconds']:.3f} s  (ratio {c['ratio']})")


def format_bench(r: dict) -> str:
    lines = []
    if "documents" in r:
        lines += [
            f"documents        {r['documents']} ({r['words']:,} words, {r['claims']:,} claims)",
            f"bare spaCy       {r['spacy_words_per_second']:>10,} words/s  ({r['model']})",
            f"extraction       {r['extraction_words_per_second']:>10,} words/s",
            f"ratio            {r['ratio']:>10.2f}  (extraction / bare spaCy)",
        ]
    lines.append(f"peak memory      {r['peak_memory_mb']:>10,.1f} MB  (this process)")
    if "check" in r:
        lines.append(_format_check(r["check"]))
    if "scan" in r:
        sc = r["scan"]
        how = f"--executor dask --jobs {sc['jobs']}" if sc["executor"] == "dask" else f"--jobs {sc['jobs']}"
        lines.append(f"scan of {sc['articles']:,} generated articles ({how}), each run a fresh process:")
        labels = {"cold_jobs_1": "cold, --jobs 1", "cold": "cold" if "seeded_from" not in sc else "seeded",
                  "warm": "warm (no change)", "edited": "one file edited"}
        if "seeded_from" in sc:
            lines.append(f"  (first scan from a copy of {sc['seeded_from']}: claims reused, not a cold scan)")
        for name, label in labels.items():
            if name in sc:
                x = sc[name]
                lines.append(f"  {label:<18}{x['seconds']:>8.3f} s  peak {x['peak_mb']:,.0f} MB  "
                             f"parsed {x.get('parsed')}, {x.get('flags')} flags")
        lines.append(f"  {'warm / cold':<18}{sc['warm_over_cold']:>8.3f}")
        if "dask_speedup" in sc:
            lines.append(f"  {'dask speed-up':<18}{sc['dask_speedup']:>8.2f}x  (cold --jobs 1 / cold dask)")
        if "check" in sc:
            lines.append("  " + _format_check(sc["check"]))
    if "review" in r:
        v = r["review"]
        lines.append(f"review open      {v['open_seconds']:>10.3f} s  with {v['flags']:,} flags  peak {v['peak_mb']:,.0f} MB "
                     f"(a fresh process to the first screen: imports {v['import_seconds']:.2f} s, "
                     f"app {v['app_seconds']:.2f} s, drawn at {v['first_paint_seconds']:.2f} s; "
                     f"{v['rows_held']:,} rows held)")
        lines.append(f"flags as CSV     {v['csv']['seconds']:>10.3f} s  all {v['flags']:,} flags  "
                     f"peak {v['csv']['peak_mb']:,.0f} MB  ('checker flags --format csv --all', a fresh process)")
    if "rescan" in r:
        x = r["rescan"]
        lines.append(f"re-scan of {', '.join(x['sources'])}, each run a fresh process:")
        lines.append(f"  {'cold':<18}{x['cold']['seconds']:>8.3f} s  parsed {x['cold'].get('parsed')}, "
                     f"{x['cold'].get('flags')} flags")
        lines.append(f"  {'warm (no change)':<18}" + ", ".join(f"{w['seconds']:.3f}" for w in x["warm"])
                     + f" s  (median {x['warm_median_seconds']:.3f})")
        lines.append(f"  {'warm / cold':<18}{x['warm_over_cold']:>8.3f}")
    if "long_article" in r:
        x = r["long_article"]
        lines.append(f"one {x['kilobytes']:,.0f} KB article ({x['paragraphs']:,} paragraphs), each a fresh process:")
        for how in ("pieces", "whole"):
            y = x[how]
            lines.append(f"  {how:<18}peak {y['peak_mb']:>8,.0f} MB  {y['seconds']:>6.1f} s  {y['claims']:,} claims")
        lines.append(f"  {'same claims':<18}{'yes' if x['same_claims'] else 'NO'}")
    for c in r.get("compare", []):
        lines.append(f"compare {c['claims']:>9,} claims  {c['seconds']:>8.3f} s  "
                     f"({c['microseconds_per_claim']} µs/claim, {c['flags']:,} flags)")
        if c.get("executor") == "dask":
            lines.append(f"  on {c['workers']} Dask workers (memory limit {c['memory_limit'] or 'the cluster’s'}), "
                         f"{c['partitions']} partitions by fact key, largest {c['largest_partition']:,} claims; "
                         f"flag digest {c['flag_digest']}")
            for name, mb in c["peak_mb"].items():
                lines.append(f"  peak {name:<34}{mb:>10,.1f} MB")
            if c["workers_restarted"]:
                lines.append("  a worker was restarted during the run (memory limit?): its peak is lost")
    for step in r.get("compare_per_doubling", []):
        lines.append(f"compare {step['from']:>9,} -> {step['to']:,} claims: {step['ratio']:.2f}x per doubling")
    return "\n".join(lines)


# --------------------------------------------------------------------------- synthetic claims (for timing compare)

_GENERIC_EVENTS = [("kill", True), ("injure", True), ("displace", True), ("hold", False),
                   ("pledge", False), ("deploy", False), ("evacuate", True), ("price", False)]

_OUTLETS = ["Wire", "Herald", "Courier", "Gazette", "Tribune", "Post", "Times", "Chronicle",
            "Observer", "Journal", "Ledger", "Monitor"]

_PLACES = ["Malatya", "Lisbon", "Quito", "Hanoi", "Accra", "Tromso", "Cusco", "Perth"]

def synthetic_claims(n: int, seed: int = 0) -> list[Claim]:
    """`n` made-up claims shaped like a large news corpus, for timing compare().

    Stories (about one per 60 claims) spread over ten years; each has a few
    facts reported by several sources over two weeks: most figures agree,
    cumulative ones rise, and a few conflict, are hedged, bounded, rounded,
    categorical or undated. About a tenth of the facts are the built-in
    pack's metrics (hostages held, deaths in Gaza, pause length), one
    long-running series each, so those blocks grow with the corpus as they
    would in a real one. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    n_stories = max(1, n // 60)
    return _synthetic_claims(rng, n, _synthetic_stories(rng, n_stories, 0), 0)


def synthetic_chunk(index: int, size: int, seed: int = 7, count: int | None = None) -> list[Claim]:
    """Chunk `index` of a synthetic corpus made of chunks of `size` claims
    (`count` of them when it is the last, partial chunk): its own stories
    (numbered after the earlier chunks', so no two chunks share a source or
    a story's fact) and the long-running series all chunks share.
    Deterministic for (index, size, seed), and each chunk is made without the
    others, so a cluster's workers can make a corpus no single process holds."""
    rng = random.Random(f"{seed}:{index}:{size}")
    n_stories = max(1, size // 60)
    stories = _synthetic_stories(rng, n_stories, index * n_stories)
    return _synthetic_claims(rng, size if count is None else count, stories, index * size)


def synthetic_corpus(n: int, chunk: int, seed: int = 7) -> list[Claim]:
    """The whole corpus `bench --executor dask` makes chunk by chunk on its
    workers, in one list (to check the cluster's flags against one process)."""
    return [c for i in range(-(-n // chunk)) for c in synthetic_chunk(i, chunk, seed, min(chunk, n - i * chunk))]


_START = date(2015, 1, 1).toordinal()
_ISO: dict[int, str] = {}


def _day_iso(d: int) -> str:
    s = _ISO.get(d)
    if s is None:
        s = _ISO[d] = date.fromordinal(d).isoformat()
    return s


def _synthetic_stories(rng: random.Random, n_stories: int, first: int) -> list[dict]:
    start = _START

    # (counted, event, phrase, unit, cumulative, scope, places, value(day, base))
    series = [
        ("hostage", "hold", "hostages remain held in Gaza", "", False, ["remaining"], ["Gaza"],
         lambda d, b: float(max(1, 240 - (d - start) // 30))),
        ("person", "die", "people have died in Gaza", "", True, [], ["Gaza"],
         lambda d, b: float(1000 + 10 * (d - start))),
        ("pause", "pause", "pause proposed in the deal", "day", False, ["proposed"], [],
         lambda d, b: float(42 + 3 * (((d - start) // 365) % 2))),
    ]
    stories = []
    for k in range(first, first + n_stories):
        facts = []
        for f in range(rng.randint(2, 6)):
            r = rng.random()
            if r < 0.10:
                facts.append(series[rng.randrange(len(series))])
            else:
                event, cumulative = _GENERIC_EVENTS[rng.randrange(len(_GENERIC_EVENTS))]
                base = float(rng.choice([12, 45, 136, 240, 1200, 26000, 7, 42]) * rng.randint(1, 9))
                facts.append((f"item{k}x{f}", event, f"item {k}/{f} {event}", "", cumulative, [],
                              [rng.choice(_PLACES)],
                              (lambda d, b, day0=None: b)))
        sources = [f"s{k}-{j}.txt" for j in range(rng.randint(3, 8))]
        stories.append({
            "day": start + rng.randrange(3650),
            "facts": facts,
            "bases": [float(rng.choice([12, 45, 136, 240, 1200, 26000, 7, 42]) * rng.randint(1, 9)) for _ in facts],
            "sources": sources,
            "outlets": {s: f"{rng.choice(_OUTLETS)} {s[:-4]}" for s in sources},
        })
    return stories


def _synthetic_claims(rng: random.Random, n: int, stories: list[dict], first: int) -> list[Claim]:
    n_stories = len(stories)
    claims: list[Claim] = []
    for i in range(first, first + n):
        st = stories[rng.randrange(n_stories)]
        fi = rng.randrange(len(st["facts"]))
        counted, event, phrase, unit, cumulative, scope, places, value_at = st["facts"][fi]
        offset = rng.randint(0, 14)
        day = st["day"] + offset
        value = value_at(day, st["bases"][fi])
        if cumulative and counted.startswith("item"):
            value = float(round(value * (1 + 0.05 * offset)))
        kind, low, high, tol, group = "exact", value, value, 0.0, None
        r = rng.random()
        if r < 0.03:
            low = high = float(round(value * 1.6))  # a conflicting figure
        elif r < 0.06:
            kind, tol = "approx", round(value * 0.1, 2)
        elif r < 0.08:
            kind, high = "lower", INF
        elif r < 0.09:
            kind, low, high, group = "categorical", None, None, f"women and children {counted}s"
        elif r < 0.11 and unit == "day":
            tol = 3.5
        source = rng.choice(st["sources"])
        undated = rng.random() < 0.04
        d = None if undated else _day_iso(day)
        surface = f"{_fmt(value)} {counted}s" if kind != "categorical" else f"all the {group}"
        q = Quantity(low=low, high=high, kind=kind, unit=unit or counted, surface=surface,
                     tolerance=tol, concept=counted, group=group)
        claims.append(Claim(
            source_id=source, quantity=q, sentence=f"{surface} {phrase}, officials said ({i}).",
            line=1 + i % 40, col=1, counted=counted, event=event, places=places, scope=scope,
            attribution=None, date=d, date_basis="none" if undated else "published",
            outlet=st["outlets"][source], published=d,
            # what the extractor reads for such a sentence, so the facts stage is timed too
            measure=_MEASURES.get(event, ""), measure_sure=1.0, owner=(places[0].lower() if places else ""),
        ))
    return claims


# The measure the general lexicon gives each synthetic event (others have none:
# the generic key takes them, as it does real figures the lexicon is silent on).
_MEASURES = {"kill": "deaths", "die": "deaths", "injure": "injured", "displace": "displaced",
             "hold": "held captive", "evacuate": "evacuated", "pause": "duration"}


# ------------------------------------------------------------ corpus-scale runs

OUTLETS = ["Axios", "Bloomberg", "CNN", "Reuters", "AP", "BBC", "Al Jazeera", "Haaretz"]


def write_bench_corpus(root, count: int, sources: list[Source]):
    """`count` distinct articles (the sources' paragraphs recombined) under
    root/articles with a sources.csv, a pyproject.toml naming them, and
    root/new_article.txt (a copy of one source) for the check. Reproducible.
    Shared with scripts/make_bench_corpus.py."""
    import shutil
    from pathlib import Path

    root = Path(root)
    articles = root / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.checker]\nsources = ["articles"]\n')
    rng = random.Random(5)
    rows = ["file,outlet,published"]
    for i, doc in enumerate(distinct_documents(sources, int(count), seed=3)[: int(count)]):
        name = f"a{i:04d}.txt"
        (articles / name).write_text(doc.text, encoding="utf-8")
        rows.append(f"{name},{rng.choice(OUTLETS)},2024-0{rng.randint(1, 3)}-{rng.randint(10, 28)}")
    (articles / "sources.csv").write_text("\n".join(rows) + "\n")
    model_article = Path(sources[min(2, len(sources) - 1)].path)
    shutil.copy(model_article, root / "new_article.txt")
    return root


# A driver's own peak memory in MB, as driver code: ru_maxrss keeps the
# parent's peak across fork and exec; /proc's VmHWM is this program's own.
_OWN_PEAK_MB = "next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024"

# Runs a checker command in a fresh interpreter and writes its peak resident
# memory (this process only: Dask workers are not counted) where asked.
_DRIVER = (
    "import json, os, resource, sys\n"
    "from checker.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "try:\n"
    f"    peak = {_OWN_PEAK_MB}\n"
    "except (OSError, StopIteration, ValueError):\n"
    "    pass\n"
    "open(os.environ['CHECKER_BENCH_STATS'], 'w').write(json.dumps({'code': code, 'peak_mb': peak}))\n"
)


def _timed(args: list[str], cwd) -> dict:
    """Wall time (interpreter start included, as a user sees it) and peak memory
    of `checker ARGS` in a fresh process."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        stats_path = fh.name
    try:
        env = dict(os.environ, CHECKER_BENCH_STATS=stats_path)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _DRIVER, *args], cwd=cwd, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        try:
            with open(stats_path, encoding="utf-8") as fh:
                stats = json.loads(fh.read() or "{}")
        except (OSError, ValueError):
            stats = {}
    finally:
        os.unlink(stats_path)
    if proc.returncode not in (0, 1) or stats.get("code") not in (0, 1):
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        raise UserError(f"'checker {' '.join(args)}' failed during the benchmark: {last}")
    out = {"seconds": round(seconds, 3), "peak_mb": round(stats.get("peak_mb", 0.0), 1)}
    if "--format" in args and "json" in args:
        try:
            summary = json.loads(proc.stdout)
            out.update(parsed=summary.get("parsed"), flags=summary.get("flags"))
        except ValueError:
            pass
    return out


def _age_files(folder, seconds: int = 120) -> None:
    """Set modification times back, as for a corpus checked out a while ago
    (files modified within the last two seconds are never trusted by stat)."""
    import os

    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def bench_scan(cfg: Config, sources: list[Source], n: int, jobs: int = 1, executor: str = "local",
               scheduler: str | None = None, check: str | None = None,
               say: Callable[[str], None] = lambda message: None, seed_cache: str | None = None) -> dict:
    """Cold, warm and one-file-edited scans of `n` generated articles, each in a
    fresh process; with `executor="dask"`, also a cold `--jobs 1` scan to give
    the speed-up; with `check`, the pre-commit check against the cached corpus.
    With `seed_cache` (a cache of a scan of the same generated articles) the
    first scan starts from a copy of it: it reads every file and compares, but
    parses only what the copy lacks (a cold scan of 10,000 articles takes
    minutes on two cores)."""
    import shutil
    import tempfile
    from pathlib import Path

    from .config import load_config

    run_args = ["--jobs", str(jobs)]
    if executor == "dask":
        run_args += ["--executor", "dask"] + (["--scheduler", scheduler] if scheduler else [])
    with tempfile.TemporaryDirectory(prefix="checker-bench-") as tmp:
        root = write_bench_corpus(Path(tmp), n, sources)
        _age_files(root)
        result: dict = {"articles": n, "jobs": jobs, "executor": executor}
        if seed_cache:
            (root / ".checker").mkdir(exist_ok=True)
            shutil.copyfile(seed_cache, root / ".checker" / "cache.sqlite")
            result["seeded_from"] = str(seed_cache)
        if executor == "dask":
            say("cold scan, --jobs 1")
            result["cold_jobs_1"] = _timed(["scan", "--format", "json", "--jobs", "1"], root)
            shutil.rmtree(root / ".checker")
        say(f"cold scan, {' '.join(run_args)}")
        result["cold"] = _timed(["scan", "--format", "json", *run_args], root)
        say("warm scan")
        result["warm"] = _timed(["scan", "--format", "json"], root)
        edited = root / "articles" / "a0000.txt"
        with open(edited, "a", encoding="utf-8") as fh:
            fh.write("\nOfficials said 12 more trucks crossed on Sunday.\n")
        say("scan with one file edited")
        result["edited"] = _timed(["scan", "--format", "json"], root)
        result["warm_over_cold"] = round(result["warm"]["seconds"] / result["cold"]["seconds"], 3)
        if executor == "dask":
            result["dask_speedup"] = round(result["cold_jobs_1"]["seconds"] / result["cold"]["seconds"], 2)
        if check is not None:
            article = check or str(root / "new_article.txt")
            say("timing 'checker check' against the cached articles (fresh processes)")
            result["check"] = bench_check(load_config(root), str(Path(article).resolve()))
    return result


def bench_rescan(cfg: Config, paths: list[str] | None, warm_runs: int = 3,
                 say: Callable[[str], None] = lambda message: None) -> dict:
    """A cold scan of the sources themselves, then `warm_runs` scans with
    nothing changed, each a fresh process, in a copy of the sources and the
    project's rule packs: what a user waits for when nothing needs parsing.
    The ratio is the median warm scan over the cold one."""
    import json
    import shutil
    import statistics
    import tempfile
    from pathlib import Path

    entries = list(paths or cfg.sources)
    with tempfile.TemporaryDirectory(prefix="checker-bench-") as tmp:
        root = Path(tmp)
        copied: dict[str, list[str]] = {"sources": [], "rules": []}
        for kind, names in (("sources", entries), ("rules", cfg.rules)):
            for name in names:
                where = (cfg.root / name).resolve()
                try:
                    rel = where.relative_to(cfg.root.resolve())
                except ValueError:
                    raise UserError(f"{name}: outside the project folder {cfg.root}; "
                                    "the re-scan benchmark copies the project's own sources") from None
                if not where.exists():
                    raise UserError(f"{name}: no such file or folder")
                target = root / "project" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if where.is_dir():
                    shutil.copytree(where, target, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns(".checker", "__pycache__"))
                else:
                    shutil.copy2(where, target)
                copied[kind].append(rel.as_posix() or ".")
        project = root / "project"
        (project / "pyproject.toml").write_text(
            "[tool.checker]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in copied.items() if v)
            + f"model = {json.dumps(cfg.model)}\nmax_bytes = {cfg.max_bytes}\n", encoding="utf-8")
        _age_files(project)
        say("cold scan of the sources")
        cold = _timed(["scan", "--format", "json"], project)
        warm = []
        for i in range(warm_runs):
            say(f"warm scan {i + 1} of {warm_runs}")
            warm.append(_timed(["scan", "--format", "json"], project))
    middle = statistics.median(w["seconds"] for w in warm)
    return {"sources": entries, "cold": cold, "warm": warm, "warm_median_seconds": middle,
            "warm_over_cold": round(middle / cold["seconds"], 3)}


# Extracts one long article in a fresh interpreter, in pieces or whole, and
# prints its claims' digest and that process's own peak memory.
_LONG_DRIVER = (
    "import hashlib, json, sys\n"
    "from checker.config import load_config\n"
    "from checker.pipeline import extract, load_pack, read_corpus\n"
    "cfg = load_config()\n"
    "sources, _ = read_corpus(cfg, None)\n"
    "whole = sys.argv[1] == 'whole'\n"
    "claims = [c.to_dict() for _, cl in extract(sources, load_pack(cfg), model=cfg.model,\n"
    "          max_chars=len(sources[0].text) + 1 if whole else None) for c in cl]\n"
    "digest = hashlib.sha1(json.dumps(claims, sort_keys=True).encode()).hexdigest()[:16]\n"
    f"peak = {_OWN_PEAK_MB}\n"
    "print(json.dumps({'claims': len(claims), 'digest': digest, 'peak_mb': peak}))\n"
)


def bench_long_article(cfg: Config, sources: list[Source], kilobytes: int,
                       say: Callable[[str], None] = lambda message: None) -> dict:
    """Peak memory of extracting one article of about `kilobytes` KB (the
    sources' paragraphs, one after another, blank lines between) as a scan
    does, in pieces, and parsed whole; each a fresh process. The claims must
    be the same."""
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    if not Path("/proc/self/status").exists():
        raise UserError("--long-article reads a process's peak memory from /proc (Linux only)")
    paragraphs = [p.strip() for d in distinct_documents(sources, 50) for p in d.text.split("\n") if p.strip()]
    if not paragraphs:
        raise UserError("no paragraphs in the sources to build a long article from")
    chunks, size, i = [], 0, 0
    while size < kilobytes * 1000:
        chunks.append(paragraphs[i % len(paragraphs)])
        size += len(chunks[-1]) + 2
        i += 1
    text = "\n\n".join(chunks) + "\n"
    out: dict = {"kilobytes": round(len(text.encode()) / 1000, 1), "paragraphs": len(chunks)}
    with tempfile.TemporaryDirectory(prefix="checker-bench-") as tmp:
        root = Path(tmp)
        (root / "articles").mkdir()
        (root / "articles" / "long.txt").write_text(text, encoding="utf-8")
        (root / "pyproject.toml").write_text(
            f'[tool.checker]\nsources = ["articles"]\nmodel = {json.dumps(cfg.model)}\n'
            f"max_bytes = {len(text.encode()) + 1}\n", encoding="utf-8")
        for how in ("pieces", "whole"):
            say(f"extracting a {out['kilobytes']:,.0f} KB article {'in pieces' if how == 'pieces' else 'whole'}")
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", _LONG_DRIVER, how], cwd=root, capture_output=True, text=True)
            if proc.returncode != 0:
                last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
                raise UserError(f"extracting the long article {how} failed during the benchmark: {last}")
            out[how] = dict(json.loads(proc.stdout.strip().splitlines()[-1]),
                            seconds=round(time.perf_counter() - t0, 1))
            out[how]["peak_mb"] = round(out[how]["peak_mb"], 1)
    out["same_claims"] = out["pieces"]["digest"] == out["whole"]["digest"]
    return out


def synthetic_flags(n: int, seed: int = 11) -> list:
    """`n` made-up flags, each between two claims of made-up articles, for
    timing what loads them (the review app, `checker flags`)."""
    from .model import Claim, Flag, Quantity

    rng = random.Random(seed)
    flags = []
    for i in range(n):
        claims = []
        for side in range(2):
            value = float(rng.randint(10, 5000))
            source = f"articles/a{rng.randrange(max(2, n // 10)):05d}.txt"
            claims.append(Claim(
                source_id=source,
                quantity=Quantity(low=value, high=value, kind="exact", surface=f"{value:,.0f}", start=40, end=45),
                sentence=f"Officials said {value:,.0f} people were displaced in district {i} ({side}).",
                line=rng.randint(1, 40), col=rng.randint(1, 80), counted="person", event="displace",
                places=[f"district {i}"], outlet=rng.choice(OUTLETS), published=f"2024-0{rng.randint(1, 9)}-1{side}",
            ))
        flags.append(Flag(code="CK101", severity=rng.choice(["low", "medium", "high"]),
                          metric=f"people displaced in district {i}", claims=claims,
                          message=f"{claims[0].outlet} and {claims[1].outlet} disagree on people displaced in district {i}",
                          rule="numeric-conflict", confidence=rng.choice([1.0, 0.9, 0.75, 0.4])))
    return flags


_REVIEW_DRIVER = (
    "import asyncio, json, resource, sys, time\n"
    "t0 = time.perf_counter()\n"
    "from checker.commands import review_app\n"
    "from checker.config import load_config\n"
    "from checker.tui.flag_list import FlagList\n"
    "from checker.tui.status_bar import StatusBar\n"
    "t1 = time.perf_counter()\n"
    "app, store = review_app(load_config(), [], True, 'bench')\n"
    "t2 = time.perf_counter()\n"
    "out = {}\n"
    "async def first_paint():\n"
    "    async with app.run_test(size=(140, 40)) as pilot:\n"
    "        await pilot.pause()\n"
    "        table = app.screen.query_one(FlagList)\n"
    "        out.update(open_seconds=time.perf_counter() - t0, painted_at=time.time(), rows=table.row_count, flags=table.total,\n"
    "                   status=app.screen.query_one(StatusBar).content.plain)\n"
    "asyncio.run(first_paint())\n"
    "store.close()\n"
    "out.update(import_seconds=t1 - t0, app_seconds=t2 - t1, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    "try:\n"
    f"    out['peak_mb'] = {_OWN_PEAK_MB}\n"
    "except (OSError, StopIteration, ValueError):\n"
    "    pass\n"
    "print(json.dumps(out))\n"
)


def bench_review(n: int) -> dict:
    """`checker review --all` on a cache of `n` synthetic flags, in a fresh
    process, up to its first screen (headless, through Textual's test
    driver, 140x40): wall time from starting the interpreter to the list
    painted, and that process's peak memory."""
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from .store import Store

    with tempfile.TemporaryDirectory(prefix="checker-bench-") as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text('[tool.checker]\nsources = ["articles"]\n')
        store = Store(root / ".checker" / "cache.sqlite")
        try:
            store.put_flags(synthetic_flags(n))
            store.commit()
        finally:
            store.close()
        started = time.time()
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _REVIEW_DRIVER], cwd=root, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
            raise UserError(f"review opening failed during the benchmark: {last}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        csv = _timed(["flags", "--format", "csv", "--all"], root)
    # Open time: from starting the interpreter to the list painted (not the app's teardown after it).
    return {"flags": r["flags"], "rows_held": r["rows"], "open_seconds": round(r["painted_at"] - started, 3),
            "process_seconds": round(wall, 3),
            "first_paint_seconds": round(r["open_seconds"], 3), "import_seconds": round(r["import_seconds"], 3),
            "app_seconds": round(r["app_seconds"], 3), "peak_mb": round(r["peak_mb"], 1), "status": r["status"],
            "csv": csv}
