"""Comparison partitioned by fact key on a real Dask LocalCluster gives the flags of one process."""
from __future__ import annotations

import pytest

from checker.bench import synthetic_chunk
from checker.engine import compare
from checker.facts import Aligner
from checker.model import Claim, Quantity
from checker.partitioned import chunks_of, claim_keys, compare_chunks, components, encode, part_of
from checker.rulepack import load_rulepack

pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def builtin():
    return load_rulepack()


def _on_cluster(client, claims, parts, chunk=1_000):
    chunks = client.scatter([encode(ch) for ch in chunks_of(claims, chunk)])
    return compare_chunks(client, chunks, [], parts=parts, keep="flags")


def _figure(source, counted, value, places, day="2024-03-01"):
    q = Quantity(low=value, high=value, kind="exact", unit=counted, surface=f"{value:g} {counted}s", concept=counted)
    return Claim(source_id=source, quantity=q, sentence=f"Crews delivered {value:g} {counted}s ({source}).",
                 line=1, col=1, counted=counted, event="deliver", places=places, outlet=source.upper(),
                 date=day, published=day)


def test_synthetic_corpus_on_two_workers_gives_the_flags_of_one_process(client, builtin):
    claims = [c for i in range(4) for c in synthetic_chunk(i, 1_500, seed=3)]
    expected = [f.to_dict() for f in compare(claims, builtin)]
    result = _on_cluster(client, claims, parts=5)
    assert [f.to_dict() for f in result["flags_list"]] == expected
    assert len(expected) > 100 and result["partitions"] == 5
    # the pack's long-running series and the stories' facts were spread over partitions
    assert result["largest_partition"] < result["claims"] / 2


def test_a_figure_with_no_place_takes_its_source_s_place_from_other_partitions(client, builtin):
    """Tents name no place: each inherits its source's (from the trucks), so
    A's tents (Quito) meet C's (Quito) and not B's (Lisbon), though the
    trucks are compared in another partition."""
    claims = [
        _figure("a.txt", "truck", 40, ["Quito"]), _figure("a.txt", "tent", 100, []),
        _figure("b.txt", "truck", 40, ["Lisbon"]), _figure("b.txt", "tent", 300, []),
        _figure("c.txt", "tent", 300, ["Quito"]),
    ]
    aligner = Aligner(builtin)
    truck, tent = (claim_keys(claims[i], builtin, aligner)[0] for i in (0, 1))
    assert part_of(truck, 5) != part_of(tent, 5)
    expected = [f.to_dict() for f in compare(claims, builtin)]
    result = _on_cluster(client, claims, parts=5, chunk=2)
    assert [f.to_dict() for f in result["flags_list"]] == expected
    assert [{c["source_id"] for c in f["claims"]} for f in expected] == [{"a.txt", "c.txt"}]
    # the tents alone, with no sources' places, would be compared otherwise
    alone = compare([c for c in claims if c.counted == "tent"], builtin)
    assert [{c.source_id for c in f.claims} for f in alone] != [{"a.txt", "c.txt"}]


def _converted(source, counted, value, unit, restated, restated_unit, trend="level"):
    """A figure with its bracketed restatement in other units."""
    c = _figure(source, counted, value, [])
    c.quantity.unit, c.quantity.trend, c.quantity.surface = unit, trend, f"{value:g} {unit}s"
    c.restated_as = Quantity(low=restated, high=restated, kind="exact", unit=restated_unit,
                             surface=f"{restated:g} {restated_unit}s")
    return c


def test_conversion_flags_on_the_cluster_are_those_of_one_process(client, builtin):
    """CK107 needs a figure and its conversion only: a figure with a fact
    (counted trucks), one with none (a change) and a right one, spread over
    partitions, give the flags of one process."""
    claims = [
        _figure("a.txt", "truck", 40, ["Quito"]),
        _converted("a.txt", "road", 30, "mile", 30, "kilometre"),  # miles copied as km
        _converted("b.txt", "", 12, "foot", 12, "metre", trend="up"),  # a change: no fact key but its source's
        _converted("b.txt", "road", 5, "mile", 8, "kilometre"),  # right
        _figure("c.txt", "truck", 90, ["Quito"]),
    ]
    aligner = Aligner(builtin)
    keys = [claim_keys(c, builtin, aligner)[0] for c in claims]
    assert keys[2] == "restated\x1fb.txt" and None not in keys
    expected = [f.to_dict() for f in compare(claims, builtin)]
    assert sorted(f["code"] for f in expected) == ["CK101", "CK107", "CK107"]
    result = _on_cluster(client, claims, parts=5, chunk=1)
    assert [f.to_dict() for f in result["flags_list"]] == expected


def test_chunks_never_split_a_source_and_keep_the_order():
    claims = [_figure(s, "tent", v, []) for s, v in [("a", 1), ("a", 2), ("b", 3), ("a", 4), ("c", 5), ("d", 6)]]
    chunks = chunks_of(claims, 1)
    assert [[c.source_id for c in ch] for ch in chunks] == [["a", "a", "b", "a"], ["c"], ["d"]]
    assert [c for ch in chunks for c in ch] == claims


def test_keys_joined_by_a_claim_are_one_component():
    roots = components([("g1", "m1"), ("g2", "m1"), ("g3", "m3")])
    assert roots["g1"] == roots["g2"] == roots["m1"] != roots["g3"] == roots["m3"]
