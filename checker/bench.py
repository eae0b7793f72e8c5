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

from .config import Config
from .errors import UserError
from .model import Source

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


def run_bench(cfg: Config, paths: list[str] | None, min_docs: int = 200, claim_sizes: list[int] | None = None,
              check_article: str | None = None) -> dict:
    from .nlp import load_bare, load_pipeline
    from .pipeline import extract, load_pack, read_corpus
    from .quantities import quantulum_unit

    sources, _problems = read_corpus(cfg, paths)
    if not sources:
        raise UserError("no sources to benchmark")
    docs = distinct_documents(sources, min_docs)
    texts = [d.text for d in docs]
    words = _words(texts)
    pack = load_pack(cfg)
    bare = load_bare(cfg.model)
    full = load_pipeline(cfg.model)
    # warm-up: model weights, quantulum3's unit tables
    list(bare.pipe(texts[:5]))
    list(extract(docs[:5], pack, nlp=full))
    best_bare = best_full = float("inf")
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=cfg.batch_size):
            pass
        best_bare = min(best_bare, time.perf_counter() - t0)
        quantulum_unit.cache_clear()
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
    if check_article:
        result["check"] = bench_check(cfg, check_article)
    if claim_sizes:
        result["compare"] = [bench_compare(n, pack) for n in claim_sizes]
        result["peak_memory_mb"] = round(_peak_mb(), 1)
    return result


def bench_compare(n: int, pack) -> dict:
    """Time the comparison step alone on `n` synthetic claims."""
    from .engine import compare, synthetic_claims

    claims = synthetic_claims(n, seed=7)
    t0 = time.perf_counter()
    flags = compare(claims, pack)
    seconds = time.perf_counter() - t0
    return {"claims": n, "seconds": round(seconds, 3), "flags": len(flags),
            "microseconds_per_claim": round(1e6 * seconds / n, 2)}


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


def format_bench(r: dict) -> str:
    lines = [
        f"documents        {r['documents']} ({r['words']:,} words, {r['claims']:,} claims)",
        f"bare spaCy       {r['spacy_words_per_second']:>10,} words/s  ({r['model']})",
        f"extraction       {r['extraction_words_per_second']:>10,} words/s",
        f"ratio            {r['ratio']:>10.2f}  (extraction / bare spaCy)",
        f"peak memory      {r['peak_memory_mb']:>10,.1f} MB",
    ]
    if "check" in r:
        c = r["check"]
        lines.append(f"check            {c['check_seconds']:>10.3f} s  vs bare spaCy load+parse "
                     f"{c['bare_spacy_seconds']:.3f} s  (ratio {c['ratio']})")
    for c in r.get("compare", []):
        lines.append(f"compare {c['claims']:>9,} claims  {c['seconds']:>8.3f} s  "
                     f"({c['microseconds_per_claim']} µs/claim, {c['flags']:,} flags)")
    return "\n".join(lines)
