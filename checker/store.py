"""SQLite cache of sources, claims and flags under `.checker/`.

The cache is rebuildable and never the only copy of anything a person made
(decisions live in the ledger). Claims are keyed by the source's content hash
and the extractor's version, so a re-scan of an unchanged corpus parses
nothing.

Only a failed integrity check (or a file that is not a cache) counts as
damage: that file is moved aside and rebuilt, with a warning, and `flags` and
`report` then say a scan is needed. Anything else is said as it is, in one
line: another process holding the lock is waited for, a read-only cache still
serves the commands that only read, a full disk is named. Writers take a lock
file beside the cache for their whole session, so concurrent scans queue
instead of failing; readers need no lock (write-ahead log).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

from .errors import UserError
from .model import Claim, Flag, Quantity, Source, sha1

SCHEMA_VERSION = 4
# Flags read at a time by `iter_flags` (checker flags streams them).
FLAGS_PAGE = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, path TEXT, outlet TEXT,
    published TEXT, title TEXT, url TEXT, origin_line INTEGER, origin_col INTEGER,
    text TEXT NOT NULL, seen INTEGER DEFAULT 1
);
CREATE TABLE IF NOT EXISTS claims (
    source_id TEXT NOT NULL, content_hash TEXT NOT NULL, extractor TEXT NOT NULL,
    claims_json TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, content_hash, extractor)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, sig TEXT NOT NULL, ids TEXT NOT NULL, notes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS flags (
    id TEXT PRIMARY KEY, code TEXT, severity TEXT, metric TEXT, flag_json TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0, rank INTEGER NOT NULL DEFAULT 9
);
CREATE TABLE IF NOT EXISTS claim_keys (
    source_id TEXT NOT NULL, content_hash TEXT NOT NULL, extractor TEXT NOT NULL, key TEXT NOT NULL,
    claims_json TEXT NOT NULL, PRIMARY KEY (source_id, content_hash, extractor, key)
);
CREATE TABLE IF NOT EXISTS claim_places (
    source_id TEXT NOT NULL, content_hash TEXT NOT NULL, extractor TEXT NOT NULL, places TEXT NOT NULL,
    PRIMARY KEY (source_id, content_hash, extractor)
);
CREATE TABLE IF NOT EXISTS flag_index (
    id TEXT PRIMARY KEY, key TEXT, sources TEXT NOT NULL, severity TEXT, digest TEXT NOT NULL
);
"""
# Run once the schema version is known to be this one: on an older cache's
# tables it would fail before the version check could ask for a rebuild.
_INDEXES = """
CREATE INDEX IF NOT EXISTS flags_review_order ON flags (confidence DESC, rank, id);
CREATE INDEX IF NOT EXISTS claim_keys_by_key ON claim_keys (extractor, key);
CREATE INDEX IF NOT EXISTS flag_index_by_key ON flag_index (key);
CREATE INDEX IF NOT EXISTS sources_meta ON sources (id, content_hash, path, outlet, published, title, url,
                                                  origin_line, origin_col);
"""
# sources_meta holds every column but the text: listing the stored sources
# (source_stubs, which lack claims or keys) reads it, not the texts' pages.
# The fact keys of stored claims and flags (checker.factkeys) live beside
# them: `claim_keys` holds each cached extraction's claims split by fact key
# (with their index in the source), `claim_places` each one's main places, and
# `flag_index` each stored flag's fact key, source ids and a digest of its
# row, so a scan rewrites only the flags that changed and the pre-commit check
# reads only the claims its article's keys need. Meta 'flag_index' says every
# flag has its index row; 'flag_keys' that every one of those has its key.

# Review order: surest first, then the most severe, then by id (commands._shown).
_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def _json_strings(text: str) -> list[str]:
    """A JSON list of strings as json.loads reads it; one plain string (the
    usual file's one source id) without the parser, as a check reads one
    such row per corpus file."""
    if text.startswith('["') and text.endswith('"]') and '"' not in text[2:-2] and "\\" not in text:
        return [text[2:-2]]
    return json.loads(text)


def _flag_row(f: Flag) -> tuple:
    """A flag's row in `flags` (what _flag_rows gives, one flag at a time)."""
    return (f.id, f.code, f.severity, f.metric, json.dumps(f.to_dict()), float(f.confidence),
            _SEVERITY_RANK.get(f.severity, 9))


def _flag_rows(flags: list[Flag]) -> list[tuple]:
    """`_flag_row` of each flag; a claim met in many flags (a figure most
    sources disagree with) is turned into its dict once."""
    import dataclasses

    claim_dicts: dict[int, dict] = {}
    rows = []
    for f in flags:
        d = dataclasses.replace(f, claims=[]).to_dict()
        d["id"], d["evidence_hash"] = f.id, f.evidence_hash  # both are of the claims
        claims = []
        for c in f.claims:
            cd = claim_dicts.get(id(c))
            if cd is None:
                cd = claim_dicts[id(c)] = c.to_dict()
            claims.append(cd)
        d["claims"] = claims
        rows.append((f.id, f.code, f.severity, f.metric, json.dumps(d), float(f.confidence),
                     _SEVERITY_RANK.get(f.severity, 9)))
    return rows


class KeyedClaim(Claim):
    """A claim read back from its fact key's row (Store.claims_of_keys): its
    id was stored with it, and its sentence is decoded only when something
    reads it. A check compares thousands of such claims and quotes a few;
    hashing and decoding every sentence was a third of its comparison."""

    @property
    def id(self) -> str:
        found = self.__dict__.get("_id")
        return found if found is not None else sha1(self.content_key())[:12]

    def __getattr__(self, name: str):
        # Only called for what the instance lacks: the sentence of a row not yet decoded.
        if name == "sentence":
            found = self.__dict__.get("_row")
            if found is not None:
                row, k = found
                sentence = self.__dict__["sentence"] = row.sentences()[k]
                del self.__dict__["_row"]
                return sentence
        raise AttributeError(name)

    def __getstate__(self) -> dict:
        # Whole, as a Claim would be: the row's other sentences stay behind.
        if "sentence" not in self.__dict__:
            self.sentence  # noqa: B018 - decodes it
        return dict(self.__dict__)


class _Sentences:
    """The sentences of one fact-key row, parsed when the first is asked for.
    It refers to no claim (each claim refers to it), so claims read and
    dropped are freed at once, without the cyclic collector."""

    __slots__ = ("text", "parsed")

    def __init__(self, text: str):
        self.text, self.parsed = text, None

    def sentences(self) -> list[str]:
        if self.parsed is None:
            self.parsed, self.text = json.loads(self.text), ""
        return self.parsed


