"""Guards for input nobody vetted: articles, front matter, rule packs, names.

Everything here is small and dependency-light, because it sits on the paths
that read files and print lines:

- `load_yaml`: YAML through the safe loader with a budget. A few hundred bytes
  of nested aliases ("billion laughs") expand to gigabytes, and deep nesting
  overflows the composer's recursion; both are refused as malformed YAML.
  Impossible dates (2024-02-30) and integers too long to convert stay text
  instead of escaping as bare `ValueError`s.
- `shorten`: a parsed value put into a message is cut to a few dozen
  characters, so a message never repeats a whole document.
- `printable`: control and bidirectional-override characters in text bound
  for a terminal are shown as escapes (`\\x1b`), never executed.
- `spreadsheet_cell`: one guard for every CSV cell (formula prefixes, control
  characters).
- `compile_pattern`: rule-pack regular expressions are matched by RE2, whose
  running time is linear in the text, instead of Python's backtracking engine.
"""
from __future__ import annotations

import re
from typing import Any

# ------------------------------------------------------------------ messages


def shorten(value: Any, limit: int = 60) -> str:
    """`value` as text, cut to `limit` characters with an ellipsis. Values are
    rendered with a size cap first, so a huge list or number costs no more
    than its first few items."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (list, tuple, dict)):
        text = _bounded_repr(value, limit + 1)
    else:
        try:
            text = str(value)
        except ValueError:  # an int over Python's digit limit
            text = f"<{type(value).__name__}>"
    text = printable(" ".join(text[: limit * 4].split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded_repr(value: Any, budget: int) -> str:
    """A repr of nested lists and dicts that stops after about `budget`
    characters, without building the whole string (or recursing past it)."""
    out: list[str] = []
    size = 0
    stack: list[Any] = [value]
    while stack and size < budget:
        item = stack.pop()
        if isinstance(item, _Token):
            piece = item.text
        elif isinstance(item, dict):
            piece = "{"
            parts: list[Any] = []
            for i, (k, v) in enumerate(item.items()):
                if i:
                    parts.append(_Token(", "))
                parts += [k, _Token(": "), v]
                if i > budget:
                    break
            stack += [_Token("}"), *reversed(parts)]
        elif isinstance(item, (list, tuple)):
            piece = "["
            parts = []
            for i, v in enumerate(item):
                if i:
                    parts.append(_Token(", "))
                parts.append(v)
                if i > budget:
                    break
            stack += [_Token("]"), *reversed(parts)]
        else:
            piece = shorten(item, budget) if not isinstance(item, str) else repr(item[:budget])
        out.append(piece)
        size += len(piece)
    return "".join(out)


class _Token:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


# ------------------------------------------------------------------ terminal output

# C0 and C1 controls, DEL, and the Unicode format characters that reorder or
# hide text (bidirectional overrides and isolates, zero-width marks).
_BIDI = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNPRINTABLE_KEEP_LINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    code = ord(ch)
    if ch == "\t":
        return " "
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: Any, keep_newlines: bool = False) -> str:
    """Text safe to write to a terminal: escape sequences, carriage returns,
    bidi overrides and (unless `keep_newlines`) newlines become visible
    escapes such as `\\x1b`, so a source can neither retitle the terminal nor
    forge a second `checker:` line. Tabs become spaces."""
    text = str(text)
    pattern = _UNPRINTABLE_KEEP_LINES if keep_newlines else _UNPRINTABLE
    return pattern.sub(_escape, text)


def json_printable(text: str) -> str:
    """JSON text written with `ensure_ascii=False` still carries raw C1
    controls and bidi overrides (JSON only escapes below U+0020); write them
    as `\\uXXXX` escapes, which keeps the document valid and equal."""
    return _UNPRINTABLE_KEEP_LINES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# ------------------------------------------------------------------ spreadsheets

_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Everything but tab and line feed, which CSV quotes and spreadsheets keep inside the cell.
_CELL_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def spreadsheet_cell(value: Any) -> Any:
    """One guard for every CSV cell. A carriage return, vertical tab or form
    feed becomes a space (pandas leaves a bare CR unquoted, and spreadsheets
    split the row there), other control and bidi characters are removed; then
    a cell a spreadsheet would run as a formula (= + - @, also full-width,
    after leading white space, or a leading tab) gets a leading apostrophe.
    Tabs and line feeds inside a cell are kept: the CSV writer quotes them.
    Numbers and empty cells pass unchanged."""
    if not isinstance(value, str) or not value:
        return value
    text = value
    if _CELL_CONTROLS.search(value) is not None:  # most cells have none: no copy made
        text = _CELL_CONTROLS.sub(lambda m: " " if m.group(0) in "\r\x0b\x0c" else "", value.replace("\r\n", "\n"))
    first = text[:1]
    if first in ("\t", "\n") or first in _FORMULA_START or (first.isspace() and text.lstrip()[:1] in _FORMULA_START):
        return "'" + text
    return text


# ------------------------------------------------------------------ YAML

MAX_YAML_NODES = 20_000  # the built-in rule packs hold under 300 nodes each
MAX_YAML_DEPTH = 50


def _yaml_module():
    import yaml

    return yaml


def _make_loader():
    yaml = _yaml_module()

    class YamlLimit(yaml.YAMLError):
        """The document is over the node or depth budget (also: alias bombs)."""

        def __init__(self, problem: str, mark=None):
            super().__init__(problem)
            self.problem = problem
            self.problem_mark = mark

        def __str__(self) -> str:
            return self.problem

    class BoundedLoader(yaml.SafeLoader):
        """SafeLoader that charges every node, and every alias at the full
        size of what it repeats, against a budget."""

        def __init__(self, stream, max_nodes: int = MAX_YAML_NODES, max_depth: int = MAX_YAML_DEPTH):
            super().__init__(stream)
            self._budget = max_nodes
            self._max_nodes = max_nodes
            self._max_depth = max_depth
            self._depth = 0
            self._sizes: dict[int, int] = {}

        def _spend(self, amount: int, mark) -> None:
            self._budget -= amount
            if self._budget < 0:
                raise YamlLimit(f"more than {self._max_nodes:,} values once aliases are expanded", mark)

        def _size(self, node) -> int:
            """Nodes in `node` with aliases expanded, memoized per node (iterative)."""
            sizes = self._sizes
            stack = [(node, False)]
            while stack:
                n, ready = stack.pop()
                if id(n) in sizes:
                    continue
                if isinstance(n, yaml.SequenceNode):
                    kids = list(n.value)
                elif isinstance(n, yaml.MappingNode):
                    kids = [x for pair in n.value for x in pair]
                else:
                    kids = []
                if ready or not kids:
                    sizes[id(n)] = 1 + sum(sizes.get(id(k), 1) for k in kids)
                    continue
                stack.append((n, True))
                stack.extend((k, False) for k in kids if id(k) not in sizes)
            return sizes[id(node)]

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                target = self.anchors.get(event.anchor)
                if target is not None:
                    self._spend(self._size(target), event.start_mark)
                return super().compose_node(parent, index)
            self._depth += 1
            try:
                if self._depth > self._max_depth:
                    raise YamlLimit(f"nested more than {self._max_depth} levels deep", self.peek_event().start_mark)
                node = super().compose_node(parent, index)
            finally:
                self._depth -= 1
            self._spend(1, node.start_mark)
            return node

    def as_text_on_error(base):
        def construct(loader, node):
            try:
                return base(loader, node)
            except ValueError:  # 2024-02-30, 2024-13-01, a 5,000-digit integer
                return loader.construct_scalar(node)

        return construct

    BoundedLoader.add_constructor(
        "tag:yaml.org,2002:timestamp", as_text_on_error(yaml.SafeLoader.construct_yaml_timestamp))
    BoundedLoader.add_constructor("tag:yaml.org,2002:int", as_text_on_error(yaml.SafeLoader.construct_yaml_int))
    return BoundedLoader, YamlLimit


_LOADER: tuple | None = None


def load_yaml(text: str, max_nodes: int = MAX_YAML_NODES, max_depth: int = MAX_YAML_DEPTH) -> Any:
    """`yaml.safe_load` with a budget: raises a `yaml.YAMLError` (with
    `problem` and `problem_mark`, like the parser's own errors) for alias
    expansions over `max_nodes` values or nesting over `max_depth` levels."""
    global _LOADER
    if _LOADER is None:
        _LOADER = _make_loader()
    loader_cls, _ = _LOADER
    loader = loader_cls(text, max_nodes=max_nodes, max_depth=max_depth)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


# ------------------------------------------------------------------ regular expressions


class PatternError(ValueError):
    """A rule-pack pattern that is not a valid, linear-time regular expression."""


# Python's classes are Unicode-aware, RE2's Perl classes are ASCII-only: spell
# the Unicode sets out so a pattern means what it meant under `re`.
_SPACE = r"\s\x{0b}\x{1c}-\x{1f}\x{85}\pZ"
_IN_CLASS = {"w": r"\pL\pN_", "d": r"\p{Nd}", "s": _SPACE}
_OUT_CLASS = {"w": r"[\pL\pN_]", "W": r"[^\pL\pN_]", "d": r"\p{Nd}", "D": r"\P{Nd}",
              "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]", "Z": r"\z"}


def _to_re2(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            table = _IN_CLASS if in_class else _OUT_CLASS
            out.append(table.get(nxt, ch + nxt))
            i += 2
            continue
        if in_class:
            # ']' right after '[' or '[^' is a literal member, not the end.
            if ch == "]" and i > class_start:
                in_class = False
        elif ch == "[":
            in_class = True
            class_start = i + 1
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("[^")
                i += 2
                class_start = i
                continue
        out.append(ch)
        i += 1
    return "".join(out)


class SafePattern:
    """A compiled rule-pack pattern with `re`'s `search` interface, matched by
    RE2 in time linear in the text.

    Why RE2 rather than a time-bounded trial with Python's `re`: a trial only
    proves a pattern is fast on the inputs tried, while the text it later
    meets is untrusted too (`(a+)+$` is instant on prose and exponential on
    "aaaa…!"); a timeout would make results depend on the machine's speed,
    and `re` cannot be interrupted inside a match without a separate process.
    RE2 guarantees linear time for every pattern it accepts, refuses the
    features that need backtracking (lookaround, backreferences), and the
    packs use none of them. Perl classes (\\w, \\d, \\s) are spelled out as
    Unicode sets so they mean what `re` means; `\\b` stays RE2's ASCII word
    boundary, which differs from `re` only next to a non-ASCII letter.
    Pickles by pattern, so worker processes recompile it."""

    __slots__ = ("pattern", "ignore_case", "_re2")

    def __init__(self, pattern: str, ignore_case: bool = True):
        import re2

        self.pattern = pattern
        self.ignore_case = ignore_case
        options = re2.Options()
        options.case_sensitive = not ignore_case
        options.log_errors = False
        options.max_mem = 8 << 20
        try:
            self._re2 = re2.compile(_to_re2(pattern), options)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            raise PatternError(f"not supported by the linear-time matcher ({reason}); "
                               "lookaround and backreferences cannot be used") from None

    def search(self, text: str):
        return self._re2.search(text)

    def __reduce__(self):
        return (SafePattern, (self.pattern, self.ignore_case))

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r})"


def compile_pattern(pattern: str, ignore_case: bool = True) -> SafePattern:
    """Check `pattern` with Python's parser (for its familiar error messages),
    then compile it for RE2. Raises `PatternError` with a one-line reason."""
    try:
        re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise PatternError(f"bad regular expression ({exc})") from None
    except (RecursionError, OverflowError):
        raise PatternError("bad regular expression (nested too deeply)") from None
    return SafePattern(pattern, ignore_case)


__all__ = [
    "PatternError", "SafePattern", "compile_pattern", "json_printable", "load_yaml", "printable",
    "shorten", "spreadsheet_cell",
]
