"""Bucket the extractor's NewsQuant errors by class, for error analysis.

Each gold quantity is paired with the first free prediction of equal value
(the scorer's value test); what is left is a miss, an unpaired prediction is
spurious, and a pair can still disagree on unit, change or concept.

    python scripts/newsquant_errors.py ../shared/datasets/newsquant/dev.json          # counts per class
    python scripts/newsquant_errors.py ../shared/datasets/newsquant/dev.json unit     # the unit errors
    (classes: miss, spurious, unit, change, concept)

Reads the data set at run time; nothing from it is kept.
"""
import collections
import json
import sys

from checker.config import load_config
from checker.evaluate import _gold_value, _pred_value, _unit, _values_match, _words, newsquant_record
from checker.nlp import load_pipeline


def buckets(data: list[dict]) -> dict[str, list[tuple]]:
    nlp = load_pipeline(load_config().model)
    out: dict[str, list[tuple]] = collections.defaultdict(list)
    for item, doc in zip(data, nlp.pipe(x["text"] for x in data)):
        preds = [(q, r) for q, r in ((q, newsquant_record(q)) for q in doc._.quantities) if r]
        used: set[int] = set()
        text = item["text"]
        for g in item.get("quantities", []):
            gv = _gold_value(g.get("value", ""))
            hit = next((j for j, (_, r) in enumerate(preds)
                        if j not in used and gv is not None and _values_match(gv, _pred_value(r["value"]))), None)
            if hit is None:
                out["miss"].append((g["value"], g.get("normalized_unit"), [q.surface for q, _ in preds], text))
                continue
            used.add(hit)
            q, r = preds[hit]
            if _unit(r["unit"]) != _unit(g.get("normalized_unit", "-")):
                out["unit"].append((g["value"], f"gold {g.get('normalized_unit')!r}", f"pred {r['unit']!r}", text))
            if r["change"] != str(g.get("change", "=")).strip():
                out["change"].append((g["value"], f"gold {g.get('change')!r}", f"pred {r['change']!r}", text))
            if not _words(g.get("referred_concepts", "-")) & _words(r["concept"]):
                out["concept"].append((g["value"], f"gold {g.get('referred_concepts')!r}", f"pred {r['concept']!r}", text))
        for j, (q, r) in enumerate(preds):
            if j not in used:
                out["spurious"].append((q.surface, r["value"], r["unit"], text))
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    data = json.loads(open(argv[0], encoding="utf-8").read())
    found = buckets(data)
    for name in ("miss", "spurious", "unit", "change", "concept"):
        print(f"{name:10}{len(found[name]):5}")
    for row in found.get(argv[1], []) if len(argv) > 1 else []:
        print(" | ".join(str(x) for x in row[:-1]), "|", row[-1][:160])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
