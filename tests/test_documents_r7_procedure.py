"""Reading r6, the escalation procedure and moderation promises, over the whole corpus
(tests/scenarios and examples):

* a singular lead takes a singular verb ("the designated safeguarding lead decides");
* the images section gives its steps once, fitted to the platform, and never names another platform
  (the IWF route's own steps, with their WhatsApp example, are not printed again);
* "read every post" and "read everything that arrived" appear only where enough moderators are
  answered in place; otherwise moderators work in order of risk, reports first;
* "hold new posts until the next moderation session" is never offered on a live game or where
  nobody moderates at set times;
* the keyword filter's coverage never says "everything else has to be read";
* a platform name answered as a description ("X server run by the club") is never pasted after "on".
"""

from __future__ import annotations

import re

import pytest
from corpus import CORPUS, IDS

from assessor.assessment import load_assessment
from assessor.documents.claims import parse, render_pages
from assessor.documents.context import build_context

_CACHE: dict[str, tuple] = {}


def _pack(path, catalogue):
    if path.stem not in _CACHE:
        assessment = load_assessment(path, catalogue)
        texts = {name: parse(html).text for name, html in render_pages(assessment, catalogue).items()}
        _CACHE[path.stem] = (assessment, build_context(assessment, catalogue), texts)
    return _CACHE[path.stem]


_SINGULAR_BARE = re.compile(
    r"\b(?:designated safeguarding lead|the deputy|chair of trustees) "
    r"(?:decide|agree|check|read|reply|record|make|keep|call|contact|tell|review)\b(?! on\b)"
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_singular_lead_takes_a_singular_verb(path, catalogue):
    _, _, texts = _pack(path, catalogue)
    for name, text in texts.items():
        # "helps the lead decide" is a bare infinitive after a verb of helping or letting: allowed
        bad = [
            m.group(0)
            for m in _SINGULAR_BARE.finditer(text)
            if not re.search(r"\b(?:help|helps|let|lets|make|makes)\s+the\s*$", text[: m.start()][-20:])
        ]
        assert not bad, (path.stem, name, bad)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_images_steps_are_given_once_and_name_no_other_platform(path, catalogue):
    _, context, texts = _pack(path, catalogue)
    procedure = texts["procedure"]
    assert procedure.count("download or forward it") <= 1, path.stem
    own = context.platform.name if context.platform else ""
    for entry in catalogue.platforms.values():
        name = entry.name
        if "(" in name or name == own or name in own or name in context.profile.platform_name:
            continue
        assert name not in procedure, (path.stem, name)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_read_every_post_only_where_enough_moderators_are_in_place(path, catalogue):
    _, context, texts = _pack(path, catalogue)
    if context.in_place("moderation.enough_people"):
        return
    for name, text in texts.items():
        for promise in ("read every new post", "reading every post", "read everything that arrived"):
            assert promise not in text, (path.stem, name, promise)
    if context.flags.runs and not context.flags.video and not context.flags.pre_moderated:
        assert re.search(
            r"first task of every moderation session is to (read every report|go through)", texts["procedure"]
        ), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_posts_are_never_held_on_a_live_game_or_without_set_hours(path, catalogue):
    _, context, texts = _pack(path, catalogue)
    live_game = context.platform is not None and context.platform.kind == "game"
    if live_game or context.flags.no_set_hours:
        assert "hold new posts" not in texts["procedure"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_keyword_filter_never_asks_moderators_to_read_what_they_cannot(path, catalogue):
    _, _, texts = _pack(path, catalogue)
    assert "everything else has to be read" not in texts["procedure"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_described_platform_is_not_pasted_after_on(path, catalogue):
    _, context, texts = _pack(path, catalogue)
    short = re.sub(r"\s*\([^()]*\)$", "", context.profile.platform_name)
    if not (context.platform and re.search(r"\s[a-z]", short)):
        return
    for name, text in texts.items():
        assert f"on {short}" not in text, (path.stem, name)
