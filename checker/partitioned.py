"""Comparison partitioned by fact key, on a Dask cluster.

The engine compares claims block by block (one block per metric: a fact, a
story pack's metric, or a generic key), and a block never reads another's
claims except through two things: the facts stage groups claims by their
group key (measure, counted, unit family, role, modality) before it knows
owners and dominant values, and a figure that names no place inherits its
source's main places. So each claim is keyed by what ties it to others: its
group key, else the story-pack metric it matches, else its generic metric. A
claim with a group key that also matches a pack metric joins the two keys
into one component (union-find over these few keys, on the client). Claims
with no key are in no block and are dropped. A component goes to partition
`crc32(component) % P`; each partition keeps the corpus's order of claims and
receives its sources' main places, computed on input chunks that hold whole
sources. `engine.compare` on a partition therefore gives exactly the flags of
the whole comparison that fall in it, and the client merges them in the
engine's order.

Input chunks are made on the workers (synthetic corpora) or scattered from
the client (a scan's claims); chunks and partition pieces travel as
compressed pickles, so Dask can spill them to disk; a worker holds the
claims of the chunk or partition it is working on, and the others only
encoded. Dask schedules everything (`Client.submit`); nothing here decides
where a task runs.
"""
from __future__ import annotations

import operator
import pickle
import resource
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from .facts import Aligner, group_key, main_places
from .model import Claim, Flag
from .rulepack import RulePack
from .units import unit_family

# Claims per input chunk sent from the client (whole sources, so a chunk may be larger).
CHUNK_CLAIMS = 50_000
# Claims per partition the comparison aims at: a partition's comparison
# takes about 1.6 KB per claim, so this keeps it near 200 MB (a larger
# component stays whole: its claims can meet in one block).
PART_CLAIMS = 120_000


def encode(obj) -> bytes:
    return zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 1)


def decode(blob: bytes):
    return pickle.loads(zlib.decompress(blob))


def claim_keys(claim: Claim, pack: RulePack, aligner: Aligner) -> tuple[str | None, str | None]:
    """(the claim's partition key, the pack metric it also matches when the key
    is its group key). The key mirrors `Aligner.metric_for`: a claim in a
    group is compared in its fact's block or a pack metric's; one in no group,
    in a pack metric's block or its generic key's."""
    gk = group_key(claim, pack)
    counted = (claim.counted or "").strip().lower()
    pk = None
    if counted:
        family, _ = unit_family(claim.quantity.unit)
        for m in aligner.by_counted.get(counted, ()):
            if m.matches(claim, family):
                pk = m.name
                break
    if gk is not None:
        return "\x1fgroup\x1f" + "\x1f".join(gk), pk
    if pk is not None:
        return pk, None
    s = aligner.settings
    if counted and s.generic_enabled and counted not in s.generic_ignore_counted:
        family, _ = unit_family(claim.quantity.unit)
        return aligner.generic_metric(counted, (claim.event or "").lower(), family, claim.scope).name, None
    if claim.restated_as is not None:
        from .factkeys import restated_key

        return restated_key(claim), None  # CK107 checks the figure against its conversion: it must be compared
    return None, None


def part_of(key: str, parts: int) -> int:
    """A stable partition number (the same in every process, unlike hash())."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % parts


def components(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union-find over keys joined by a claim: key -> its component's smallest
    key, for keys in a component of more than one (the others are their own)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            parent[hi] = lo
    return {k: find(k) for k in parent}


# ------------------------------------------------------------------ tasks (run on the workers)

def _pack(packs: list[tuple[str, bytes]]) -> RulePack:
    from .executors import _worker_pack

    return _worker_pack(packs)


def make_synthetic_chunk(index: int, size: int, seed: int) -> bytes:
    """A chunk of a synthetic corpus, made on the worker."""
    from .bench import synthetic_chunk

    return encode(synthetic_chunk(index, size, seed))


def claims_edges(claims: list[Claim], pack: RulePack) -> tuple[set[tuple[str, str]], int]:
    """The key pairs the claims join, and how many claims there are."""
    aligner = Aligner(pack)
    edges = set()
    for c in claims:
        key, also = claim_keys(c, pack, aligner)
        if also is not None:
            edges.add((key, also))
    return edges, len(claims)


def chunk_edges(blob: bytes, packs: list[tuple[str, bytes]]) -> tuple[set[tuple[str, str]], int]:
    """The key pairs an encoded chunk's claims join, and how many claims it holds."""
    return claims_edges(decode(blob), _pack(packs))


def split_chunk(blob: bytes, roots: dict[str, str], parts: int, packs: list[tuple[str, bytes]]) -> list[bytes]:
    """The chunk's claims dealt to `parts` partitions by component, each piece
    with the main places of its sources (the chunk holds whole sources)."""
    pack = _pack(packs)
    aligner = Aligner(pack)
    claims = decode(blob)
    del blob
    places = main_places(claims, aligner) if aligner.settings.inherit_place else {}
    buckets: list[list[Claim]] = [[] for _ in range(parts)]
    for c in claims:
        key, _ = claim_keys(c, pack, aligner)
        if key is not None:
            buckets[part_of(roots.get(key, key), parts)].append(c)
    del claims
    out = []
    for b in buckets:
        sources = {c.source_id for c in b}
        out.append(encode((b, {sid: p for sid, p in places.items() if sid in sources})))
    return out


