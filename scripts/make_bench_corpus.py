"""Write a corpus of N distinct articles for timing scans and the pre-commit check.

Articles are the seed articles' paragraphs recombined (checker.bench.distinct_documents),
dated and attributed at random but reproducibly, with a sources.csv beside them.

    python scripts/make_bench_corpus.py /tmp/big 1000
    cd /tmp/big && checker scan && checker scan      # cold, then warm
    checker bench articles/a0000.txt --docs 1 --check new_article.txt
"""
import random
import shutil
import sys
from pathlib import Path

from checker.bench import distinct_documents
from checker.sources import load_sources

OUTLETS = ["Axios", "Bloomberg", "CNN", "Reuters", "AP", "BBC", "Al Jazeera", "Haaretz"]


def main(target: str, count: str) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    root = Path(target)
    articles = root / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.checker]\nsources = ["articles"]\n')
    sources, _ = load_sources([seeds], seeds)
    rng = random.Random(5)
    rows = ["file,outlet,published"]
    for i, doc in enumerate(distinct_documents(sources, int(count), seed=3)):
        name = f"a{i:04d}.txt"
        (articles / name).write_text(doc.text, encoding="utf-8")
        rows.append(f"{name},{rng.choice(OUTLETS)},2024-0{rng.randint(1, 3)}-{rng.randint(10, 28)}")
    (articles / "sources.csv").write_text("\n".join(rows) + "\n")
    shutil.copy(seeds / "002_58061bc989f93f95.txt", root / "new_article.txt")
    print(f"{len(rows) - 1} articles in {articles}; new_article.txt for the check")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/make_bench_corpus.py TARGET_DIR COUNT")
    main(*sys.argv[1:])
