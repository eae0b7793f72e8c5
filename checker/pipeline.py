"""The scan: sources in, claims (cached by content hash) and flags out.

This is the only place that strings the stages together; each stage stays a
plain function that can be tested alone.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .config import Config
from .errors import SourceError, UserError
from .model import Claim, Flag, Source, line_and_column
from .rulepack import RulePack, load_rulepack, pack_files
from .sources import load_sources
from .untrusted import shorten

# Bump when extraction output changes, so cached claims are re-extracted.
EXTRACTOR_VERSION = "2026-11-24.24"  # bump whenever claims change (facts fields, extraction)


class ScanResult:
    """What a scan read, parsed and found. When nothing changed since the last
    full scan, the stored flags are kept as they are and `flags` and `claims`
    are read from the cache only if asked for; the counts need neither."""

    def __init__(self) -> None:
        self.sources: list[Source] = []
        self.problems: list[SourceError] = []
        self.parsed = 0
        self.reused = 0
        self._claims: list[Claim] | None = []
        self._flags: list[Flag] | None = []
        self._load_claims: Callable[[], list[Claim]] | None = None
        self._load_flags: Callable[[], list[Flag]] | None = None
        self._claim_count: int | None = None
        self._severity_counts: dict[str, int] | None = None

    @property
    def claims(self) -> list[Claim]:
        if self._claims is None:
            self._claims = self._load_claims() if self._load_claims else []
        return self._claims

    @claims.setter
    def claims(self, value: list[Claim]) -> None:
        self._claims, self._claim_count = value, None

    @property
    def flags(self) -> list[Flag]:
        if self._flags is None:
            self._flags = self._load_flags() if self._load_flags else []
        return self._flags

    @flags.setter
    def flags(self, value: list[Flag]) -> None:
        self._flags, self._severity_counts = value, None

    @property
    def claim_count(self) -> int:
        return len(self._claims) if self._claims is not None else (self._claim_count or 0)

    @property
    def severity_counts(self) -> dict[str, int]:
        if self._flags is None and self._severity_counts is not None:
            return dict(self._severity_counts)
        counts = {s: 0 for s in ("high", "medium", "low")}
        for f in self.flags:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        return counts

    @property
    def flag_count(self) -> int:
        if self._flags is None and self._severity_counts is not None:
            return sum(self._severity_counts.values())
        return len(self.flags)


def corpus_paths(cfg: Config, paths: list[str] | None = None) -> list[str]:
    """Paths given on the command line, else the configured sources (root-relative)."""
    if paths:
        return list(paths)
    return [str(p if Path(p).is_absolute() else cfg.root / p) for p in cfg.sources]


def extractor_key(cfg: Config) -> str:
    """Identifies everything that shapes claims: code version, model, rule packs."""
    from .nlp import resolve_model_name

    h = hashlib.sha1(EXTRACTOR_VERSION.encode())
    h.update(resolve_model_name(cfg.model).encode())
    for f in pack_files(_extra_rules(cfg)):
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


def _extra_rules(cfg: Config) -> list[Path]:
    return [Path(r) if Path(r).is_absolute() else cfg.root / r for r in cfg.rules]


PACKS_FILE = "packs.json"  # parsed rule packs beside the cache (rulepack.PARSED)


def load_pack(cfg: Config) -> RulePack:
    """The rule packs, parsed YAML kept beside the cache between processes:
    a pre-commit check should not spend its time parsing them again."""
    import json
    import os

    from . import rulepack

    kept = cfg.cache_dir / PACKS_FILE
    if not rulepack.PARSED:
        try:
            data = json.loads(kept.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                rulepack.PARSED.update({k: v for k, v in data.items() if isinstance(v, str)})
        except (OSError, ValueError):
            pass  # none yet, or unreadable: parsed again
    known = dict(rulepack.PARSED)
    pack = load_rulepack(_extra_rules(cfg))
    if rulepack.PARSED != known and cfg.cache_dir.is_dir():
        # Only the packs in use, so the file does not grow with every edit.
        used = {hashlib.sha1(Path(f).read_bytes()).hexdigest() for f in pack.files}
        tmp = kept.with_name(f"{PACKS_FILE}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({k: v for k, v in rulepack.PARSED.items() if k in used}), encoding="utf-8")
            os.replace(tmp, kept)
        except OSError:
            tmp.unlink(missing_ok=True)
    return pack


# A file modified this close to the scan may change again within the same
# mtime tick; it is not recorded as fresh (git's "racy" rule).
RACY_NS = 2_000_000_000

LISTING_FILE = "listing.json"  # the corpus's files and the folders walked to find them


def list_corpus(cfg: Config, errors: list[SourceError] | None = None) -> list[str]:
    """The configured corpus's files (iter_source_files, as text: a check of a
    large corpus makes no Path per file), listed again only
    when a folder walked to list them changed since: adding, removing or
    renaming an entry changes its folder's mtime, so a check of a large corpus
    stats its folders instead of walking them. Whether each file's content
    changed is read_corpus's business (it stats every file)."""
    import json
    import os
    import time

    from .sources import _GLOB_CHARS, iter_source_files

    given = corpus_paths(cfg)
    exclude = [cfg.reports_dir, cfg.cache_dir]
    kept = cfg.cache_dir / LISTING_FILE
    # Files and folders are named as iter_source_files names them (the
    # corpus root's own spelling), so a stale record can only miss, never lie.
    what = [given, [str(p) for p in exclude], _code_signature()[:12]]
    try:
        data = json.loads(kept.read_text(encoding="utf-8"))
        if data.get("for") == what:
            for folder, mtime in data["folders"]:
                if os.stat(folder).st_mtime_ns != mtime:
                    break
            else:
                return list(data["files"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # none yet, or unusable: list again
    found: list[SourceError] = []
    walked: list[str] = []
    files = [str(p) for p in iter_source_files(given, cfg.root, errors=found, exclude=exclude, walked=walked)]
    if errors is not None:
        errors.extend(found)
    # Only plain folders given, none unreadable, no linked file (a link's target
    # can change without its folder), and every folder settled (racy rule).
    if found or not cfg.cache_dir.is_dir() or any(_GLOB_CHARS.search(g) or not os.path.isdir(g) for g in given):
        kept.unlink(missing_ok=True)
        return files
    try:
        old_enough = time.time_ns() - RACY_NS
        folders = [[f, os.stat(f).st_mtime_ns] for f in walked]
        if any(m >= old_enough for _, m in folders) or any(os.path.islink(p) for p in files):
            kept.unlink(missing_ok=True)
            return files
        tmp = kept.with_name(f"{LISTING_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"for": what, "folders": folders, "files": files}),
                       encoding="utf-8")
        os.replace(tmp, kept)
    except OSError:
        pass  # listed again next time
    return files


def read_corpus(cfg: Config, paths: list[str] | None = None, store=None,
                files: list[Path] | list[str] | None = None,
                cached: set[str] | None = None) -> tuple[list[Source], list[SourceError]]:
    """The corpus's sources and problems. With a store, a file whose size and
    mtime (and its folder's sources.csv's, max_bytes and checker's code) are as
    recorded is not read: its sources come from the cache without their text, and its
    notes are repeated. Only changed files are read and hashed. `files` are
    the corpus's files already listed (iter_source_files), so they are not listed again.
    `cached` receives the ids of the sources that came from the cache (stored as they are)."""
    given = corpus_paths(cfg, paths)
    exclude = [cfg.reports_dir, cfg.cache_dir]
    if store is None:
        return load_sources(given, root=cfg.root, max_bytes=cfg.max_bytes, exclude=exclude)
    import time

    from .sources import SIDECAR, SourceNote, iter_source_files, source_id

    problems: list[SourceError] = []
    if files is None:
        files = (list_corpus(cfg, errors=problems) if not paths
                 else iter_source_files(given, cfg.root, errors=problems, exclude=exclude))
    records = store.file_records()
    import os

    folder_sigs: dict[str, str] = {}
    code = _code_signature()[:12]  # how files are read may change with checker's code

    def signature(path: Path) -> str:
        # On the path's text (no Path objects per file: a check stats every corpus file)
        text = str(path)
        st = os.stat(text)
        folder = os.path.dirname(text)
        tail = folder_sigs.get(folder)
        if tail is None:
            try:
                cs = os.stat(os.path.join(folder, SIDECAR))
                sidecar = f"{cs.st_size}:{cs.st_mtime_ns}"
            except OSError:
                sidecar = "-"
            tail = folder_sigs[folder] = f":{sidecar}:{cfg.max_bytes}:{code}"
        return f"{st.st_size}:{st.st_mtime_ns}{tail}"

    stubs: dict[str, Source] | None = None
    fresh: dict[str, tuple[list[Source], list]] = {}
    sigs: dict[str, str] = {}
    stale: list[Path] = []
    for path in files:
        key = str(path)
        try:
            sigs[key] = signature(key)
        except OSError:
            stale.append(Path(key))  # reading it will say what is wrong
            continue
        record = records.get(key)
        if record is not None and record[0] == sigs[key]:
            if stubs is None:
                stubs = store.source_stubs()
            found = [stubs.get(i) for i in record[1]]
            if found and all(found):
                fresh[key] = (found, record[2])
                continue
        stale.append(Path(key))
    read, read_problems = load_sources(stale, root=cfg.root, max_bytes=cfg.max_bytes) if stale else ([], [])

    by_file: dict[str, list[Source]] = {}
    for s in read:
        by_file.setdefault(s.path, []).append(s)
    sidecar_ids = {source_id(p.parent / SIDECAR, cfg.root) for p in stale}
    bad_folders = {p.path.rsplit(":", 1)[0] for p in read_problems
                   if p.path in sidecar_ids or p.path.rsplit(":", 1)[0] in sidecar_ids}
    old_enough = time.time_ns() - RACY_NS
    sources: list[Source] = []
    for path in files:
        key = str(path)
        if key in fresh:
            found, notes = fresh[key]
            sources.extend(found)
            if cached is not None:
                cached.update(s.id for s in found)
            if notes:
                problems.extend((SourceNote if kind == "note" else SourceError)(where, reason)
                                for kind, where, reason in notes)
            continue
        mine = by_file.get(key, [])
        sources.extend(mine)
        path = Path(key)
        rel = source_id(path, cfg.root)
        own = [p for p in read_problems if p.path == rel or p.path.startswith(rel + "#")]
        usable = mine and not any(p.path == rel and not isinstance(p, SourceNote) for p in own)
        try:
            settled = path.stat().st_mtime_ns < old_enough
        except OSError:
            settled = False
        if (usable and settled and key in sigs
                and source_id(path.parent / SIDECAR, cfg.root) not in bad_folders):
            store.put_file(key, sigs[key], [s.id for s in mine],
                           [["note" if isinstance(p, SourceNote) else "error", p.path, p.reason] for p in own])
        elif key in records:
            store.forget_files([key])
    problems.extend(read_problems)
    if not paths:
        seen = set(map(str, files))
        store.forget_files([k for k in records if k not in seen])
    return sources, problems


# ------------------------------------------------------------ extraction in pieces

# Characters parsed in one nlp.pipe batch. spaCy's memory follows the tokens in
# a batch (80 KB of "a 5" lines peaked at 1 GB in batches of 100,000 characters,
# 720 MB at 40,000, 480 MB at 20,000); with pieces of at most PIECE_CHARS it is
# bounded however long the documents are.
BATCH_CHARS = 40_000


def _pieces(source: Source, max_chars: int | None = None) -> list[tuple[int, Source]]:
    """The source as (offset, piece) pairs; each piece is a Source whose origin
    line and column are where it starts in the file, so claims keep theirs."""
    from .nlp import piece_bounds

    bounds = piece_bounds(source.text, max_chars)
    if len(bounds) == 1:
        return [(0, source)]
    newlines = [i for i, ch in enumerate(source.text) if ch == "\n"]
    out = []
    for start, end in bounds:
        line, col = line_and_column(newlines, start, source.origin_line, source.origin_col)
        out.append((start, Source(id=source.id, path=source.path, text=source.text[start:end],
                                  outlet=source.outlet, published=source.published, title=source.title,
                                  url=source.url, origin_line=line, origin_col=col,
                                  content_hash=source.content_hash)))
    return out


def _last_group_noun(doc) -> str:
    """The lemma claims give a vague figure's group ("a handful" of what), for
    the last group noun in a piece, so the next piece can use it."""
    from . import lexicon as lx
    from .claims import _lemma

    for tok in reversed(doc):
        if tok.pos_ == "NOUN" and tok.lower_ in lx.GROUP_NOUNS:
            return _lemma(tok)
    return ""


def extract(
    sources, pack: RulePack, nlp=None, model: str | None = None, batch_size: int = 32,
    progress: Callable[[Source], None] | None = None, max_chars: int | None = None,
):
    """Yield (source, claims) for each source, in order. Long sources are parsed
    in pieces cut at paragraph breaks (nlp.piece_bounds) and their claims put
    back at their offsets; batches hold at most `batch_size` pieces and about
    BATCH_CHARS characters, so memory does not grow with a document's length."""
    from .claims import claims_from_doc

    def batches():
        batch, chars = [], 0
        for source in sources:
            pieces = _pieces(source, max_chars)
            for k, (offset, piece) in enumerate(pieces):
                if batch and (len(batch) >= batch_size or chars + len(piece.text) > BATCH_CHARS):
                    yield batch
                    batch, chars = [], 0
                batch.append((source, offset, piece, k == len(pieces) - 1))
                chars += len(piece.text)
        if batch:
            yield batch

    claims: list[Claim] = []
    group_before = ""  # the last group noun of the source's earlier pieces
    for batch in batches():
        if nlp is None:  # loaded for the first batch: nothing to parse loads no spaCy
            from .nlp import load_pipeline

            nlp = load_pipeline(model)
        longest = max(len(piece.text) for _, _, piece, _ in batch)
        if longest >= nlp.max_length:
            nlp.max_length = longest + 1
        docs = nlp.pipe([piece.text for _, _, piece, _ in batch], batch_size=len(batch))
        for doc, (source, offset, piece, last) in zip(docs, batch):
            for c in claims_from_doc(doc, piece, pack):
                if offset:
                    c.quantity.start += offset
                    c.quantity.end += offset
                    if c.quantity.kind == "vague" and not c.counted:
                        # "Only a handful have been freed": the group named last, as in the whole text
                        c.counted = group_before
                claims.append(c)
            group_before = "" if last else (_last_group_noun(doc) or group_before)
            if last:
                if progress:
                    progress(source)
                yield source, claims
                claims = []


# ------------------------------------------------------------ parallel extraction

_WORKER: dict = {}


def _own_packs(cfg: Config) -> list[Path]:
    """The corpus's own rule pack files, after the built-in ones (sent to Dask workers)."""
    return pack_files(_extra_rules(cfg))[len(pack_files()):]


# Below this many claims one process compares faster than shipping the claims
# to the workers (on two cores, 1M claims: 21 s here against 57 s on the
# cluster); the cluster is for corpora whose claims would not fit one process.
DASK_COMPARE_MIN_CLAIMS = 1_000_000


def compare_claims(cfg: Config, claims: list[Claim], pack: RulePack, focus: set[str] | None = None,
                   session=None) -> list[Flag]:
    """engine.compare here, or with a Dask `session` and a corpus of at least
    DASK_COMPARE_MIN_CLAIMS claims, partitioned by fact key on its cluster
    (the same flags; checker.partitioned)."""
    from .engine import compare

    if session is None or focus is not None or len(claims) < DASK_COMPARE_MIN_CLAIMS:
        return compare(claims, pack, focus=focus)
    from .executors import dask_compare

    return dask_compare(claims, _own_packs(cfg), session)


def _worker_init(model: str, extra_rules: list[str]) -> None:
    from .nlp import load_pipeline

    _WORKER["nlp"] = load_pipeline(model)
    _WORKER["pack"] = load_rulepack(extra_rules)


def _worker_extract(batch: list[dict]) -> list[tuple[str, list[dict]]]:
    sources = [Source.from_dict(d) for d in batch]
    return [(s.id, [c.to_dict() for c in cl]) for s, cl in extract(sources, _WORKER["pack"], nlp=_WORKER["nlp"])]


def extract_claims(
    cfg: Config, sources: list[Source], pack: RulePack, jobs: int = 1,
    progress: Callable[[Source], None] | None = None, executor: str = "local", scheduler: str | None = None,
    session=None,
):
    """Yield (source, claims) for each source, in one process, `jobs` processes,
    or on a Dask cluster (`executor="dask"`: `session`'s, else `scheduler`'s, else `jobs` local workers)."""
    if not sources:
        return
    if executor == "dask":
        from .executors import dask_extract

        yield from dask_extract(sources, cfg.model, _own_packs(cfg), scheduler=scheduler, workers=jobs,
                                progress=progress, session=session)
        return
    if jobs <= 1 or len(sources) < 2 * jobs:
        yield from extract(sources, pack, model=cfg.model, batch_size=cfg.batch_size, progress=progress)
        return
    by_id = {s.id: s for s in sources}
    size = max(1, min(32, len(sources) // (jobs * 4) or 1))
    batches = [[s.to_dict() for s in sources[i : i + size]] for i in range(0, len(sources), size)]
    from concurrent.futures import ProcessPoolExecutor  # only when jobs run in parallel

    with ProcessPoolExecutor(jobs, initializer=_worker_init,
                             initargs=(cfg.model, [str(p) for p in _extra_rules(cfg)])) as pool:
        for result in pool.map(_worker_extract, batches):
            for sid, claims in result:
                source = by_id[sid]
                if progress:
                    progress(source)
                yield source, [Claim.from_dict(d) for d in claims]


@lru_cache(maxsize=1)
def _code_signature() -> str:
    """The package's own code (read once per process): how files are read and
    how claims are compared change with it, whatever the version says."""
    h = hashlib.sha1()
    for f in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def corpus_signature(key: str, corpus) -> str:
    """What stored flags depend on: the extractor, the rule packs, checker's
    code, and the (id, content hash) of each source of the corpus."""
    h = hashlib.sha1(key.encode())
    for f in pack_files():
        h.update(Path(f).read_bytes())
    h.update(_code_signature().encode())
    for sid, digest in sorted(corpus):
        h.update(f"{sid}\x1f{digest}\x1e".encode())
    return h.hexdigest()


def _stored_claims(cfg: Config, key: str, sources: list[Source]) -> list[Claim]:
    from .store import Store

    store = Store(cfg.cache_path)
    try:
        return [c for s in sources for c in (store.get_claims(s.id, s.content_hash, key) or [])]
    finally:
        store.close()


def _stored_flags(cfg: Config) -> list[Flag]:
    from .store import Store

    store = Store(cfg.cache_path)
    try:
        return store.get_flags()
    finally:
        store.close()


def _missing_files(cfg: Config, store, keep: set[str]) -> list[str]:
    """Stored sources (other than `keep`) whose file is gone."""
    gone = []
    for sid, path in store.source_files().items():
        if sid in keep or not path:
            continue
        p = Path(path)
        if not (p if p.is_absolute() else cfg.root / p).exists():
            gone.append(sid)
    return gone


def _extract_into(cfg: Config, store, key: str, pack: RulePack, todo: list[Source], result: ScanResult,
                  claims_by_source: dict[str, list[Claim]], jobs: int = 1,
                  progress: Callable[[Source], None] | None = None, executor: str = "local",
                  scheduler: str | None = None, session=None) -> None:
    """Extract `todo` and cache their claims; a document that breaks its batch
    costs one problem line, not the corpus. `session`: the scan's Dask session."""
    try:
        for source, claims in extract_claims(cfg, todo, pack, jobs=jobs, progress=progress,
                                               executor=executor, scheduler=scheduler, session=session):
            claims_by_source[source.id] = claims
            store.put_claims(source.id, source.content_hash, key, claims)
            result.parsed += 1
    except (KeyboardInterrupt, UserError):
        raise
    except Exception:  # noqa: BLE001 - one document broke the batch: redo the rest one by one
        for source in todo:
            if source.id in claims_by_source:
                continue
            try:
                claims = [c for _, cl in extract_claims(cfg, [source], pack) for c in cl]
            except Exception as exc:  # noqa: BLE001 - that document costs one line, not the corpus
                result.problems.append(SourceError(source.id, f"cannot extract claims ({type(exc).__name__}: "
                                                              f"{shorten(exc, 100)}); source skipped"))
                continue
            claims_by_source[source.id] = claims
            store.put_claims(source.id, source.content_hash, key, claims)
            result.parsed += 1


def _to_extract(store, key: str, sources: list[Source],
                counts: bool = True) -> tuple[list[Source], dict[tuple[str, str], int]]:
    """The sources with no cached claims (with their text), and the claim
    counts of those cached (none with `counts=False`: the check reads only
    which of its sources lack claims, every source being stored first)."""
    todo: list[Source] = []
    if counts:
        cached_counts = store.claim_counts(key)  # claims are read only if they are compared
        missing = lambda s: (s.id, s.content_hash) not in cached_counts  # noqa: E731
    else:
        cached_counts, lacking = {}, store.stored_without(key, "claims")
        missing = lambda s: (s.id, s.content_hash) in lacking  # noqa: E731
    for s in sources:
        if missing(s):
            if not s.text:  # an unchanged file read from the cache: its text is stored
                s = store.get_source(s.id) or s
            todo.append(s)
    return todo, cached_counts


def _ensure_keys(store, key: str, keyer, sources: list[Source], claims_by_source: dict[str, list[Claim]]) -> None:
    """Store the fact keys of every source's current claims that has none yet
    (a cache made before keys, or by another version of checker)."""
    from .factkeys import keys_signature

    store.reset_keys(keys_signature(key))
    lacking = store.stored_without(key, "keys")  # every source of `sources` is stored
    for s in sources:
        if (s.id, s.content_hash) not in lacking:
            continue
        claims = claims_by_source.get(s.id)
        if claims is None:
            claims = store.get_claims(s.id, s.content_hash, key)
        if claims is None:
            continue  # never extracted (it failed): it has no claims to compare
        store.put_claim_keys(s.id, s.content_hash, key, keyer.split(claims), keyer.places(claims))


def _flag_keys(keyer, flags: list[Flag]) -> dict[str, str]:
    out = {}
    for f in flags:
        k = keyer.key(f.claims[0]) if f.claims else None
        if k is not None:
            out[f.id] = k
    return out


# A check whose keys hold at least this many rows (one per source and key)
# compares them in two processes (a fork costs a few milliseconds).
SPLIT_ROWS = 6000


def _compare_keys(store, key: str, pack: RulePack, fact_keys: set[str], sources: list[Source],
                  focus: set[str] | None = None, split_at: int | None = None) -> list[Flag]:
    """Compare the claims of `fact_keys` only, as a whole-corpus comparison
    of `sources` would (checker.factkeys). With `focus` and at least
    `split_at` rows (one per source and key), the keys are shared between
    this process and a forked one, each reading its own: the flags of one
    key depend only on its claims, so the union of the two halves' flags is
    the whole comparison's. What this session wrote is committed first, so
    the other process reads it."""
    if not fact_keys:
        return []
    current = {s.id: s.content_hash for s in sources}
    order = {s.id: i for i, s in enumerate(sources)}
    if focus is None or split_at is None or len(fact_keys) < 2 or not hasattr(os, "fork"):
        return _compare_read(store, key, pack, fact_keys, current, order, focus)
    sizes = store.key_sizes(key, fact_keys)
    if sum(sizes.values()) < split_at:
        return _compare_read(store, key, pack, fact_keys, current, order, focus)
    # Largest keys first, each to the lighter half.
    halves: tuple[set, set] = (set(), set())
    weight = [0, 0]
    for k in sorted(sizes, key=lambda k: (-sizes[k], k)):
        i = 0 if weight[0] <= weight[1] else 1
        halves[i].add(k)
        weight[i] += sizes[k]
    theirs, ours = halves
    store.commit()

    def in_child() -> list[Flag]:
        from .store import ClaimReader

        reader = ClaimReader(store.path)
        try:
            return _compare_read(reader, key, pack, theirs, current, order, focus)
        finally:
            reader.close()

    flags = _compare_forked(in_child, lambda: _compare_read(store, key, pack, ours, current, order, focus),
                            lambda: _compare_read(store, key, pack, theirs, current, order, focus))
    return _sorted_flags(list({f.id: f for f in flags}.values()))


def _compare_read(reader, key: str, pack: RulePack, fact_keys: set[str], current: dict[str, str],
                  order: dict[str, int], focus: set[str] | None) -> list[Flag]:
    """Read the claims of `fact_keys` and compare them."""
    from .engine import compare
    from .factkeys import ordered_claims

    rows = reader.claims_of_keys(key, fact_keys, current)
    places = reader.places_of(key, current, {sid for sid, _, _ in rows})
    return compare(ordered_claims(rows, order), pack, focus=focus, places=places)


def _compare_forked(theirs: Callable[[], list[Flag]], ours: Callable[[], list[Flag]],
                    here: Callable[[], list[Flag]]) -> list[Flag]:
    """`theirs()` in a forked child and `ours()` here, at once; their flags.
    The child touches no open connection and leaves by os._exit; should it
    fail, `here()` (its half, in this process) runs instead."""
    import pickle

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return ours() + here()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(theirs(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as fh:
                fh.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        mine = ours()
    finally:
        with os.fdopen(read_end, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            return mine + pickle.loads(data)
        except Exception:  # noqa: BLE001 - a half-written answer: compare that half here
            pass
    return mine + here()


def _sorted_flags(flags: list[Flag]) -> list[Flag]:
    """Flags in compare's order (surest, most severe, id)."""
    from .rules import SEVERITY_RANK

    return sorted(flags, key=lambda f: (-f.confidence, SEVERITY_RANK.get(f.severity, 9), f.id))


def scan(
    cfg: Config,
    paths: list[str] | None = None,
    jobs: int = 1,
    progress: Callable[[Source], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    extra_sources: list[Source] | None = None,
    store_flags: bool = True,
    executor: str = "local",
    scheduler: str | None = None,
    judge: bool = True,
) -> ScanResult:
    """Read, extract (re-using cached claims), compare and store.

    `extra_sources` join the corpus (the pre-commit check's new files) and win
    over corpus sources of the same id (an edited file as staged).
    `store_flags=False` leaves the stored flag set untouched; then, with extra
    sources, only flags that involve them are computed, and with `judge=False`
    none at all (the claims are what the caller wants).

    A full scan whose stored flags are those of the stored corpus re-judges
    only the fact keys (checker.factkeys) of the sources that changed, were
    added or are gone, and writes only the flags that changed."""
    from .factkeys import Keyer
    from .store import Store

    result = ScanResult()
    pack = None  # parsed only when something is extracted or judged: a warm scan of nothing needs none
    key = extractor_key(cfg)
    session = None
    if executor == "dask":  # one cluster for extraction and comparison, started when first needed
        from .executors import DaskSession

        session = DaskSession(scheduler, jobs)
    store = Store(cfg.cache_path)
    try:
        store.begin_write()  # queue behind a concurrent scan before reading what it will store
        result.sources, result.problems = read_corpus(cfg, paths, store=store)
        if extra_sources:
            extra_ids = {s.id for s in extra_sources}
            result.sources = [s for s in result.sources if s.id not in extra_ids] + list(extra_sources)
        claims_by_source: dict[str, list[Claim]] = {}
        todo, cached_counts = _to_extract(store, key, result.sources)
        if todo:
            pack = load_pack(cfg)
        result.reused = len(result.sources) - len(todo)
        if on_start:
            on_start(len(todo))
        hashes = store.source_hashes()  # the stored corpus, before this scan changes it
        whole = not paths and not extra_sources and store_flags
        subset = bool(paths) and store_flags
        current = {s.id: s.content_hash for s in result.sources}
        changed = {sid for sid, digest in current.items() if hashes.get(sid) != digest} | (set(hashes) - set(current))
        # The fact keys the stored flags of the changed sources' old content lie in,
        # read before their new claims replace them; None: judge everything again.
        old_keys = None
        if whole and changed and store.flags_keyed() \
                and store.get_meta("flags_for") == corpus_signature(key, hashes.items()):
            old_keys = store.keys_of(key, [(sid, hashes[sid]) for sid in changed if sid in hashes])
        for s in result.sources:
            if hashes.get(s.id) != s.content_hash:
                store.put_source(s)
        _extract_into(cfg, store, key, pack, todo, result, claims_by_source, jobs=jobs, progress=progress,
                      executor=executor, scheduler=scheduler, session=session)
        # The stored flags are those of the whole stored corpus. A scan of some
        # files updates them and compares them with the rest, as cached; its
        # result lists the flags that involve them.
        scanned = {s.id for s in result.sources}
        if subset:
            store.forget_sources(_missing_files(cfg, store, scanned))
        signature = None
        if (whole or subset) and not extra_sources:
            corpus = (store.source_hashes().items() if subset
                      else [(s.id, s.content_hash) for s in result.sources])
            signature = corpus_signature(key, corpus)
        if signature and not todo and store.get_meta("flags_for") == signature:
            # Nothing changed since the stored flags were computed: they stand.
            result._claims = result._flags = None
            result._claim_count = sum(cached_counts[(s.id, s.content_hash)] for s in result.sources)
            result._load_claims = lambda: _stored_claims(cfg, key, result.sources)
            if subset:
                result._load_flags = lambda: [f for f in _stored_flags(cfg)
                                              if any(c.source_id in scanned for c in f.claims)]
            else:
                result._severity_counts = store.severity_counts()
                result._load_flags = lambda: _stored_flags(cfg)
                store.forget_sources_except(scanned)
            store.commit()
            return result
        pack = pack or load_pack(cfg)
        keyer = Keyer(pack) if store_flags else None
        if keyer is not None:
            _ensure_keys(store, key, keyer, result.sources, claims_by_source)
        if whole and old_keys is not None:
            new_keys = store.keys_of(key, [(sid, current[sid]) for sid in changed if sid in current])
            if new_keys is not None:
                # Only the facts whose members changed are judged again.
                fact_keys = old_keys | new_keys
                flags = _compare_keys(store, key, pack, fact_keys, result.sources)
                store.put_flags_of_keys(fact_keys, flags, _flag_keys(keyer, flags))
                store.forget_sources_except(scanned)
                store.set_meta("flags_for", signature)
                result._claims = result._flags = None
                result._claim_count = sum(len(claims_by_source[s.id]) if s.id in claims_by_source
                                          else cached_counts.get((s.id, s.content_hash), 0)
                                          for s in result.sources)
                result._load_claims = lambda: _stored_claims(cfg, key, result.sources)
                result._severity_counts = store.severity_counts()
                result._load_flags = lambda: _sorted_flags(_stored_flags(cfg))
                store.commit()
                return result
        if store_flags:
            store.set_meta("flags_for", None)  # set again below once a full set is stored
        for s in result.sources:
            if s.id not in claims_by_source:
                claims_by_source[s.id] = store.get_claims(s.id, s.content_hash, key) or []
        result.claims = [c for s in result.sources for c in claims_by_source.get(s.id, [])]
        if subset:
            every = compare_claims(cfg, result.claims + store.claims_except(key, scanned), pack, session=session)
            store.put_flags(every, _flag_keys(keyer, every))
            result.flags = [f for f in every if any(c.source_id in scanned for c in f.claims)]
        elif not judge and not store_flags:
            result.flags = []  # the caller wants the claims only (`checker facts` groups them itself)
        else:
            # A partial flag set is never stored, so focusing is safe only without storing.
            focus = {s.id for s in extra_sources} if extra_sources and not store_flags else None
            result.flags = compare_claims(cfg, result.claims, pack, focus=focus, session=session)
            if whole:
                store.forget_sources_except(scanned)
            if store_flags:
                store.put_flags(result.flags, _flag_keys(keyer, result.flags))
        if signature:
            store.set_meta("flags_for", signature)
        store.commit()
    finally:
        store.close()
        if session is not None:
            session.close()
    return result


class CheckResult:
    """What `checker check` compared: how many corpus sources, the flags that
    involve the new sources (and others their blocks raise), each flag's fact key."""

    def __init__(self) -> None:
        self.corpus = 0
        self.problems: list[SourceError] = []
        self.flags: list[Flag] = []
        self.keys: dict[str, str] = {}
        self.parsed = 0
        self.kept: list[Flag] = []  # the flags `keep` kept, stored as the new sources


def _judged_keys(store, key: str, pack: RulePack, keyer, sources: list[Source],
                 claims_by_source: dict[str, list[Claim]]) -> set[str]:
    """judged_keys of each of `sources` (their claims as just extracted, else as cached)."""
    out: set[str] = set()
    for s in sources:
        claims = claims_by_source.get(s.id)
        if claims is None:
            claims = store.get_claims(s.id, s.content_hash, key) or []
        out |= judged_keys(pack, keyer, claims)
    return out


def judged_keys(pack: RulePack, keyer, claims: list[Claim]) -> set[str]:
    """The fact keys in which some of one source's `claims` is compared at
    all. A figure no block takes (a projection, a vague amount while vague
    figures are not compared, "all the hostages") and that carries no
    conversion is in no flag, so the check need not read a key holding only
    such figures of its article. Whether a figure gets a slot is its own
    business (its fact's role and modality are its group key's; its metric
    and interval its own), so its facts built from its source's figures
    alone decide it as the whole corpus's would."""
    from .facts import Aligner, build_facts
    from .rulepack import Settings

    out: set[str] = set()
    settings = Settings.from_pack(pack)
    for k, members in keyer.split(claims).items():
        mine = [dataclasses.replace(c) for _, c in members]  # copies: the facts stage sets each one's fact
        aligner = Aligner(pack, settings, build_facts(mine, pack))
        if any(c.restated_as is not None or aligner.slot(c) is not None for c in mine):
            out.add(k)
    return out


def check_sources(cfg: Config, files: list[Path], new_sources: list[Source],
                  keep: Callable[[list[Flag]], list[Flag]] | None = None) -> CheckResult:
    """Compare `new_sources` with the corpus of `files` (already listed) as
    `scan(cfg, files, extra_sources=new_sources, store_flags=False)` would,
    reading only what that needs: corpus files are known by size and mtime,
    only new or changed sources are parsed, and only the claims of the fact
    keys the new sources' claims fall under are read from the cache. With
    `keep`, the flags it keeps (`kept`) are stored as the new sources' flags
    in the same session."""
    from .engine import collector_off
    from .factkeys import Keyer
    from .store import Store

    out = CheckResult()
    pack = load_pack(cfg)
    key = extractor_key(cfg)
    store = Store(cfg.cache_path)
    try:
        store.begin_write()
        cached: set[str] = set()
        with collector_off():
            sources, problems = read_corpus(cfg, [str(p) for p in files], store=store, files=files, cached=cached) \
                if files else ([], [])
        new_ids = {s.id for s in new_sources}
        cached -= new_ids
        sources = [s for s in sources if s.id not in new_ids] + list(new_sources)
        scratch = ScanResult()
        scratch.problems = problems
        # Sources from the cache are stored as they are; only the others are looked up.
        read = [s for s in sources if s.id not in cached]
        hashes = store.source_hashes([s.id for s in read])
        for s in read:
            if hashes.get(s.id) != s.content_hash:
                store.put_source(s)
        todo, _counts = _to_extract(store, key, sources, counts=False)
        claims_by_source: dict[str, list[Claim]] = {}
        _extract_into(cfg, store, key, pack, todo, scratch, claims_by_source)
        keyer = Keyer(pack)
        _ensure_keys(store, key, keyer, sources, claims_by_source)
        current = {s.id: s.content_hash for s in sources}
        fact_keys = store.keys_of(key, [(sid, current[sid]) for sid in new_ids if sid in current]) or set()
        fact_keys &= _judged_keys(store, key, pack, keyer, new_sources, claims_by_source)
        with collector_off():
            out.flags = _compare_keys(store, key, pack, fact_keys, sources, focus=new_ids, split_at=SPLIT_ROWS)
        out.keys = _flag_keys(keyer, out.flags)
        out.corpus = len(sources) - len(new_sources)
        out.problems = scratch.problems
        out.parsed = scratch.parsed
        if keep is not None:
            out.kept = keep(out.flags)
            store.put_flags_of_sources(new_ids, out.kept, out.keys)
        store.commit()
    finally:
        store.close()
    return out
