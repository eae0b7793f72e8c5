"""Write a corpus of N distinct articles for timing scans and the pre-commit check.

Articles are the seed articles' paragraphs recombined (checker.bench.write_bench_corpus,
which `checker bench --scan N` uses too), dated and attributed at random but
reproducibly, with a sources.csv beside them.

    python scripts/make_bench_corpus.py /tmp/big 1000
    cd /tmp/big && checker scan && checker scan      # cold, then warm
    checker bench articles/a0000.txt --docs 1 --check new_article.txt
"""
import sys
from pathlib import Path

from checker.bench import write_bench_corpus
from checker.sources import load_sources


def main(target: str, count: str) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    sources, _ = load_sources([seeds], seeds)
    root = write_bench_corpus(Path(target), int(count), sources)
    print(f"{count} articles in {root / 'articles'}; new_article.txt for the check")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/make_bench_corpus.py TARGET_DIR COUNT")
    main(*sys.argv[1:])