@functools.lru_cache(maxsize=1)
def _row_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a claim a fact-key row holds, in order (its source id is
    the row's, its sentence on the row's second line), and a quantity's. The
    stored keys are dropped whenever checker's code changes, so a row is
    always read with the order it was written in."""
    import dataclasses

    return (tuple(f.name for f in dataclasses.fields(Claim) if f.name not in ("source_id", "sentence")),
            tuple(f.name for f in dataclasses.fields(Quantity)))


def _key_row(members: list[tuple[int, Claim]]) -> str:
    """A fact-key row: one line of [index in the source, id, the claim's
    fields in _row_fields order, its quantity's and its restatement's as
    lists], then one line of the sentences, so a reader parses the sentences
    only when asked (names are not repeated: the check reads thousands)."""
    names, quantity_names = _row_fields()
    rows, sentences = [], []
    for i, c in members:
        d = c.to_dict()
        sentences.append(d["sentence"])
        d["quantity"] = [d["quantity"][k] for k in quantity_names]
        if d.get("restated_as") is not None:
            d["restated_as"] = [d["restated_as"][k] for k in quantity_names]
        rows.append([i, d["id"], [d[k] for k in names]])
    # json.dumps writes no raw newline: the first one ends the claims
    return json.dumps(rows) + "\n" + json.dumps(sentences)


def _read_key_rows(rows: list[tuple[str, str]]) -> list[tuple[str, int, KeyedClaim]]:
    """(source id, index in the source, claim) for each claim of fact-key rows
    given as (source id, row text). Their claim lines are parsed as one JSON
    document (a check reads thousands of one-claim rows), and claims are
    built without __init__, with every field as Claim.from_dict sets it
    (each list its own: JSON makes a new one each time)."""
    names, quantity_names = _row_fields()
    heads, tails = [], []
    for _, text in rows:
        head, _, tail = text.partition("\n")
        heads.append(head)
        tails.append(tail)
    new = object.__new__
    out: list[tuple[str, int, KeyedClaim]] = []
    for (source_id, _), tail, members in zip(rows, tails, json.loads("[" + ",".join(heads) + "]")):
        row = _Sentences(tail)
        for k, (i, cid, values) in enumerate(members):
            c = new(KeyedClaim)
            fields = dict(zip(names, values))
            q = new(Quantity)
            q.__dict__ = dict(zip(quantity_names, fields["quantity"]))
            fields["quantity"] = q
            if fields["restated_as"] is not None:
                r = new(Quantity)
                r.__dict__ = dict(zip(quantity_names, fields["restated_as"]))
                fields["restated_as"] = r
            fields["source_id"], fields["_id"], fields["_row"] = source_id, cid, (row, k)
            c.__dict__ = fields
            out.append((source_id, i, c))
    return out


def _digest(row: tuple) -> str:
    return hashlib.sha1(repr(row).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _index_row(f: Flag, row: tuple, key: str | None) -> tuple:
    # The key is in the digest too: a row stored without one is written again with it.
    return (f.id, key, json.dumps(sorted({c.source_id for c in f.claims})), f.severity, _digest((row, key)))


_INSERT_FLAG = ("INSERT OR REPLACE INTO flags (id, code, severity, metric, flag_json, confidence, rank)"
                " VALUES (?,?,?,?,?,?,?)")
_UPDATE_FLAG = ("UPDATE flags SET code=?, severity=?, metric=?, flag_json=?, confidence=?, rank=? WHERE id=?")
_INSERT_INDEX = "INSERT OR REPLACE INTO flag_index (id, key, sources, severity, digest) VALUES (?,?,?,?,?)"


BUSY_TIMEOUT = 30.0  # seconds SQLite itself retries a busy database before saying "locked"
OPEN_WAIT_LIMIT = 600.0  # seconds a locked cache is waited for while opening


class _WriterLock:
    """The cache's writer lock: an exclusive flock on a file beside it, the
    same lock filelock takes on POSIX, taken with the OS call itself so a warm
    scan does not pay filelock's imports; elsewhere filelock does it."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None
        self._other = None

    def acquire(self, wait: bool) -> bool:
        """Take the lock; without `wait`, False when another process holds it."""
        try:
            import fcntl
        except ImportError:  # not POSIX
            from filelock import FileLock, Timeout

            self._other = self._other or FileLock(self.path)
            try:
                self._other.acquire(timeout=-1 if wait else 0)
            except Timeout:
                return False
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        if self._other is not None:
            self._other.release()
        elif self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _error_name(exc: sqlite3.Error) -> str:
    """SQLite's error name (Python 3.11+), else a guess from the message."""
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        return name
    text = str(exc).lower()
    for needle, guess in (("locked", "SQLITE_BUSY"), ("busy", "SQLITE_BUSY"), ("readonly", "SQLITE_READONLY"),
                          ("read-only", "SQLITE_READONLY"), ("full", "SQLITE_FULL"),
                          ("unable to open", "SQLITE_CANTOPEN"), ("disk i/o", "SQLITE_IOERR")):
        if needle in text:
            return guess
    return "SQLITE_ERROR"


