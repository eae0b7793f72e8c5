"""SQLite cache of sources, claims and flags under `.checker/`.

The cache is rebuildable and never the only copy of anything a person made
(decisions live in the ledger). Claims are keyed by the source's content hash
and the extractor's version, so a re-scan of an unchanged corpus parses
nothing. A damaged cache file is moved aside and rebuilt, with a warning.
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Iterable

from .model import Claim, Flag, Source

SCHEMA_VERSION = 3
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
CREATE INDEX IF NOT EXISTS flags_review_order ON flags (confidence DESC, rank, id);
"""

# Review order: surest first, then the most severe, then by id (commands._shown).
_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def _flag_row(f: Flag) -> tuple:
    return (f.id, f.code, f.severity, f.metric, json.dumps(f.to_dict()), float(f.confidence),
            _SEVERITY_RANK.get(f.severity, 9))


_INSERT_FLAG = ("INSERT OR REPLACE INTO flags (id, code, severity, metric, flag_json, confidence, rank)"
                " VALUES (?,?,?,?,?,?,?)")


class Store:
    """A thin, explicit wrapper over one SQLite file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            # The cache is rebuildable; keep it out of the corpus repository.
            try:
                ignore.write_text("# created by checker: the cache is rebuilt on demand\n*\n")
            except OSError:
                pass
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                db.commit()
            elif row[0] != str(SCHEMA_VERSION):
                db.close()
                raise sqlite3.DatabaseError("old cache schema")
            # Damage past the first pages only shows when read: look at every page now.
            check = db.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                db.close()
                raise sqlite3.DatabaseError(f"integrity check failed: {check[0] if check else 'no answer'}")
            return db
        except sqlite3.DatabaseError as exc:
            # The cache is rebuildable: set the damaged file aside and start again.
            aside = self.path.with_suffix(".damaged")
            print(f"checker: warning: {self.path}: cache unreadable ({exc}); rebuilding", file=sys.stderr)
            try:
                self.path.replace(aside)
            except OSError:
                pass
            for extra in ("-wal", "-shm"):
                Path(str(self.path) + extra).unlink(missing_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            db.commit()
            return db

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------- sources

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
        return {row[0]: Source(text="", **dict(zip(self._META, row))) for row in rows}

    # ---------------------------------------------------------- files (stat-based freshness)

    def file_records(self) -> dict[str, tuple[str, list[str], list[list[str]]]]:
        """path -> (signature, source ids, notes) of each file read before."""
        out = {}
        for path, sig, ids, notes in self.db.execute("SELECT path, sig, ids, notes FROM files"):
            try:
                out[path] = (sig, json.loads(ids), json.loads(notes))
            except ValueError:
                continue  # an unreadable row: the file is simply read again
        return out

    def put_file(self, path: str, sig: str, ids: list[str], notes: list[list[str]]) -> None:
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)",
                        (path, sig, json.dumps(ids), json.dumps(notes)))

    def forget_files(self, paths: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM files WHERE path=?", [(p,) for p in paths])

    def source_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, content_hash FROM sources"))

    def source_paths(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, path FROM sources"))

    def forget_sources(self, ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM sources WHERE id=?", [(i,) for i in ids])

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

    def put_claims(self, source_id: str, content_hash: str, extractor: str, claims: list[Claim]) -> None:
        self.db.execute("DELETE FROM claims WHERE source_id=? AND extractor=?", (source_id, extractor))
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

    # ---------------------------------------------------------- flags

    def put_flags(self, flags: list[Flag]) -> None:
        self.db.execute("DELETE FROM flags")
        self.db.executemany(_INSERT_FLAG, [_flag_row(f) for f in flags])

    def put_flags_of_sources(self, source_ids: Iterable[str], flags: list[Flag]) -> None:
        """Replace only the stored flags that involve `source_ids` (the pre-commit
        check's files), so `checker review` shows them at once and keeps the rest."""
        ids = set(source_ids)
        stale = []
        for fid, blob in self.db.execute("SELECT id, flag_json FROM flags"):
            try:
                claims = json.loads(blob).get("claims", [])
            except (ValueError, AttributeError):
                continue
            if any(c.get("source_id") in ids for c in claims if isinstance(c, dict)):
                stale.append((fid,))
        self.db.executemany("DELETE FROM flags WHERE id=?", stale)
        self.set_meta("flags_for", None)  # no longer the flags of one scanned corpus
        self.db.executemany(_INSERT_FLAG, [_flag_row(f) for f in flags])

    def get_flags(self) -> list[Flag]:
        rows = self.db.execute("SELECT flag_json FROM flags ORDER BY rowid")
        return [Flag.from_dict(json.loads(blob)) for (blob,) in rows]

    def iter_flags(self, page: int | None = None, severity: str | None = None, code: str | None = None,
                   min_confidence: float | None = None):
        """Stored flags in review order (surest first, then most severe, then
        id), read `page` rows at a time with the filters in SQL, so a caller
        that streams them never holds the whole set."""
        where, args = [], []
        if severity:
            where.append("severity=?")
            args.append(severity)
        if code:
            where.append("code=?")
            args.append(code)
        if min_confidence is not None:
            where.append("confidence>=?")
            args.append(min_confidence)
        page = page or FLAGS_PAGE
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

    def severity_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("high", "medium", "low")}
        counts.update(dict(self.db.execute("SELECT severity, COUNT(*) FROM flags GROUP BY severity")))
        return counts

    # ---------------------------------------------------------- meta

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def commit(self) -> None:
        self.db.commit()