def compare_part(pieces: list[bytes], packs: list[tuple[str, bytes]], keep: str = "flags", sample: int = 5) -> dict:
    """The engine over one partition (its pieces in chunk order, so in corpus
    order). keep="flags": the flags themselves (encoded); "summary": counts,
    an order-free digest of the flag ids and the `sample` surest flags, for
    corpora whose flags are too many to gather."""
    from .engine import compare

    pack = _pack(packs)
    claims: list[Claim] = []
    places: dict = {}
    for piece in pieces:
        cl, pl = decode(piece)
        claims.extend(cl)
        places.update(pl)
    del pieces
    t0 = time.perf_counter()
    flags = compare(claims, pack, places=places)
    out = {"claims": len(claims), "flags": len(flags), "seconds": time.perf_counter() - t0}
    del claims
    if keep == "flags":
        out["encoded"] = encode(flags)
    else:
        out["severity"] = dict(Counter(f.severity for f in flags))
        out["digest"] = flag_digest(flags)
        out["sample"] = flags[:sample]
    return out


def flag_digest(flags: Iterable[Flag]) -> int:
    """A digest of a set of flag ids that does not depend on their order or
    on how they were partitioned (sum of the ids modulo 2**64)."""
    return sum(int(f.id, 16) for f in flags) % 2**64


def peak_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ the client's side


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """The engine's order: surest first, then severity, then id."""
    from .rules import SEVERITY_RANK

    return sorted(flags, key=lambda f: (-f.confidence, SEVERITY_RANK.get(f.severity, 9), f.id))


def compare_chunks(client, chunks: list, packs: list[tuple[str, bytes]], parts: int | None = None,
                   keep: str = "flags", say: Callable[[str], None] = lambda message: None,
                   edges_of: list | None = None) -> dict:
    """Compare the claims of `chunks` (futures of encoded claim lists, each
    holding whole sources, in corpus order) on the cluster of `client`.
    `edges_of`: futures of each chunk's `claims_edges`, when the task that
    made the chunk computed them (otherwise a task per chunk does).

    The list is emptied: the chunks are released as soon as they are split.
    Returns the merged summary (counts, digest, sample, partition sizes),
    with the flags in the engine's order as "flags_list" when keep="flags"."""
    n_chunks = len(chunks)
    say(f"keys of {n_chunks} chunks")
    edge_futures = edges_of if edges_of is not None else client.map(chunk_edges, chunks, packs=packs, pure=False)
    edges: set = set()
    total = 0
    for e, n in client.gather(edge_futures):
        edges |= e
        total += n
    del edge_futures
    if edges_of is not None:
        edges_of.clear()
    roots = components(edges)
    if parts is None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        parts = max(2 * workers, -(-total // PART_CLAIMS))
    say(f"{total:,} claims in {parts} partitions by fact key")
    [roots_future] = client.scatter([roots], broadcast=True)
    splits = [client.submit(split_chunk, c, roots_future, parts, packs, pure=False) for c in chunks]
    chunks.clear()
    results = []
    for p in range(parts):
        pieces = [client.submit(operator.getitem, s, p, pure=False) for s in splits]
        results.append(client.submit(compare_part, pieces, packs, keep, pure=False))
    del splits, pieces
    from dask.distributed import as_completed

    flags: list[Flag] = []
    summary = {"claims": total, "compared": 0, "flags": 0, "severity": Counter(), "digest": 0, "sample": [],
               "partitions": parts, "largest_partition": 0, "partition_seconds": 0.0}
    done = 0
    for future in as_completed(results):
        r = future.result()
        future.release()
        done += 1
        summary["compared"] += r["claims"]
        summary["flags"] += r["flags"]
        summary["largest_partition"] = max(summary["largest_partition"], r["claims"])
        summary["partition_seconds"] = max(summary["partition_seconds"], r["seconds"])
        if keep == "flags":
            flags.extend(decode(r["encoded"]))
        else:
            summary["severity"].update(r["severity"])
            summary["digest"] = (summary["digest"] + r["digest"]) % 2**64
            summary["sample"] = sort_flags(summary["sample"] + r["sample"])[:5]
        if done % max(1, parts // 10) == 0:
            say(f"{done} of {parts} partitions compared")
    results.clear()
    summary["severity"] = dict(summary["severity"])
    if keep == "flags":
        summary["flags_list"] = sort_flags(flags)
    return summary


def _whoami() -> tuple[str, int, float]:
    import os
    import socket

    return socket.gethostname(), os.getpid(), peak_mb()


def process_peaks(client) -> dict:
    """Peak resident memory (MB) of this process and of every worker process,
    and of every nanny that is a process of its own (a `LocalCluster`'s
    nannies live in the client's process)."""
    me = _whoami()
    seen = {me[:2]}
    out = {"client": round(me[2], 1)}
    for addr, (host, pid, mb) in sorted(client.run(_whoami).items()):
        seen.add((host, pid))
        out[f"worker {addr}"] = round(mb, 1)
    try:
        nannies = client.run(_whoami, nanny=True)
    except Exception:  # noqa: BLE001 - a cluster without nannies
        nannies = {}
    for addr, (host, pid, mb) in sorted(nannies.items()):
        if (host, pid) not in seen:
            seen.add((host, pid))
            out[f"nanny {addr}"] = round(mb, 1)
    return out


def chunks_of(claims: list[Claim], size: int = CHUNK_CLAIMS) -> list[list[Claim]]:
    """Consecutive chunks of about `size` claims, cut only where every source
    seen so far has ended (a source's main places are read from all its
    claims); the corpus order is kept, as the facts stage breaks ties by it."""
    last = {c.source_id: i for i, c in enumerate(claims)}
    chunks: list[list[Claim]] = []
    start = reach = 0
    for i, c in enumerate(claims):
        if i - start >= size and i > reach:
            chunks.append(claims[start:i])
            start = i
        reach = max(reach, last[c.source_id])
    if start < len(claims):
        chunks.append(claims[start:])
    return chunks


def pack_bytes(files: list[Path]) -> list[tuple[str, bytes]]:
    return [(Path(f).name, Path(f).read_bytes()) for f in files]