def _writes(method):
    """A method that writes: it runs under the cache's writer lock, and
    SQLite's operational errors become one line saying what is wrong."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self._begin_write()
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            raise self._write_error(exc) from None

    return wrapper



def _flag_filters(severity: str | None, code: str | None) -> tuple[list[str], list]:
    """The SQL conditions and arguments of the severity and rule filters that
    `checker flags` and the review list share."""
    where, args = [], []
    if severity:
        where.append("severity=?")
        args.append(severity)
    if code:
        where.append("code=?")
        args.append(code)
    return where, args

class Store:
    """A thin, explicit wrapper over one SQLite file.

    `rebuilt` is the path the damaged file was moved to when this open (or an
    earlier one, until flags are stored again) rebuilt the cache; `read_only`
    is set when the cache can be read but not written."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.rebuilt: str | None = None
        self.read_only = False
        self._lock = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not self.path.is_file():
                raise UserError(f"{self.path.parent}: cannot create the cache folder ({exc.strerror or exc})") from None
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            # The cache is rebuildable; keep it out of the corpus repository.
            try:
                ignore.write_text("# created by checker: the cache is rebuilt on demand\n*\n")
            except OSError:
                pass
        self.db = self._open()

    def _writable(self) -> bool:
        folder_ok = os.access(self.path.parent, os.W_OK)
        return folder_ok and (not self.path.exists() or os.access(self.path, os.W_OK))

    def _open(self) -> sqlite3.Connection:
        """Open, waiting while another process holds the database lock;
        a cache that cannot be written opens read-only."""
        if self.path.is_file() and not self._writable():
            return self._open_read_only("no write permission")
        said = False
        deadline = time.monotonic() + OPEN_WAIT_LIMIT
        while True:
            try:
                return self._open_once()
            except sqlite3.OperationalError as exc:
                name = _error_name(exc)
                if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) and time.monotonic() < deadline:
                    if not said:
                        print(f"checker: waiting for another checker process using the cache {self.path}",
                              file=sys.stderr, flush=True)
                        said = True
                    time.sleep(0.2)
                    continue
                if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) and self.path.is_file():
                    return self._open_read_only(str(exc))
                raise self._write_error(exc) from None

    def _open_read_only(self, why: str) -> sqlite3.Connection:
        """Reading needs no write access: `mode=ro`, or `immutable=1` when even
        the write-ahead log's shared memory file cannot be made."""
        self.read_only = True
        self._read_only_reason = why
        uri = self.path.resolve().as_uri()
        last: Exception | None = None
        for params in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(f"{uri}?{params}", uri=True, timeout=BUSY_TIMEOUT)
                db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                return db
            except sqlite3.DatabaseError as exc:
                last = exc
        raise UserError(f"{self.path}: cannot read the cache ({last}); it is read-only, so it is not rebuilt")

    def _write_error(self, exc: sqlite3.Error) -> UserError:
        name = _error_name(exc)
        where = f"{self.path}: "
        if name.startswith("SQLITE_FULL"):
            return UserError(where + "disk full while writing the cache; free some space and run the command again")
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or self.read_only:
            return self._read_only_error()
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return UserError(where + "the cache is locked by another program; try again when it has finished")
        return UserError(where + f"cannot write the cache ({exc})")

    def _read_only_error(self) -> UserError:
        return UserError(f"{self.path}: the cache is read-only, and this command needs to write it "
                         "(make it writable, or set 'cache' in [tool.checker] to a writable folder)")

    def begin_write(self) -> None:
        """Take the writer lock now (a scan does, before reading the cache, so
        a scan queued behind another reuses what that one extracted)."""
        self._begin_write()

    def _begin_write(self) -> None:
        """Take the writer lock once per session. Another writer (a second
        scan) is waited for, with a message, rather than failed or mistaken
        for damage."""
        if self.read_only:
            raise self._read_only_error()
        if self._lock is not None:
            return
        if not os.access(self.path.parent, os.W_OK):
            raise self._read_only_error()
        lock = _WriterLock(str(self.path) + ".lock")
        try:
            if not lock.acquire(wait=False):
                print(f"checker: waiting for another checker process to finish writing the cache {self.path}",
                      file=sys.stderr, flush=True)
                lock.acquire(wait=True)
        except OSError as exc:
            raise UserError(f"{self.path}: cannot lock the cache ({exc.strerror or exc})") from None
        self._lock = lock

    def _open_once(self) -> sqlite3.Connection:
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                db.commit()
            elif row[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError("old cache schema")
            db.executescript(_INDEXES)
            # Damage past the first pages only shows when read: look at every page
            # now, unless the file is as a checker process left it after a check.
            if not self._known_sound():
                check = db.execute("PRAGMA quick_check").fetchone()
                if not check or check[0] != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {check[0] if check else 'no answer'}")
                self._mark_sound()
            self._sound = True
            return db
        except sqlite3.OperationalError:
            if db is not None:
                db.close()
            raise  # locked, read-only, full: not damage (see _open)
        except sqlite3.DatabaseError as exc:
            if db is not None:
                db.close()
            return self._rebuild(exc)

    def _rebuild(self, why: Exception) -> sqlite3.Connection:
        """The cache is rebuildable: set the damaged file aside and start again."""
        aside = self.path.with_suffix(".damaged")
        print(f"checker: warning: {self.path}: cache unreadable ({why}); rebuilding", file=sys.stderr)
        try:
            self.path.replace(aside)
            for extra in ("-wal", "-shm"):
                Path(str(self.path) + extra).unlink(missing_ok=True)
        except OSError as exc:
            raise UserError(f"{self.path}: the cache is damaged ({why}) and cannot be moved aside "
                            f"({exc.strerror or exc}); delete it and run the command again") from None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
            db.executescript(_SCHEMA)
            db.executescript(_INDEXES)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            # Until flags are stored again, readers say a scan is needed (not "0 flags").
            db.execute("INSERT OR REPLACE INTO meta VALUES ('rebuilt', ?)", (str(aside),))
            db.commit()
        except sqlite3.OperationalError as exc:
            raise self._write_error(exc) from None
        self.rebuilt = str(aside)
        return db

    def needs_scan(self) -> str | None:
        """Where the damaged cache went, when it was rebuilt and no scan has
        stored flags since; else None."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='rebuilt'").fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    # A whole-file integrity check costs a read of every page (about a second
    # for a cache of a few hundred MB) on every command. The file's size and
    # mtime after a check are recorded beside it, and again when a session that
    # opened a checked file closes (its own writes, or the write-ahead log that
    # checker writers left, folded in); an open that finds them unchanged skips
    # the check. Any other change to the file checks again.

    def _file_state(self) -> str:
        try:
            st = self.path.stat()
        except OSError:
            return "-"
        return f"{st.st_size}:{st.st_mtime_ns}"

    def _checked_path(self) -> Path:
        return self.path.with_name(self.path.name + ".checked")

    def _known_sound(self) -> bool:
        try:
            return self._checked_path().read_text(encoding="ascii") == self._file_state()
        except (OSError, ValueError):
            return False

    def _mark_sound(self) -> None:
        try:
            self._checked_path().write_text(self._file_state(), encoding="ascii")
        except OSError:
            pass  # a read-only folder: the next open checks again

    def close(self) -> None:
        try:
            # Trusted: a writer's own session, or a reader that found the file as recorded.
            trusted = getattr(self, "_sound", False) and (self._lock is not None or self._known_sound())
            self.db.close()
            if trusted:
                self._mark_sound()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    # ---------------------------------------------------------- sources

    @_writes
    def put_source(self, s: Source) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sources (id, content_hash, path, outlet, published, title, url,"
            " origin_line, origin_col, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (s.id, s.content_hash, s.path, s.outlet, s.published, s.title, s.url, s.origin_line,
             s.origin_col, s.text),
        )

    def get_source(self, source_id: str) -> Source | None:
        row = self.db.execute(
            "SELECT id, path, text, outlet, published, title, url, origin_line, origin_col, content_hash"
            " FROM sources WHERE id=?",
            (source_id,),
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "path", "text", "outlet", "published", "title", "url", "origin_line",
                "origin_col", "content_hash")
        return Source(**dict(zip(keys, row)))

    _META = ("id", "path", "outlet", "published", "title", "url", "origin_line", "origin_col", "content_hash")

    def source_stubs(self) -> dict[str, Source]:
        """Every stored source without its text (metadata and content hash):
        what a scan needs of a file that has not changed."""
        rows = self.db.execute(f"SELECT {', '.join(self._META)} FROM sources")
        # Built without __init__ (a check of a large corpus makes one per file):
        # every field is set, and the content hash is the stored one.
        new, fields = object.__new__, self._META
        out = {}
        for row in rows:
            stub = new(Source)
            stub.__dict__ = dict(zip(fields, row), text="")
            out[row[0]] = stub
        return out

    # ---------------------------------------------------------- files (stat-based freshness)

    def file_records(self) -> dict[str, tuple[str, list[str], list[list[str]]]]:
        """path -> (signature, source ids, notes) of each file read before."""
        out = {}
        for path, sig, ids, notes in self.db.execute("SELECT path, sig, ids, notes FROM files"):
            try:
                out[path] = (sig, _json_strings(ids), [] if notes == "[]" else json.loads(notes))
            except ValueError:
                continue  # an unreadable row: the file is simply read again
        return out

    @_writes
    def put_file(self, path: str, sig: str, ids: list[str], notes: list[list[str]]) -> None:
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)",
                        (path, sig, json.dumps(ids), json.dumps(notes)))

    @_writes
    def forget_files(self, paths: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM files WHERE path=?", [(p,) for p in paths])

    def source_paths(self) -> list[str]:
        """The file each stored source was read from."""
        return [p for (p,) in self.db.execute("SELECT DISTINCT path FROM sources")]

    def source_hashes(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Stored source id -> content hash, of every source or of `ids`."""
        if ids is None:
            return dict(self.db.execute("SELECT id, content_hash FROM sources"))
        out = {}
        for sid in ids:
            row = self.db.execute("SELECT content_hash FROM sources WHERE id=?", (sid,)).fetchone()
            if row is not None:
                out[sid] = row[0]
        return out

    def source_files(self) -> dict[str, str]:
        """Stored source id -> the file it was read from."""
        return dict(self.db.execute("SELECT id, path FROM sources"))

    @_writes
    def forget_sources(self, ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM sources WHERE id=?", [(i,) for i in ids])

    @_writes
    def forget_sources_except(self, keep: Iterable[str]) -> int:
        """Drop sources no longer in the corpus (deleted files)."""
        keep = set(keep)
        gone = [sid for (sid,) in self.db.execute("SELECT id FROM sources") if sid not in keep]
        self.db.executemany("DELETE FROM sources WHERE id=?", [(g,) for g in gone])
        return len(gone)

    # ---------------------------------------------------------- claims

    def get_claims(self, source_id: str, content_hash: str, extractor: str) -> list[Claim] | None:
        row = self.db.execute(
            "SELECT claims_json FROM claims WHERE source_id=? AND content_hash=? AND extractor=?",
            (source_id, content_hash, extractor),
        ).fetchone()
        if row is None:
            return None
        try:
            return [Claim.from_dict(d) for d in json.loads(row[0])]
        except (ValueError, KeyError, TypeError):
            return None  # an unreadable entry is simply re-extracted

    @_writes
    def put_claims(self, source_id: str, content_hash: str, extractor: str, claims: list[Claim]) -> None:
        self.db.execute("DELETE FROM claims WHERE source_id=? AND extractor=?", (source_id, extractor))
        self.db.execute("DELETE FROM claim_keys WHERE source_id=? AND extractor=?", (source_id, extractor))
        self.db.execute("DELETE FROM claim_places WHERE source_id=? AND extractor=?", (source_id, extractor))
        self.db.execute(
            "INSERT OR REPLACE INTO claims VALUES (?,?,?,?,?)",
            (source_id, content_hash, extractor, json.dumps([c.to_dict() for c in claims]), len(claims)),
        )

    def claim_counts(self, extractor: str) -> dict[tuple[str, str], int]:
        """(source id, content hash) -> number of claims, for every cached
        extraction: what a scan needs to know without reading the claims."""
        rows = self.db.execute("SELECT source_id, content_hash, n FROM claims WHERE extractor=?", (extractor,))
        return {(sid, digest): n for sid, digest, n in rows}

    def all_claims(self, extractor: str) -> list[Claim]:
        out: list[Claim] = []
        rows = self.db.execute(
            "SELECT c.claims_json FROM claims c JOIN sources s ON s.id = c.source_id"
            " AND s.content_hash = c.content_hash WHERE c.extractor=? ORDER BY c.source_id",
            (extractor,),
        )
        for (blob,) in rows:
            out.extend(Claim.from_dict(d) for d in json.loads(blob))
        return out

    def claims_except(self, extractor: str, exclude: Iterable[str]) -> list[Claim]:
        """Current claims of every stored source not in `exclude` (the rest of
        the corpus when a scan reads only some of its files)."""
        exclude = set(exclude)
        out: list[Claim] = []
        rows = self.db.execute(
            "SELECT c.source_id, c.claims_json FROM claims c JOIN sources s ON s.id = c.source_id"
            " AND s.content_hash = c.content_hash WHERE c.extractor=? ORDER BY c.source_id",
            (extractor,),
        )
        for sid, blob in rows:
            if sid not in exclude:
                out.extend(Claim.from_dict(d) for d in json.loads(blob))
        return out

    # ---------------------------------------------------------- fact keys (checker.factkeys)

    @_writes
    def reset_keys(self, signature: str) -> bool:
        """Drop stored fact keys made under another signature (checker's code or
        the extractor changed); True when they were dropped."""
        if self.get_meta("keys_for") == signature:
            return False
        self.db.execute("DELETE FROM claim_keys")
        self.db.execute("DELETE FROM claim_places")
        self.set_meta("keys_for", signature)
        return True

    def stored_without(self, extractor: str, what: str) -> set[tuple[str, str]]:
        """(id, content hash) of the stored sources that have no cached claims
        (`what="claims"`) or no fact keys (`what="keys"`) under `extractor`.
        Callers store every source they compare first (put_source), so these
        are all of theirs that lack them: a check of a large corpus reads the
        few, not a row per source."""
        table = {"claims": "claims", "keys": "claim_places"}[what]
        return set(self.db.execute(
            f"SELECT s.id, s.content_hash FROM sources s WHERE NOT EXISTS (SELECT 1 FROM {table} t"
            " WHERE t.source_id = s.id AND t.content_hash = s.content_hash AND t.extractor = ?)", (extractor,)))

    def keyed_sources(self, extractor: str) -> set[tuple[str, str]]:
        """(source id, content hash) of every extraction whose keys are stored."""
        rows = self.db.execute("SELECT source_id, content_hash FROM claim_places WHERE extractor=?", (extractor,))
        return set(rows)

    @_writes
    def put_claim_keys(self, source_id: str, content_hash: str, extractor: str,
                       split: dict[str, list[tuple[int, Claim]]], places: list[str]) -> None:
        self.db.execute("DELETE FROM claim_keys WHERE source_id=? AND content_hash=? AND extractor=?",
                        (source_id, content_hash, extractor))
        self.db.executemany(
            "INSERT INTO claim_keys VALUES (?,?,?,?,?)",
            [(source_id, content_hash, extractor, key, _key_row(members)) for key, members in split.items()])
        self.db.execute("INSERT OR REPLACE INTO claim_places VALUES (?,?,?,?)",
                        (source_id, content_hash, extractor, json.dumps(places)))

    def keys_of(self, extractor: str, pairs: Iterable[tuple[str, str]]) -> set[str] | None:
        """The fact keys of these extractions; None when one of them has none stored."""
        out: set[str] = set()
        for sid, digest in pairs:
            if self.db.execute("SELECT 1 FROM claim_places WHERE source_id=? AND content_hash=? AND extractor=?",
                               (sid, digest, extractor)).fetchone() is None:
                return None
            out.update(k for (k,) in self.db.execute(
                "SELECT key FROM claim_keys WHERE source_id=? AND content_hash=? AND extractor=?",
                (sid, digest, extractor)))
        return out

    def claims_of_keys(self, extractor: str, keys: Iterable[str],
                       current: dict[str, str]) -> list[tuple[str, int, Claim]]:
        """(source id, index in its source, claim) for every claim of `keys` whose
        source is in `current` (source id -> content hash) at that hash."""
        out: list[tuple[str, int, Claim]] = []
        for key in sorted(set(keys)):
            # Rows of other contents (files edited since) are skipped before they
            # are parsed; joining `sources` to skip them in SQL cost more than it saved.
            rows = self.db.execute("SELECT source_id, content_hash, claims_json FROM claim_keys"
                                   " WHERE extractor=? AND key=?", (extractor, key))
            out.extend(_read_key_rows([(sid, blob) for sid, digest, blob in rows if current.get(sid) == digest]))
        return out

    def key_sizes(self, extractor: str, keys: Iterable[str]) -> dict[str, int]:
        """Fact key -> number of its rows (one per source), to share keys out evenly."""
        out = dict.fromkeys(keys, 0)
        for k, n in self.db.execute("SELECT key, COUNT(*) FROM claim_keys WHERE extractor=? GROUP BY key",
                                    (extractor,)):
            if k in out:
                out[k] = n
        return out

    def places_of(self, extractor: str, current: dict[str, str], ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """Source id -> main places, for `ids` at their hash in `current`."""
        wanted = set(ids)
        out: dict[str, frozenset[str]] = {}
        # One pass over the small table beats a query per source.
        rows = self.db.execute("SELECT source_id, content_hash, places FROM claim_places"
                               " WHERE extractor=? AND places != '[]'", (extractor,))
        read: dict[str, frozenset[str]] = {}  # a story's sources share a few lists of places
        for sid, digest, places in rows:
            if sid in wanted and current.get(sid) == digest:
                found = read.get(places)
                if found is None:
                    found = read[places] = frozenset(json.loads(places))
                out[sid] = found
        return out

    # ---------------------------------------------------------- flags

    @_writes
    def put_flags(self, flags: list[Flag], keys: dict[str, str] | None = None) -> int:
        """Store `flags` as the whole flag set; `keys` gives each flag's fact key.
        With a complete index only what changed is written (rows of unchanged
        flags keep their rowid); returns the number of rows written."""
        self.db.execute("DELETE FROM meta WHERE key='rebuilt'")
        if not self._index_whole():
            self.db.execute("DELETE FROM flags")
            self.db.execute("DELETE FROM flag_index")
            stored: dict[str, str] = {}
        else:
            stored = dict(self.db.execute("SELECT id, digest FROM flag_index"))
        written = self._sync_flags(stored, flags, keys)
        self.set_meta("flag_index", "1")
        self.set_meta("flag_keys", "1" if keys is not None and all(f.id in keys for f in flags) else None)
        return written

    @_writes
    def put_flags_of_keys(self, fact_keys: Iterable[str], flags: list[Flag], keys: dict[str, str]) -> int:
        """Replace the stored flags of `fact_keys` only (a scan that re-judged
        those keys), writing only what changed; returns the rows written."""
        wanted = sorted(set(fact_keys))
        stored: dict[str, str] = {}
        for k in wanted:
            stored.update(self.db.execute("SELECT id, digest FROM flag_index WHERE key=?", (k,)))
        return self._sync_flags(stored, flags, keys)

    def _sync_flags(self, stored: dict[str, str], flags: list[Flag], keys: dict[str, str] | None) -> int:
        """Delete the `stored` flags (id -> digest) not in `flags`, insert the
        new ones, update those whose row changed, leave the rest untouched."""
        keys = keys or {}
        new_ids = {f.id for f in flags}
        gone = [(fid,) for fid in stored if fid not in new_ids]
        self.db.executemany("DELETE FROM flags WHERE id=?", gone)
        self.db.executemany("DELETE FROM flag_index WHERE id=?", gone)
        inserts, updates, index = [], [], []
        for f, row in zip(flags, _flag_rows(flags)):
            entry = _index_row(f, row, keys.get(f.id))
            old = stored.get(f.id)
            if old is None:
                inserts.append(row)
            elif old != entry[-1]:
                updates.append((*row[1:], f.id))
            else:
                continue
            index.append(entry)
        self.db.executemany(_INSERT_FLAG, inserts)
        self.db.executemany(_UPDATE_FLAG, updates)
        self.db.executemany(_INSERT_INDEX, index)
        return len(gone) + len(inserts) + len(updates)

    def _index_whole(self) -> bool:
        """The index has a row for each stored flag (as far as counting tells:
        a writer that knows no index, deleting or adding flags, is caught)."""
        if self.get_meta("flag_index") != "1":
            return False
        flags = self.db.execute("SELECT COUNT(*) FROM flags").fetchone()[0]
        return flags == self.db.execute("SELECT COUNT(*) FROM flag_index").fetchone()[0]

    def flags_keyed(self) -> bool:
        """Every stored flag has its fact key in the index (an incremental scan can trust it)."""
        return self.get_meta("flag_keys") == "1" and self._index_whole()

    @_writes
    def put_flags_of_sources(self, source_ids: Iterable[str], flags: list[Flag],
                             keys: dict[str, str] | None = None) -> None:
        """Replace only the stored flags that involve `source_ids` (the pre-commit
        check's files), so `checker review` shows them at once and keeps the rest."""
        ids = set(source_ids)
        stale = []
        indexed = self._index_whole()
        if not indexed:
            self.set_meta("flag_index", None)
        if indexed:
            # A row naming one of them holds its JSON string (_index_row wrote it so):
            # only those are parsed, not every flag's.
            quoted = [json.dumps(i) for i in ids]
            for fid, sources in self.db.execute("SELECT id, sources FROM flag_index"):
                if not isinstance(sources, str) or not (sources.startswith("[") and sources.endswith("]")) \
                        or any(q in sources for q in quoted):
                    try:
                        if ids.intersection(json.loads(sources)):
                            stale.append((fid,))
                    except (ValueError, TypeError):
                        stale.append((fid,))
        else:
            for fid, blob in self.db.execute("SELECT id, flag_json FROM flags"):
                try:
                    claims = json.loads(blob).get("claims", [])
                except (ValueError, AttributeError):
                    continue
                if any(c.get("source_id") in ids for c in claims if isinstance(c, dict)):
                    stale.append((fid,))
        self.db.executemany("DELETE FROM flags WHERE id=?", stale)
        self.db.executemany("DELETE FROM flag_index WHERE id=?", stale)
        self.set_meta("flags_for", None)  # no longer the flags of one scanned corpus
        rows = _flag_rows(flags)
        self.db.executemany(_INSERT_FLAG, rows)
        if indexed:
            keys = keys or {}
            self.db.executemany(_INSERT_INDEX, [_index_row(f, r, keys.get(f.id)) for f, r in zip(flags, rows)])
            if not all(f.id in keys for f in flags):
                self.set_meta("flag_keys", None)

    def get_flags(self) -> list[Flag]:
        rows = self.db.execute("SELECT flag_json FROM flags ORDER BY rowid")
        return [Flag.from_dict(json.loads(blob)) for (blob,) in rows]

    def iter_flags(self, page: int | None = None, severity: str | None = None, code: str | None = None,
                   min_confidence: float | None = None):
        """Stored flags in review order (surest first, then most severe, then
        id), read `page` rows at a time with the filters in SQL, so a caller
        that streams them never holds the whole set."""
        where, args = _flag_filters(severity, code)
        if min_confidence is not None:
            where.append("confidence>=?")
            args.append(min_confidence)
        page = page or FLAGS_PAGE
        if "confidence" not in {row[1] for row in self.db.execute("PRAGMA table_info(flags)")}:
            # A read-only cache of an older schema cannot be rebuilt: order it in memory.
            yield from self._iter_flags_in_memory(page, severity, code, min_confidence)
            return
        after = ""
        last: tuple = ()
        while True:
            cond = " AND ".join(where + ([after] if after else [])) or "1"
            rows = self.db.execute(
                f"SELECT confidence, rank, id, flag_json FROM flags WHERE {cond}"
                " ORDER BY confidence DESC, rank, id LIMIT ?", (*args, *last, page)).fetchall()
            if not rows:
                return
            conf, rank, fid, _ = rows[-1]
            after = "(confidence<? OR (confidence=? AND (rank>? OR (rank=? AND id>?))))"
            last = (conf, conf, rank, rank, fid)
            yield [Flag.from_dict(json.loads(blob)) for *_, blob in rows]

    def _iter_flags_in_memory(self, page: int, severity: str | None, code: str | None,
                              min_confidence: float | None):
        flags = [f for f in self.get_flags()
                 if (not severity or f.severity == severity) and (not code or f.code == code)
                 and (min_confidence is None or f.confidence >= min_confidence)]
        flags.sort(key=lambda f: (-f.confidence, _SEVERITY_RANK.get(f.severity, 9), f.id))
        for i in range(0, len(flags), page):
            yield flags[i : i + page]

    def severity_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("high", "medium", "low")}
        # The index's rows are small; the flags table's hold every flag's claims.
        table = "flag_index" if self.get_meta("flag_index") == "1" else "flags"
        counts.update(dict(self.db.execute(f"SELECT severity, COUNT(*) FROM {table} GROUP BY severity")))
        return counts

    # ---------------------------------------------------------- meta

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @_writes
    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @_writes
    def commit(self) -> None:
        self.db.commit()


class ClaimReader:
    """A read-only connection of its own to a cache, for a forked process
    (a connection must not cross a fork): the fact-key reads of Store."""

    def __init__(self, path: Path | str):
        self.db = sqlite3.connect(f"file:{Path(path).resolve().as_posix()}?mode=ro", uri=True)

    claims_of_keys = Store.claims_of_keys
    places_of = Store.places_of

    def close(self) -> None:
        self.db.close()


# ---------------------------------------------------------------------------- review paging (read side)

def _haystack(fid: str, blob: str) -> str:
    """What a search looks in: the fields a reviewer sees of the flag and of
    each claim, casefolded (SQLite's lower() knows only ASCII)."""
    try:
        d = json.loads(blob)
        parts = [d.get("code") or "", d.get("rule") or "", d.get("severity") or "", d.get("metric") or "",
                 d.get("message") or "", fid or ""]
        for c in d.get("claims") or ():
            parts += [c.get("source_id") or "", c.get("outlet") or "", c.get("attribution") or "",
                      c.get("sentence") or "", (c.get("quantity") or {}).get("surface") or ""]
    except (ValueError, AttributeError, TypeError):
        return ""
    return "\n".join(map(str, parts)).casefold()


# A flag's evidence hash: as stored with it (Flag.to_dict writes it, as it
# writes the id column), else computed from the flag.
_EVIDENCE = "COALESCE(json_extract(flags.flag_json, '$.evidence_hash'), review_evidence(flags.flag_json))"


def _involved_function(db: sqlite3.Connection, involved: Callable[[str], bool]) -> None:
    db.create_function("review_involved", 1, lambda sid: bool(sid) and involved(sid))


class FlagPages:
    """The flags a review shows, read a page at a time.

    A flag is named by its key (its row id less one: for flags handed over as
    a list, their index in it), stable for the session. Filters (severity,
    code, review status, search words) and the review order are SQL, so what
    the review holds is a page of flags, not the set. Review statuses live in
    a temporary table the review keeps up to date (`set_status`); the search
    text is built on the first search and kept for the session."""

    CACHE = 1000  # decoded flags kept (a few pages: the list's window, the detail)

    def __init__(self, db: sqlite3.Connection, order: list[tuple[str, bool]], base: str = "1",
                 base_args: tuple = (), path: Path | None = None, involved: Callable[[str], bool] | None = None):
        self.db = db
        self.order = order  # (column, descending) pairs; the last is unique
        self.base, self.base_args = base, base_args
        self.path = path  # the cache file (None: an in-memory table), for reading from another thread
        self._involved = involved
        self._apart_base = (base, base_args)  # the same set, for a connection without this one's temp tables
        self._flags: dict[int, Flag] = {}
        self._ids: dict[int, str] = {}
        self._searchable = False
        self._total: int | None = None
        db.create_function("review_haystack", 2, _haystack, deterministic=True)
        db.create_function("review_evidence", 1, self._evidence, deterministic=True)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS review_status"
                   " (id TEXT PRIMARY KEY, status TEXT NOT NULL, evidence TEXT NOT NULL)")
        db.execute("DELETE FROM temp.review_status")

    @classmethod
    def of_flags(cls, flags: Iterable[Flag]) -> "FlagPages":
        """Flags given as a list (tests, a blocked commit's flags): an
        in-memory table in the list's order, the same queries."""
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE flags (id TEXT, code TEXT, severity TEXT, metric TEXT, flag_json TEXT NOT NULL,"
                   " confidence REAL NOT NULL DEFAULT 1.0, rank INTEGER NOT NULL DEFAULT 9)")
        db.executemany(_INSERT_FLAG.replace("INSERT OR REPLACE", "INSERT"), (_flag_row(f) for f in flags))
        db.execute("CREATE INDEX flags_id ON flags (id)")
        return cls(db, [("rowid", False)])

    @classmethod
    def of_store(cls, store: "Store", min_confidence: float | None = None,
                 involved: Callable[[str], bool] | None = None, hints: Iterable[str] = ()) -> "FlagPages":
        """The stored flags in review order (surest first, then most severe,
        then id): those at or above `min_confidence`, and with `involved`
        only those with a claim from a source it accepts. `hints` are texts
        one of which every such source id starts with (the paths asked for):
        a flag whose stored text holds none of them is passed over unread.
        Those flags are found once, here, not by every query."""
        columns = {row[1] for row in store.db.execute("PRAGMA table_info(flags)")}
        if "confidence" not in columns:
            # A read-only cache of an older schema: its flags, ordered in memory.
            flags = [f for page in store.iter_flags(min_confidence=min_confidence) for f in page]
            if involved is not None:
                flags = [f for f in flags if any(involved(c.source_id) for c in f.claims)]
            return cls.of_flags(flags)
        where, args = [], []
        if min_confidence is not None:
            where.append("confidence>=?")
            args.append(min_confidence)
        apart = (" AND ".join(where) or "1", tuple(args))
        if involved is not None:
            _involved_function(store.db, involved)
            test = ("EXISTS (SELECT 1 FROM json_each(flags.flag_json,'$.claims') AS c"
                    " WHERE review_involved(json_extract(c.value,'$.source_id')))")
            # A source id sits in the stored JSON as JSON text, either escaping (or not) what is not ASCII.
            texts = sorted({json.dumps(h, ensure_ascii=ascii)[1:-1] for h in hints for ascii in (True, False)})
            if texts:
                test = "(" + " OR ".join("instr(flag_json, ?) > 0" for _ in texts) + f") AND {test}"
            apart = (f"{apart[0]} AND {test}", (*apart[1], *texts))
            store.db.execute("CREATE TEMP TABLE IF NOT EXISTS review_base (key INTEGER PRIMARY KEY)")
            store.db.execute("DELETE FROM temp.review_base")
            store.db.execute(f"INSERT INTO temp.review_base SELECT rowid FROM flags WHERE {test}", texts)
            where.append("flags.rowid IN (SELECT key FROM temp.review_base)")
        pages = cls(store.db, [("confidence", True), ("rank", False), ("id", False)],
                    " AND ".join(where) or "1", tuple(args), path=store.path, involved=involved)
        pages._apart_base = apart
        return pages

    # -- decoding ---------------------------------------------------------------

    @staticmethod
    def _decode(blob: str) -> Flag:
        return Flag.from_dict(json.loads(blob))

    def _evidence(self, blob: str) -> str:
        try:
            return self._decode(blob).evidence_hash
        except (ValueError, KeyError, TypeError):
            return ""

    def _remember(self, key: int, flag: Flag) -> Flag:
        if len(self._flags) >= self.CACHE:
            for old in list(self._flags)[: self.CACHE // 4]:
                del self._flags[old]
        self._flags[key] = flag
        return flag

    # -- the set ------------------------------------------------------------------

    def __len__(self) -> int:
        if self._total is None:
            self._total = self.db.execute(f"SELECT COUNT(*) FROM flags WHERE {self.base}",
                                          self.base_args).fetchone()[0]
        return self._total

    def __getitem__(self, key: int) -> Flag:
        flag = self._flags.get(key)
        if flag is None:
            row = self.db.execute("SELECT id, flag_json FROM flags WHERE rowid=?", (key + 1,)).fetchone()
            if row is None:
                raise IndexError(key)
            self._ids[key] = row[0]
            flag = self._remember(key, self._decode(row[1]))
        return flag

    def __iter__(self):
        """Every flag of the set, in review order, read a page at a time."""
        offset = 0
        while True:
            keys = self.page(offset, FLAGS_PAGE)
            if not keys:
                return
            for key in keys:
                yield self[key]
            offset += len(keys)

    def id_of(self, key: int) -> str:
        fid = self._ids.get(key)
        if fid is None:
            fid = self[key].id
            self._ids[key] = fid
        return fid

    def keys_of(self, flag_id: str) -> list[int]:
        return [r for (r,) in self.db.execute(
            f"SELECT rowid-1 FROM flags WHERE id=? AND {self.base} ORDER BY rowid", (flag_id, *self.base_args))]

    def codes(self) -> list[str]:
        return [c for (c,) in self.db.execute(
            f"SELECT DISTINCT code FROM flags WHERE {self.base} AND code IS NOT NULL ORDER BY code",
            self.base_args)]

    def metric_flags(self, metric: str) -> list[Flag]:
        """Every flag of the set on `metric` (the timeline's fallback)."""
        rows = self.db.execute(f"SELECT rowid-1, flag_json FROM flags WHERE metric=? AND {self.base}"
                               f" ORDER BY {self._order_sql()}", (metric, *self.base_args))
        return [self._flags.get(key) or self._decode(blob) for key, blob in rows]

    def present(self, flag_ids: Iterable[str]) -> set[str]:
        """Which of `flag_ids` name a flag of the set."""
        found: set[str] = set()
        ids = list(dict.fromkeys(flag_ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r for (r,) in self.db.execute(
                f"SELECT id FROM flags WHERE id IN ({marks}) AND {self.base}", (*chunk, *self.base_args)))
        return found

    def legacy_ids(self, wanted: set[str], apart: bool = False) -> dict[str, list[str]]:
        """legacy id -> ids of the flags of the set whose legacy id is in
        `wanted` (decisions recorded before ids left out the file path). Reads
        only the fields the legacy id hashes, not whole flags; with `apart`,
        through a connection of its own (safe from another thread)."""
        if not wanted:
            return {}
        if apart and self.path is not None:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
            try:
                if self._involved is not None:
                    _involved_function(db, self._involved)
                return self._legacy_ids(db, wanted, *self._apart_base)
            finally:
                db.close()
        return self._legacy_ids(self.db, wanted, self.base, self.base_args)

    def _legacy_ids(self, db: sqlite3.Connection, wanted: set[str], base: str, base_args: tuple) -> dict[str, list[str]]:
        from .model import Quantity

        out: dict[str, list[str]] = {}
        rows = db.execute(
            "SELECT flags.id, flags.code, flags.metric, json_extract(c.value,'$.source_id'),"
            " json_extract(c.value,'$.sentence'), json_extract(c.value,'$.quantity.surface')"
            f" FROM flags, json_each(flags.flag_json,'$.claims') AS c WHERE {base} ORDER BY flags.rowid",
            base_args)
        current: tuple | None = None
        claims: list[Claim] = []

        def close() -> None:
            if current is not None:
                legacy = Flag(current[1] or "", "", current[2] or "", claims, "").legacy_id
                if legacy in wanted:
                    out.setdefault(legacy, []).append(current[0])

        for fid, code, metric, source_id, sentence, surface in rows:
            if current is None or current[0] != fid:
                close()
                current, claims = (fid, code, metric), []
            claims.append(Claim(source_id or "", Quantity(None, None, "", surface=surface or ""), sentence or "", 0, 0))
        close()
        return out

    # -- review statuses ----------------------------------------------------------

    def set_status(self, flag_id: str, status: str, evidence: str) -> None:
        self.set_statuses([(flag_id, status, evidence)])

    def set_statuses(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """(flag id, status, evidence hash it was decided on) for the status filters."""
        self.db.executemany("INSERT OR REPLACE INTO temp.review_status VALUES (?,?,?)",
                            ((fid, status, evidence or "") for fid, status, evidence in rows))

    def status_counts(self) -> tuple[int, int]:
        """(flags decided, flags decided whose evidence has changed since)."""
        decided, changed = self.db.execute(
            f"SELECT COUNT(*), COALESCE(SUM(s.evidence != '' AND s.evidence != {_EVIDENCE}), 0)"
            f" FROM flags JOIN temp.review_status AS s ON s.id = flags.id WHERE s.status != 'open' AND {self.base}",
            self.base_args).fetchone()
        return decided, changed

    # -- filtered views -------------------------------------------------------------

    def _order_sql(self, reverse: bool = False) -> str:
        return ", ".join(f"{col} {'DESC' if desc != reverse else 'ASC'}" for col, desc in self.order)

    def _where(self, severity: str | None = None, code: str | None = None, status: str | None = None,
               words: Iterable[str] = ()) -> tuple[str, list]:
        where, args = _flag_filters(severity, code)
        where.insert(0, self.base)
        args[:0] = self.base_args
        if status == "open":
            where.append("NOT EXISTS (SELECT 1 FROM temp.review_status AS s WHERE s.id = flags.id"
                         " AND s.status != 'open')")
        elif status == "changed":
            where.append("EXISTS (SELECT 1 FROM temp.review_status AS s WHERE s.id = flags.id AND s.status != 'open'"
                         f" AND s.evidence != '' AND s.evidence != {_EVIDENCE})")
        elif status:
            where.append("EXISTS (SELECT 1 FROM temp.review_status AS s WHERE s.id = flags.id AND s.status = ?)")
            args.append(status)
        words = [w.casefold() for w in words if w]
        if words:
            self._ensure_search()
            where.append("flags.rowid IN (SELECT key FROM temp.review_search WHERE "
                         + " AND ".join("instr(hay, ?) > 0" for _ in words) + ")")
            args.extend(words)
        return " AND ".join(where), args

    def _ensure_search(self) -> None:
        """The search text of every flag, built once (one pass in SQL)."""
        if self._searchable:
            return
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS review_search (key INTEGER PRIMARY KEY, hay TEXT NOT NULL)")
        self.db.execute("DELETE FROM temp.review_search")
        self.db.execute("INSERT INTO temp.review_search SELECT rowid, review_haystack(id, flag_json) FROM flags")
        self._searchable = True

    @property
    def searchable(self) -> bool:
        """The search text is built (the first search of a large set takes a moment)."""
        return self._searchable

    def count(self, **filters) -> int:
        where, args = self._where(**filters)
        return self.db.execute(f"SELECT COUNT(*) FROM flags WHERE {where}", args).fetchone()[0]

    def _keys(self, sql: str, args: list) -> list[int]:
        out = []
        for key, fid, blob in self.db.execute(sql, args):
            self._ids[key] = fid
            if key not in self._flags:
                self._remember(key, self._decode(blob))
            out.append(key)
        return out

    def page(self, offset: int, limit: int, **filters) -> list[int]:
        """Keys of the `limit` flags from `offset` on, in review order."""
        where, args = self._where(**filters)
        return self._keys(f"SELECT rowid-1, id, flag_json FROM flags WHERE {where}"
                          f" ORDER BY {self._order_sql()} LIMIT ? OFFSET ?", [*args, limit, max(offset, 0)])

    def _beyond(self, key: int, after: bool) -> tuple[str, list]:
        """Rows strictly after (or before) flag `key` in review order, whether
        or not `key` itself still passes the filters."""
        cols = [c for c, _ in self.order]
        row = self.db.execute(f"SELECT {', '.join(cols)} FROM flags WHERE rowid=?", (key + 1,)).fetchone()
        if row is None:
            return "0", []
        terms, args = [], []
        for n, (col, desc) in enumerate(self.order):
            op = ">" if desc != after else "<"
            eq = " AND ".join(f"{c}=?" for c, _ in self.order[:n])
            terms.append(f"({eq + ' AND ' if eq else ''}{col}{op}?)")
            args += [*row[:n], row[n]]
        return "(" + " OR ".join(terms) + ")", args

    def after(self, key: int, limit: int, **filters) -> list[int]:
        where, args = self._where(**filters)
        beyond, more = self._beyond(key, after=True)
        return self._keys(f"SELECT rowid-1, id, flag_json FROM flags WHERE {where} AND {beyond}"
                          f" ORDER BY {self._order_sql()} LIMIT ?", [*args, *more, limit])

    def before(self, key: int, limit: int, **filters) -> list[int]:
        where, args = self._where(**filters)
        beyond, more = self._beyond(key, after=False)
        keys = self._keys(f"SELECT rowid-1, id, flag_json FROM flags WHERE {where} AND {beyond}"
                          f" ORDER BY {self._order_sql(reverse=True)} LIMIT ?", [*args, *more, limit])
        return keys[::-1]

    def position(self, key: int, **filters) -> int:
        """How many flags passing the filters come before flag `key`."""
        where, args = self._where(**filters)
        beyond, more = self._beyond(key, after=False)
        return self.db.execute(f"SELECT COUNT(*) FROM flags WHERE {where} AND {beyond}",
                               [*args, *more]).fetchone()[0]

    def matches(self, key: int, **filters) -> bool:
        where, args = self._where(**filters)
        return self.db.execute(f"SELECT 1 FROM flags WHERE rowid=? AND {where}", [key + 1, *args]).fetchone() is not None
