"""Reading r13 (issue 10), items readers noted but did not count ("notes"), over the whole corpus
(tests/corpus.py). Each rule follows the contacts data or the profile, never a scenario:

* someone urging a member to kill themselves commits the nation's offence of encouraging or assisting
  suicide, not only the Online Safety Act's serious self-harm offence (section 184): England and Wales
  the Suicide Act 1961 s.2, Northern Ireland the Criminal Justice Act (NI) 1966 s.13, both from
  contacts.yaml law_by_nation with a source in the risk assessment's appendix; Scotland, which has no
  such statutory offence, and a pack whose nation is unknown keep section 184 alone (r13 SC 21, AQ 5);
* the house rules ban all swearing only where children under 13 take part; for teenagers and adults
  no answer sets such a ban, so the rule asks for language suitable for everyone (r13 YC 11, LG 11).
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, rendered

OWN_LAW = {
    "england": "Suicide Act 1961, section 2",
    "wales": "Suicide Act 1961, section 2",
    "northern_ireland": "Criminal Justice Act (Northern Ireland) 1966, section 13",
}


def _squash(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_urging_suicide_names_the_nations_suicide_law(path):
    pack = rendered(path)
    procedure = _squash(pack.texts["procedure"])
    if "urges a member to hurt or kill themselves" not in procedure:
        return
    assert "Online Safety Act 2023, section 184" in procedure, path.stem
    nation = pack.assessment.profile.get("nation") if pack.context.flags.nation_known else None
    for where, law in OWN_LAW.items():
        if where == nation:
            assert law in procedure, (path.stem, law)
        elif law != OWN_LAW.get(nation or ""):
            assert law not in procedure, (path.stem, law)
    appendix = _squash(pack.texts["risk_report"]).split("Appendix: sources of the statutory routes")[-1]
    for kind in pack.context.contacts.concern_help:
        if kind.nation_law_source:
            assert kind.nation_law_source in appendix, (path.stem, kind.nation_law_source)


def test_the_corpus_has_packs_for_each_suicide_law():
    """The rule above is not vacuous: the corpus prints the Suicide Act and the NI Act somewhere."""
    seen = set()
    for path in CORPUS:
        procedure = _squash(rendered(path).texts["procedure"])
        seen |= {law for law in OWN_LAW.values() if law in procedure}
    assert seen == set(OWN_LAW.values())


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_ban_on_all_swearing_only_where_under_13s_take_part(path):
    pack = rendered(path)
    flags = pack.context.flags
    for doc in ("house_rules", "house_rules_young"):
        text = _squash(pack.texts.get(doc, ""))
        if not text:
            continue
        banned = "Swearing and crude language are not allowed" in text
        if doc == "house_rules":
            assert banned == (flags.under_13 and not flags.audit), (path.stem, doc)
        else:  # the young people's leaflet has its own short rules: never a ban the profile does not support
            assert not banned or flags.under_13, (path.stem, doc)
        assert "kept to a minimum" not in text, (path.stem, doc)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_help_to_find_support_elsewhere_only_where_the_community_is_for_support(path):
    """r13 SC 16: "we will help you find support elsewhere" is support-group wording; a member
    removed from a club's chat is not losing a support service (profile.community_focus)."""
    pack = rendered(path)
    support = bool(pack.context.profile.community_focus)
    said = [doc for doc, text in pack.texts.items() if "find support elsewhere" in _squash(text)]
    if not support:
        assert not said, (path.stem, said)


def test_support_communities_still_offer_help_elsewhere():
    """Not vacuous: some support community with under-18s keeps the sentence."""
    assert any(
        "find support elsewhere" in _squash(" ".join(rendered(p).texts.values()))
        for p in CORPUS
        if rendered(p).context.profile.community_focus
    )
