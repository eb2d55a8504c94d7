"""The scenario corpus every content test runs over: tests/scenarios/*.yaml (but not the lead's
expectations file) and examples/*.yaml, in a fixed order, with their names as test ids.

And the corpus rendered and scored once per pytest process, shared by every test file: ``rendered(path)``
is the pack of one scenario as the bundled questionnaire renders it, ``scored(path)`` its score. Both are
cached and shared, so a test must not change what they return: copy first (``copy.deepcopy``,
``model_copy(deep=True)``) and render the copy with ``parse_pages``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from assessor.assessment import Assessment, load_assessment
from assessor.catalogue import Catalogue, default_catalogue
from assessor.documents.claims import Page, facts, parse, render_pages
from assessor.documents.context import build_context
from assessor.scoring import Result, score

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(
    p for p in (ROOT / "tests" / "scenarios").glob("*.yaml") if p.stem != "expectations"
) + sorted((ROOT / "examples").glob("*.yaml"))
IDS = [p.stem for p in CORPUS]


@dataclass(frozen=True)
class Pack:
    """One scenario's documents, rendered with the bundled questionnaire (read only: shared)."""

    catalogue: Catalogue
    assessment: Assessment
    context: Any  # build_context(assessment, catalogue)
    pages: dict[str, str]  # document id -> HTML, as render_pages gives it
    parsed: dict[str, Page] = field(repr=False)  # document id -> parse(html, id)
    texts: dict[str, str] = field(repr=False)  # document id -> everything printed

    @cached_property
    def known(self) -> dict[str, Any]:
        """Every answer and derived fact (claims.facts), as the checker sees them."""
        return facts(self.assessment, self.catalogue)


def parse_pages(assessment: Assessment, catalogue: Catalogue) -> dict[str, Page]:
    """Every document of a pack rendered and parsed, not cached: for a changed copy of a scenario."""
    return {name: parse(html, name) for name, html in render_pages(assessment, catalogue).items()}


@cache
def rendered(path: Path) -> Pack:
    """The pack of one scenario file, rendered once per process."""
    catalogue = default_catalogue()
    assessment = load_assessment(path, catalogue)
    pages = render_pages(assessment, catalogue)
    parsed = {name: parse(html, name) for name, html in pages.items()}
    return Pack(
        catalogue,
        assessment,
        build_context(assessment, catalogue),
        pages,
        parsed,
        {name: page.text for name, page in parsed.items()},
    )


@cache
def scored(path: Path) -> tuple[Catalogue, Assessment, Result]:
    """One scenario file loaded on its own and scored, once per process: (catalogue, assessment, result)."""
    catalogue = default_catalogue()
    assessment = load_assessment(path, catalogue)
    return catalogue, assessment, score(assessment, catalogue)


def blocks(parsed: dict[str, Page], docs: tuple[str, ...] = ("staff_code", "procedure")):
    """(document id, block text) for every block of the named documents a pack has, in order."""
    for doc in docs:
        for block in parsed[doc].blocks if doc in parsed else ():
            yield doc, block.text


def first_match(texts: dict[str, str], pattern, squash=lambda t: t):
    """The first (document id, match) of a compiled pattern over a pack's texts, or None."""
    for doc, text in texts.items():
        if found := pattern.search(squash(text)):
            return doc, found[0]
    return None


def holds_a_conversation_of_three(context) -> bool:
    """Whether the pack's platform can hold a private conversation of a member, a second adult and no
    one else (platforms.yaml group_chat 'any', or not known). A Discord group DM takes only friends and
    a Minecraft /msg one player: there the second adult is in a private thread or at a session, and no
    document offers 'a conversation that includes ... and no one else' (reading r13 GC 3-4, LG 8). In an
    audit the organisation reaches members by its own means, so the audited platform does not decide."""
    return not (
        context.platform and context.flags.runs and context.platform.group_chat in ("friends", "none")
    )


# The second adult where there is no conversation of three: a private thread that adds them, or a
# session with them there.
NO_GROUP_WAYS = r"private thread on \w+ that adds a second adult|second adult from [^.;,]{1,60} there\b"


def squash(text: str) -> str:
    """The text with every run of white space made one space, for matching sentences across lines."""
    return " ".join(text.split())
