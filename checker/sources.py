"""Read articles from disk into `Source` records.

Formats: plain text (`.txt`, optional ` date YYYY-MM-DD` first line), Markdown
(`.md`/`.markdown`, optional YAML front matter), HTML (`.html`/`.htm`, article
text and metadata via trafilatura, offline) and JSON Lines (`.jsonl`, one
article per line). A `sources.csv` beside the files fills metadata the files
leave out; what a file states about itself always wins.

One bad file must never stop a corpus from loading, so `load_sources` never
raises for a source: it returns the sources it could read plus a list of
problems. A problem that is a `SourceNote` is only a warning (the source
loaded anyway, e.g. it was not UTF-8); any other `SourceError` means that file
or JSONL line was left out.
"""
from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import os
import re
import warnings
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import SourceError
from .model import Source
from .untrusted import load_yaml, shorten

EXTENSIONS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
SIDECAR = "sources.csv"
# Corpus folders often carry a README about the corpus; it is not an article.
# Such files load only when named explicitly.
SKIPPED_STEMS = {"readme"}
SNIFF_BYTES = 8192
META_FIELDS = ("outlet", "published", "title", "url")
# The spellings each field goes by in front matter, JSONL records and sources.csv.
ALIASES = {
    "outlet": ("outlet", "source", "publisher"),
    "published": ("published", "date"),
    "title": ("title",),
    "url": ("url",),
}
_GLOB_CHARS = re.compile(r"[*?\[]")
_DATE_RE = re.compile(
    r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# ` date 2024-02-11 Article text...`: the article may go on after the date.
_DATE_LINE_RE = re.compile(
    r"[ \t]*date(?:[ \t]*:[ \t]*|[ \t]+)(\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:T[\d:.+\-Z]*)?)(?=\s|$)[ \t]*",
    re.IGNORECASE,
)


class SourceNote(SourceError):
    """A non-fatal problem: the source loaded, but the user should know
    (a fallback text encoding, an unrecognized date that was ignored)."""


class SourceWarning(UserWarning):
    """Issued for non-fatal problems when the caller passed no `problems` list,
    so nothing is dropped silently."""


# ---------------------------------------------------------------- discovery


def iter_source_files(
    paths: Iterable[str | Path] | str | Path,
    root: Path,
    errors: list[SourceError] | None = None,
    exclude: Iterable[str | Path] = (),
    walked: list[str] | None = None,
) -> list[Path]:
    """Expand files, folders (recursively) and glob patterns into the source
    files they name: absolute paths, sorted and deduplicated.

    A missing explicit path, an unsupported explicit file or a glob with no
    match is a `SourceError`: appended to `errors` when given (so the other
    paths still expand), raised otherwise. Folder walks and glob matches skip
    hidden files and folders, `sources.csv`, READMEs, unsupported types and
    anything under `exclude` (e.g. the reports folder, whose `.md` reports and
    `.jsonl` ledger are not articles).

    Each file is listed once, however many names reach it (symbolic links,
    overlapping arguments): the name that is not a link wins, else the first
    in sorted order. Recursive globs (`**`) follow linked folders but enter
    each real folder once, so a link loop cannot multiply or hang the walk.
    A folder that cannot be listed is a warning in `errors`, not a silent gap.
    `walked`, when given, receives every folder walked (not those under a glob),
    so a caller can tell later whether the listing can have changed.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    root = _abs(root)
    excluded = [_abs(p) for p in exclude]
    found: dict[str, Path] = {}  # real path -> the name it is read under

    def fail(err: SourceError) -> None:
        if errors is None:
            raise err
        errors.append(err)

    def unreadable(exc: OSError) -> None:
        name = source_id(Path(exc.filename), root) if exc.filename else "?"
        err = SourceError(name, f"cannot read folder ({exc.strerror or exc}); files in it are skipped")
        if errors is None:
            warnings.warn(str(err), SourceWarning, stacklevel=3)
        else:
            errors.append(err)

    real_dirs: dict[Path, str] = {}

    def add(path: Path) -> None:
        # realpath(path), resolving each folder once: with its folder real, only
        # the file's own name can still be a link.
        try:
            folder = real_dirs.get(path.parent)
            if folder is None:
                folder = real_dirs[path.parent] = os.path.realpath(path.parent)
            real = os.path.join(folder, path.name)
            if os.path.islink(real):
                real = os.path.realpath(real)
        except (OSError, ValueError):
            real = path.as_posix()
        held = found.get(real)
        if held is None or _name_rank(path, real) < _name_rank(held, real):
            found[real] = path

    def add_walked(path: Path) -> None:
        if _is_candidate(path) and not _under_any(path, excluded):
            add(path)

    for given in paths:
        text = str(given)
        if _GLOB_CHARS.search(text):
            matches = _glob(text, unreadable)
            if not matches:
                fail(SourceError(text, "no files match"))
            for match in matches:
                path = _abs(match)
                if path.is_dir():
                    for walked in _walk(path, excluded, unreadable):
                        add_walked(walked)
                else:
                    add_walked(path)
            continue
        path = _abs(given)
        if path.is_dir():
            for found_file in _walk(path, excluded, unreadable, walked):
                add_walked(found_file)
        elif not path.exists() and not path.is_symlink():
            fail(SourceError(text, "no such file"))
        elif path.suffix.lower() not in EXTENSIONS:
            fail(SourceError(source_id(path, root), _unsupported(path)))
        else:
            add(path)
    return sorted(found.values(), key=lambda p: p.as_posix())


def _name_rank(path: Path, real: str) -> tuple[bool, str]:
    return (path.as_posix() != real, path.as_posix())


def _walk(folder: Path, excluded: list[Path], onerror=None, walked: list[str] | None = None) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(folder, onerror=onerror):
        if walked is not None:
            walked.append(dirpath)
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not _under_any(here / d, excluded)]
        for name in filenames:
            yield here / name


def _glob(pattern: str, onerror=None) -> list[str]:
    """`glob.glob(pattern, recursive=True)`, except that `**` enters each real
    folder once: the standard glob follows linked folders with no memory, so
    one `self -> .` link repeats every file ~40 times and two links never end."""
    if "**" not in pattern:
        return sorted(glob.glob(pattern))
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if _GLOB_CHARS.search(part))
    base = os.path.join(*parts[:first]) if first else os.curdir
    rest = parts[first:]
    regex = ""
    for k, part in enumerate(rest):
        last = k == len(rest) - 1
        if part == "**":
            regex += "(?:[^/]+(?:/[^/]+)*)?" if last else "(?:[^/]+/)*"
        else:
            regex += _glob_part(part) + ("" if last else "/")
    matcher = re.compile(regex, re.DOTALL)
    seen: set[str] = set()
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=True, onerror=onerror):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        if matcher.fullmatch(rel):
            out.append(dirpath)
        for name in filenames:
            if not name.startswith(".") and matcher.fullmatch(f"{rel}/{name}" if rel else name):
                out.append(os.path.join(dirpath, name))
    return sorted(out)


def _glob_part(part: str) -> str:
    """One path segment of a glob as a regular expression, read as `fnmatch`
    reads it: `*` and `?` stay within the segment, `[!x]` negates."""
    out, i, n = [], 0, len(part)
    while i < n:
        ch = part[i]
        i += 1
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = i + 1 if i < n and part[i] in "!^" else i
            j = j + 1 if j < n and part[j] == "]" else j
            while j < n and part[j] != "]":
                j += 1
            if j >= n:
                out.append(re.escape("["))
                continue
            body = part[i:j].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body[:1] == "!" else body) + "]")
            i = j + 1
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _is_candidate(path: Path) -> bool:
    name = path.name
    return (
        path.suffix.lower() in EXTENSIONS
        and not name.startswith(".")
        and name != SIDECAR
        and path.stem.lower() not in SKIPPED_STEMS
        and not path.is_dir()
    )


def _under_any(path: Path, folders: list[Path]) -> bool:
    # Both sides are absolute and normalized (_abs): a prefix test on the text
    # says the same as `f in path.parents`, without building every parent.
    text = str(path)
    for f in folders:
        top = str(f)
        if text == top or text.startswith(top if top.endswith(os.sep) else top + os.sep):
            return True
    return False


def _unsupported(path: Path) -> str:
    suffix = path.suffix.lower() or "(none)"
    return f"unsupported file type {suffix} (expected .txt, .md, .html, .jsonl)"


def _abs(path: str | Path) -> Path:
    """Absolute and normalized, without resolving symlinks, so ids keep the
    names the user sees."""
    return Path(os.path.normpath(os.path.abspath(path)))


def source_id(path: Path, root: Path) -> str:
    """The path relative to `root` with forward slashes; an absolute path
    when the file lies outside the root."""
    path, root = _abs(path), _abs(root)
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


# ---------------------------------------------------------------- loading


def load_sources(
    paths: list[str | Path],
    root: Path,
    max_bytes: int = 1_000_000,
    exclude: Iterable[str | Path] = (),
) -> tuple[list[Source], list[SourceError]]:
    """Read every source the paths name. Returns `(sources, problems)`.

    Never raises for a bad source: each unreadable file, bad JSONL line,
    malformed `sources.csv` or bad path becomes one `SourceError` in
    `problems` and the rest still load. Problems that are `SourceNote`s are
    warnings: that source is in `sources` too (e.g. "not UTF-8; decoded as
    cp1252").
    """
    problems: list[SourceError] = []
    files = iter_source_files(paths, root, errors=problems, exclude=exclude)
    sidecars: dict[Path, dict[str, dict]] = {}
    sources: list[Source] = []
    for path in files:
        folder = path.parent
        if folder not in sidecars:
            try:
                sidecars[folder] = read_sidecar(folder, root=root, problems=problems)
            except SourceError as err:
                problems.append(err)
                sidecars[folder] = {}
            except Exception as exc:  # noqa: BLE001 - the per-file guard: one file, one line
                problems.append(_unexpected(folder / SIDECAR, root, exc))
                sidecars[folder] = {}
        try:
            sources.extend(read_source_file(path, root, sidecars[folder], max_bytes, problems=problems))
        except SourceError as err:
            problems.append(err)
        except Exception as exc:  # noqa: BLE001 - the per-file guard: one file, one line
            problems.append(_unexpected(path, root, exc))
    return sources, problems


def _unexpected(path: Path, root: Path, exc: BaseException) -> SourceError:
    """A file that broke a reader in a way no check foresaw still costs only
    that file: one line naming it and the error, never the whole corpus."""
    if isinstance(exc, RecursionError):
        reason = "nested too deeply"
    elif isinstance(exc, MemoryError):
        reason = "too large to read into memory"
    else:
        reason = f"{type(exc).__name__}: {shorten(exc, 100)}"
    return SourceError(source_id(path, root), f"cannot read ({reason}); file skipped")


def read_source_file(
    path: Path,
    root: Path,
    sidecar: dict | None = None,
    max_bytes: int = 1_000_000,
    problems: list[SourceError] | None = None,
) -> list[Source]:
    """Read one file into its sources (one, or one per JSONL line).

    Raises `SourceError(path_rel, reason)` when the file as a whole is
    unusable. Non-fatal problems (a fallback encoding, a bad JSONL line) go to
    `problems` when given, else are issued as `SourceWarning`s.

    `sidecar` is the folder's `read_sidecar` mapping (or this file's own row);
    with None the `sources.csv` beside the file is read, pass `{}` to skip it.
    """
    path = _abs(path)
    rel = source_id(path, root)
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(rel, _unsupported(path))
    if sidecar is None:
        try:
            sidecar = read_sidecar(path.parent, root=root, problems=problems)
        except SourceError as err:
            _note(err, problems)
            sidecar = {}
    extra = _sidecar_entry(sidecar, path.name)

    text = _read_text(path, rel, max_bytes, problems)
    if kind == "jsonl":
        return _read_jsonl(path, rel, text, extra, problems)
    if kind == "txt":
        meta, body, line, col = _parse_txt(text, rel)
    elif kind == "md":
        meta, body, line, col = _parse_markdown(text, rel)
    else:
        meta, body, line, col = _parse_html(text, rel)
    return [_make_source(rel, path, body, meta, extra, line, col)]


def _sidecar_entry(sidecar: dict, name: str) -> dict:
    """Accept either a folder mapping (file name -> row) or a single row."""
    if any(isinstance(v, dict) for v in sidecar.values()):
        return sidecar.get(name) or {}
    return sidecar


def _valid_text(value):
    """Lone surrogates (possible in JSON escapes) become U+FFFD, so the text can be
    hashed, stored and printed."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _make_source(rel: str, path: Path, text: str, meta: dict, extra: dict, line: int, col: int) -> Source:
    """Merge metadata (the file's own wins, the sidecar fills gaps) and hash
    text plus metadata, so a metadata edit counts as a change."""
    merged = {k: _valid_text(meta.get(k) or extra.get(k)) or None for k in META_FIELDS}
    text = _valid_text(text)
    digest = hashlib.sha1("\x1f".join([text, *(merged[k] or "" for k in META_FIELDS)]).encode("utf-8")).hexdigest()
    return Source(
        id=rel, path=str(path), text=text, origin_line=line, origin_col=col, content_hash=digest, **merged
    )


def _note(err: SourceError, problems: list[SourceError] | None) -> None:
    if problems is None:
        warnings.warn(str(err), SourceWarning, stacklevel=3)
    else:
        problems.append(err)


# ---------------------------------------------------------------- bytes to text


def _read_text(path: Path, rel: str, max_bytes: int, problems: list[SourceError] | None) -> str:
    """Bytes to text, refusing what is not an article: too large (checked
    before reading), empty, binary. Non-UTF-8 text falls back to cp1252, then
    latin-1, with a note. Line endings become `\\n`."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SourceError(rel, "no such file" if not path.is_symlink() else "cannot read: broken link") from None
    except OSError as exc:
        raise SourceError(rel, f"cannot read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise SourceError(rel, "not a regular file")
    if st.st_size > max_bytes:
        raise SourceError(rel, f"file too large ({st.st_size} bytes > limit {max_bytes})")
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(rel, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # grew after the stat
        raise SourceError(rel, f"file too large (over limit {max_bytes} bytes)")

    text, encoding = _decode(data, rel)
    if encoding != "utf-8":
        _note(SourceNote(rel, f"not UTF-8; decoded as {encoding}"), problems)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceError(rel, "empty file")
    return text


def _decode(data: bytes, rel: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise SourceError(rel, "binary file, not text") from None
    sample = data[:SNIFF_BYTES]
    if b"\x00" in sample or _control_share(sample) > 0.1:
        raise SourceError(rel, "binary file, not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])


def _control_share(sample: bytes) -> float:
    """Share of control bytes (not tab or line breaks): high for binary files.
    Counted by deleting them in C rather than looping in Python."""
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


# ---------------------------------------------------------------- formats


def _parse_txt(text: str, rel: str) -> tuple[dict, str, int, int]:
    """An optional date line; the article may continue on that same line, so
    only the prefix is cut and the origin column points past it."""
    m = _DATE_LINE_RE.match(text)
    if not m:
        return {}, text, 1, 1
    published = parse_date(m.group(1))
    if published is None:
        raise SourceError(rel, f"malformed date '{m.group(1)}' on line 1")
    rest = text[m.end():]
    if rest.startswith("\n") or rest == "":
        body, line, col = rest[1:], 2, 1
    else:
        body, line, col = rest, 1, m.end() + 1
    if not body.strip():
        raise SourceError(rel, "no article text after the date line")
    return {"published": published}, body, line, col


def _parse_markdown(text: str, rel: str) -> tuple[dict, str, int, int]:
    """YAML front matter (safe loader only) between `---` lines, then the body."""
    import yaml

    lines = text.split("\n")
    meta: dict[str, Any] = {}
    first = 1
    if lines[0].rstrip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if close is None:
            raise SourceError(rel, "malformed front matter: no closing '---' line")
        try:
            data = load_yaml("\n".join(lines[1:close]))
        except yaml.YAMLError as exc:
            raise SourceError(rel, f"malformed front matter: {_yaml_reason(exc)}") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise SourceError(rel, f"malformed front matter: expected key: value pairs, got {type(data).__name__}")
        meta = _pick_meta(data, rel, "front matter", strict_date=True)
        first = close + 2
    body = "\n".join(lines[first - 1:])
    if not body.strip():
        raise SourceError(rel, "no article text")
    if not meta.get("title"):
        heading = next((ln for ln in body.split("\n") if ln.strip()), "")
        if heading.startswith("# "):
            meta["title"] = heading[2:].strip().rstrip("#").strip() or None
    return meta, body, first, 1


def _yaml_reason(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if not problem:
        return str(exc).split("\n")[0]
    # +2: line 1 of the file is the opening '---'; YAML marks are 0-based.
    return f"{problem} (line {mark.line + 2})" if mark is not None else problem


def _parse_html(text: str, rel: str) -> tuple[dict, str, int, int]:
    """Article text and metadata via trafilatura on the string alone: nothing
    the page points to is ever fetched. Dates come from the page's metadata
    only, not guessed from its text. Positions are approximate (line 1)."""
    try:
        # Imported here, inside the per-file guard: a broken HTML stack (a missing
        # lxml extra, a bad wheel) costs the HTML files one line each, not the run.
        import trafilatura

        doc = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            favor_recall=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except ImportError as exc:
        raise SourceError(rel, f"cannot read HTML: the HTML reader failed to load ({type(exc).__name__}: {exc}); "
                               "reinstall checker") from None
    except Exception as exc:  # third-party parser on arbitrary input
        raise SourceError(rel, f"cannot parse HTML: {type(exc).__name__}: {exc}") from None
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not body.strip():
        raise SourceError(rel, "no article text found")
    meta = {
        "title": _clean(doc.title),
        "outlet": _clean(doc.sitename),
        "url": _clean(doc.url),
        "published": parse_date(doc.date) if doc.date else None,
    }
    return meta, body, 1, 1


def _read_jsonl(path: Path, rel: str, text: str, extra: dict, problems: list[SourceError] | None) -> list[Source]:
    """One article per line; a bad line costs only that line. Positions point
    at the line (text inside a JSON string cannot map to columns)."""
    sources = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        lid = f"{rel}#{n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _note(SourceError(lid, f"malformed JSON: {exc.msg} (column {exc.colno})"), problems)
            continue
        except ValueError as exc:  # an integer over Python's digit limit
            reason = "a number too long to read" if "digits" in str(exc) else shorten(exc, 80)
            _note(SourceError(lid, f"malformed JSON: {reason}"), problems)
            continue
        except RecursionError:
            _note(SourceError(lid, "malformed JSON: nested too deeply"), problems)
            continue
        if not isinstance(record, dict):
            _note(SourceError(lid, f"expected a JSON object, got {type(record).__name__}"), problems)
            continue
        record = {str(k).lower(): v for k, v in record.items()}
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            _note(SourceError(lid, "no text" if body in (None, "") else "'text' must be a non-empty string"), problems)
            continue
        try:
            meta = _pick_meta(record, lid, "record", strict_date=False, problems=problems)
        except SourceError as err:
            _note(err, problems)
            continue
        sources.append(_make_source(lid, path, body, meta, extra, n, 1))
    return sources


def _pick_meta(
    data: dict,
    where: str,
    what: str,
    strict_date: bool,
    problems: list[SourceError] | None = None,
) -> dict:
    """Metadata fields from a mapping under any of their alias keys. An
    unparseable date raises when `strict_date`, else leaves the source
    undated with a note."""
    lowered = {str(k).strip().lower(): v for k, v in data.items()}
    meta: dict[str, Any] = {}
    for field, names in ALIASES.items():
        key = next((n for n in names if lowered.get(n) not in (None, "")), None)
        value = lowered[key] if key else None
        if field == "published":
            if value is None:
                meta[field] = None
                continue
            meta[field] = parse_date(value)
            if meta[field] is None:
                if strict_date:
                    raise SourceError(where, f"malformed date '{shorten(value)}' in {what}")
                _note(SourceNote(where, f"unrecognized date '{shorten(value)}'; left undated"), problems)
            continue
        if isinstance(value, (list, dict)):
            raise SourceError(where, f"malformed {what}: '{shorten(key)}' must be text, not a {type(value).__name__}")
        meta[field] = _clean(value)
    return meta


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_date(value: Any) -> str | None:
    """ISO `YYYY-MM-DD` from a date, datetime or string (`YYYY-MM-DD`,
    `YYYY/MM/DD`, ISO datetimes); None when it is not a real date. The
    calendar date is kept as written, not shifted to UTC."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    m = _DATE_RE.fullmatch(value.strip())
    if not m:
        return None
    year, _, month, day, hh, mm, ss = m.groups()
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if hh is not None and (int(hh) > 23 or int(mm) > 59 or int(ss or 0) > 60):
        return None
    return parsed.isoformat()


# ---------------------------------------------------------------- sidecar


def read_sidecar(
    folder: Path,
    root: Path | None = None,
    problems: list[SourceError] | None = None,
) -> dict[str, dict]:
    """`sources.csv` in `folder`, keyed by file name, each row reduced to
    outlet/published/title/url (None when blank). No file: `{}`.

    A file that is not a usable CSV (no `file` column, bad quoting, not UTF-8,
    a file listed twice) raises `SourceError`. An unrecognized date is not an
    error: that entry stays undated, with a note.
    """
    path = _abs(folder) / SIDECAR
    rel = source_id(path, root) if root is not None else str(path)
    if not path.is_file():
        return {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(rel, f"cannot read: {exc.strerror or exc}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(rel, "malformed CSV: not UTF-8") from None
    if "\x00" in content:
        raise SourceError(rel, "malformed CSV: binary content")
    if not content.strip():
        return {}
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    entries: dict[str, dict] = {}
    seen_at: dict[str, int] = {}
    try:
        header = [h.strip().lower() for h in next(reader)]
        if "file" not in header:
            raise SourceError(rel, "malformed CSV: no 'file' column in the header")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise SourceError(rel, f"malformed CSV: line {reader.line_num} has {len(row)} fields, header has {len(header)}")
            cells = dict(zip(header, (c.strip() for c in row)))
            name = cells.get("file", "")
            if not name:
                continue
            if name in entries:
                raise SourceError(rel, f"malformed CSV: '{shorten(name)}' listed twice (lines {seen_at[name]} and {reader.line_num})")
            seen_at[name] = reader.line_num
            entries[name] = _sidecar_row(cells, f"{rel}:{reader.line_num}", problems)
    except csv.Error as exc:
        raise SourceError(rel, f"malformed CSV: {exc} (line {reader.line_num})") from None
    return entries


def _sidecar_row(cells: dict[str, str], where: str, problems: list[SourceError] | None) -> dict:
    row: dict[str, str | None] = {}
    for field, names in ALIASES.items():
        if field == "outlet":
            names = ("outlet", "publisher")  # a csv "source" column is too ambiguous
        value = next((cells[n] for n in names if cells.get(n)), None)
        if field == "published" and value is not None:
            parsed = parse_date(value)
            if parsed is None:
                _note(SourceNote(where, f"unrecognized date '{shorten(value)}'; left undated"), problems)
            value = parsed
        row[field] = value or None
    return row
