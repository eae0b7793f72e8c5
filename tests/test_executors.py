"""Extraction on a Dask cluster gives the same flags as one process."""
from __future__ import annotations

import json
import shutil

import pytest

from checker.cli import main



def _scan_and_flags(capsys, *args) -> tuple[dict, list[dict]]:
    assert main(["scan", "--format", "json", *args]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert main(["flags", "--format", "json"]) == 0
    return summary, json.loads(capsys.readouterr().out)


def test_dask_local_cluster_gives_the_flags_of_one_process(seeds_copy, nlp, capsys, monkeypatch):
    pytest.importorskip("dask.distributed")
    import checker.partitioned as partitioned
    import checker.pipeline as pipeline

    monkeypatch.setattr(pipeline, "DASK_COMPARE_MIN_CLAIMS", 0)  # a corpus this small is compared locally otherwise
    one, flags_one = _scan_and_flags(capsys, "--jobs", "1")
    shutil.rmtree(seeds_copy / ".checker")
    compared = []
    on_cluster = partitioned.compare_chunks
    monkeypatch.setattr(partitioned, "compare_chunks",
                        lambda *a, **k: compared.append(on_cluster(*a, **k)) or compared[-1])
    two, flags_dask = _scan_and_flags(capsys, "--executor", "dask", "--jobs", "2")
    assert two["parsed"] == one["parsed"] == one["sources"] > 2
    assert two["claims"] == one["claims"]
    assert flags_dask == flags_one and len(flags_one) > 0
    # the comparison ran on the cluster, partitioned by fact key
    assert len(compared) == 1 and compared[0]["partitions"] >= 2 and compared[0]["flags"] == len(flags_one)


def test_a_small_corpus_is_compared_in_the_client_even_with_dask(seeds_copy, nlp, capsys, monkeypatch):
    pytest.importorskip("dask.distributed")
    import checker.partitioned as partitioned

    monkeypatch.setattr(partitioned, "compare_chunks", lambda *a, **k: pytest.fail("compared on the cluster"))
    summary, flags = _scan_and_flags(capsys, "--executor", "dask", "--jobs", "2")
    assert summary["parsed"] > 2 and len(flags) > 0


def test_dask_workers_run_the_extraction(tmp_path):
    """The batch function runs in the worker processes, not in the client."""
    pytest.importorskip("dask.distributed")
    import os

    from dask.distributed import Client, LocalCluster

    from checker.executors import extract_batch
    from checker.model import Source

    src = Source(id="a.txt", path="a.txt", text="Officials said 42 people were killed.", outlet="X")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = set(client.run(os.getpid).values())
        answer = client.submit(extract_batch, [src.to_dict()], None, []).result()
        worker_pid = client.submit(os.getpid, pure=False).result()
    assert len(pids) == 2 and os.getpid() not in pids and worker_pid in pids
    (sid, claims), = answer["results"]
    assert sid == "a.txt" and [c["quantity"]["surface"] for c in claims] == ["42 people"]


def test_scheduler_without_dask_executor_is_one_line(seeds_copy, capsys):
    assert main(["scan", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err


def test_a_worker_loads_the_packs_from_a_folder_of_its_own(seeds_copy, tmp_path, monkeypatch):
    """Workers start together: a folder shared between them (as before) let one
    read a pack file while another rewrote it. Each load now writes to its own
    folder and removes it, and the pack holds the corpus's metrics."""
    import tempfile

    from checker import executors
    from checker.pipeline import _own_packs
    from checker.config import load_config

    shared = tmp_path / "tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    monkeypatch.setattr(executors, "_WORKER", {})
    packs = executors._pack_bytes(_own_packs(load_config()))
    assert packs
    pack = executors._worker_pack(packs)
    assert pack.metrics and list(shared.iterdir()) == []


def test_local_workers_keep_freed_memory_for_reuse(monkeypatch):
    """Dask's default tells glibc in each worker to return freed memory at
    once; spaCy's many small frees then cost about a fifth of a cold scan in
    system calls. The session's local workers start without it."""
    pytest.importorskip("dask.distributed")
    import os

    from checker.executors import DaskSession

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as a plain LocalCluster started earlier leaves it
    with DaskSession(None, 2) as session:
        seen = session.client().run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert len(seen) == 2 and set(seen.values()) == {None}
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"  # the caller's environment is left as it was
