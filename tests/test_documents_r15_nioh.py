"""Reading r14 (issue 10), engineer nioh, over the whole corpus (tests/corpus.py). Each rule follows
the registry (contacts.yaml, platforms.yaml) and the answers, never a scenario:

* where a high-risk concern about a child goes straight to the statutory child-protection route
  because the lead cannot be reached (evenings, nights, weekends), every such sentence also names the
  route's out-of-hours service where contacts.yaml gives one (Northern Ireland: the Gateway teams work
  office hours, the Regional Emergency Social Work Service takes children's cases after) (RF 1-3);
* the staff code says a platform lets each person have only one personal profile only where the
  registry does not record that an account can add extra profiles (Facebook since 2023) (RF 4).
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from tests.corpus import CORPUS, IDS, rendered, squash

_squash = squash


def test_ni_child_route_names_the_out_of_hours_service():
    ni = default_catalogue().contacts.child_protection["northern_ireland"]
    assert ni.out_of_hours and "Regional Emergency Social Work Service" in ni.out_of_hours


def _go_straight_sentences(text: str, route: str) -> list[str]:
    """Sentences that send a concern straight to the child route when the lead cannot be reached."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", _squash(text))
    return [s for s in sentences if route in s and re.search(r"goes straight to|do not wait", s)]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_go_straight_to_the_child_route_names_its_out_of_hours_service(path):
    pack = rendered(path)
    c = pack.context
    route = c.contacts.child_protection
    if not (c.flags.under_18 and route and route.out_of_hours):
        pytest.skip("no child route with an out-of-hours service")
    name = route.short or route.name
    bad = [
        (doc, s)
        for doc, text in pack.texts.items()
        for s in _go_straight_sentences(text, name)
        if route.out_of_hours not in s
    ]
    assert not bad, (path.stem, bad)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_one_personal_profile_only_where_the_registry_says_so(path):
    pack = rendered(path)
    c = pack.context
    staff = _squash(pack.texts.get("staff_code", ""))
    if c.platform and c.platform.extra_profiles:
        assert "only one personal profile" not in staff, path.stem
        if c.flags.runs and c.platform.lacks("staff_accounts"):
            assert c.platform.extra_profiles in staff, path.stem
