"""Where extraction runs: this process, a local process pool, or a Dask cluster.

Every executor takes sources and yields (source, claims) as they finish; the
scan stores them in the cache as they come, so the cache stays the client's.
Dask is optional (`pip install 'checker[dask]'`): with no scheduler address a
`LocalCluster` of `jobs` single-threaded worker processes is started for the
scan and closed after it; with an address the scan uses that cluster's workers,
which need checker and the same spaCy model installed.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Iterator

from .errors import UserError
from .model import Claim, Flag, Source

# Sources sent to a worker in one task: large enough to amortize the round
# trip, small enough to spread a corpus over the workers.
MAX_BATCH = 32

_WORKER: dict = {}


def batches_of(sources: list[Source], workers: int) -> list[list[Source]]:
    size = max(1, min(MAX_BATCH, len(sources) // (max(1, workers) * 4) or 1))
    return [sources[i : i + size] for i in range(0, len(sources), size)]


def _worker_pack(packs: list[tuple[str, bytes]]):
    """The rule pack on a worker, from the client's extra pack files (sent as
    bytes, so a remote worker needs no copy of the corpus's rules). Each
    process writes them to a folder of its own and loads them from it: two
    workers sharing one folder could read a file the other is rewriting."""
    import tempfile

    from .rulepack import load_rulepack

    digest = hashlib.sha1(b"".join(name.encode() + b"\0" + data for name, data in packs)).hexdigest()[:16]
    if digest not in _WORKER:
        with tempfile.TemporaryDirectory(prefix=f"checker-rules-{digest}-") as tmp:
            paths = []
            for i, (name, data) in enumerate(packs):
                path = Path(tmp) / f"{i:03d}-{Path(name).name}"
                path.write_bytes(data)
                paths.append(path)
            _WORKER[digest] = load_rulepack(paths)
    return _WORKER[digest]


def extract_batch(batch: list[dict], model: str | None, packs: list[tuple[str, bytes]]) -> dict:
    """Run on a worker: the claims of a batch of sources, as plain data, with
    the extractor version and model name so the client can refuse a mismatch."""
    from .nlp import load_pipeline, resolve_model_name
    from .pipeline import EXTRACTOR_VERSION, extract

    sources = [Source.from_dict(d) for d in batch]
    results = [(s.id, [c.to_dict() for c in cl])
               for s, cl in extract(sources, _worker_pack(packs), nlp=load_pipeline(model))]
    return {"version": EXTRACTOR_VERSION, "model": resolve_model_name(model), "results": results}


def _pack_bytes(files: list[Path]) -> list[tuple[str, bytes]]:
    return [(f.name, Path(f).read_bytes()) for f in files]


class DaskSession:
    """One Dask client for a run's extraction and comparison: connected (or
    its `LocalCluster` of `workers` single-threaded processes started) on
    first use, closed by close(). `memory_limit` applies to local workers."""

    def __init__(self, scheduler: str | None = None, workers: int = 2, memory_limit: str | None = None):
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.memory_limit = memory_limit
        self._client = None
        self._cluster = None

    def client(self):
        if self._client is None:
            try:
                from dask.distributed import Client, LocalCluster
            except ImportError:
                raise UserError("the dask executor needs dask.distributed: pip install 'checker[dask]'") from None
            if self.scheduler:
                try:
                    self._client = Client(self.scheduler, timeout="20s")
                except (OSError, TimeoutError, ValueError) as exc:
                    raise UserError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
            else:
                import dask

                extra = {"memory_limit": self.memory_limit} if self.memory_limit else {}
                # Dask starts its workers with glibc told to hand freed memory back at once;
                # spaCy frees many small buffers per document, and the system calls cost
                # about a fifth of a cold scan. A worker's peak memory is the same without it.
                environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
                environ.pop("MALLOC_TRIM_THRESHOLD_", None)
                inherited = os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)  # an earlier cluster's, in this process
                try:
                    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                        self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                     dashboard_address=None, **extra)
                finally:
                    if inherited is not None:
                        os.environ["MALLOC_TRIM_THRESHOLD_"] = inherited
                self._client = Client(self._cluster)
                self._client.wait_for_workers(self.workers, timeout=120)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> "DaskSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def dask_extract(
    sources: list[Source], model: str | None, extra_pack_files: list[Path], scheduler: str | None = None,
    workers: int = 2, progress: Callable[[Source], None] | None = None, session: DaskSession | None = None,
) -> Iterator[tuple[Source, list[Claim]]]:
    """Yield (source, claims) as a Dask cluster finishes them (any order).
    With `session`, its cluster is used and left open for the comparison."""
    try:
        from dask.distributed import as_completed
    except ImportError:
        raise UserError("the dask executor needs dask.distributed: pip install 'checker[dask]'") from None

    from .nlp import resolve_model_name
    from .pipeline import EXTRACTOR_VERSION

    expected_model = resolve_model_name(model)
    packs = _pack_bytes(extra_pack_files)
    by_id = {s.id: s for s in sources}
    own = session is None
    if own:
        session = DaskSession(scheduler, workers)
    client = session.client()
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        futures = client.map(extract_batch, [[s.to_dict() for s in b] for b in batches_of(sources, n_workers)],
                             model=model, packs=packs, pure=False)
        for future in as_completed(futures):
            answer = future.result()
            if answer["version"] != EXTRACTOR_VERSION or answer["model"] != expected_model:
                raise UserError(
                    f"a Dask worker runs checker extractor {answer['version']} with {answer['model']}; "
                    f"this client has {EXTRACTOR_VERSION} with {expected_model}: install the same on both")
            for sid, claims in answer["results"]:
                source = by_id[sid]
                if progress:
                    progress(source)
                yield source, [Claim.from_dict(d) for d in claims]
    finally:
        if own:
            session.close()


def dask_compare(claims: list[Claim], extra_pack_files: list[Path], session: DaskSession) -> list[Flag]:
    """The flags of `claims` compared on the session's cluster, partitioned by
    fact key (checker.partitioned): the same flags as `engine.compare`."""
    from .partitioned import chunks_of, compare_chunks, encode

    client = session.client()
    packs = _pack_bytes(extra_pack_files)
    chunks = client.scatter([encode(ch) for ch in chunks_of(claims)])
    return compare_chunks(client, chunks, packs, keep="flags")["flags_list"]
