"""The platform registry: every entry sourced and dated, and the facts derived from it."""

from __future__ import annotations

import datetime as dt

import pytest

from assessor.catalogue import default_catalogue
from assessor.platforms import TOOLS, derived_facts, platform_of


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _responses(platform_id: str, audience: list[str], relationship: str = "runs") -> dict:
    return {
        "profile.platform_id": platform_id,
        "profile.audience": audience,
        "profile.relationship": relationship,
    }


def test_every_named_platform_has_sources_and_a_date(catalogue):
    named = {pid: p for pid, p in catalogue.platforms.items() if pid != "other"}
    assert len(named) >= 15
    for pid, platform in named.items():
        assert platform.sources, pid
        assert platform.checked is not None and platform.checked <= dt.date(2026, 11, 30), pid
        assert all(s.url.startswith(("http://", "https://")) for s in platform.sources), pid


def test_an_audience_below_the_minimum_age_is_flagged(catalogue):
    assert catalogue.platforms["whatsapp"].minimum_age == 13
    assert derived_facts(catalogue, _responses("whatsapp", ["under_13", "age_13_17"]))[
        "derived.platform_under_age"
    ]
    assert not derived_facts(catalogue, _responses("whatsapp", ["age_13_17"]))["derived.platform_under_age"]
    assert not derived_facts(catalogue, _responses("whatsapp", ["adults"]))["derived.platform_under_age"]


def test_an_account_holders_age_does_not_bind_members_of_a_session_the_organisation_hosts(catalogue):
    zoom = catalogue.platforms["zoom"]
    assert zoom.minimum_age == 16 and zoom.minimum_age_applies_to == "account_holders"
    hosted = derived_facts(catalogue, _responses("zoom", ["age_13_17"]))
    assert not hosted["derived.platform_under_age"]
    # Auditing a platform the members use on their own accounts: the age binds them.
    audited = derived_facts(catalogue, _responses("zoom", ["age_13_17"], relationship="audit_concern"))
    assert audited["derived.platform_under_age"]


def test_other_or_no_platform_derives_nothing(catalogue):
    for pid in ("other", None):
        facts = derived_facts(catalogue, {"profile.platform_id": pid, "profile.audience": ["under_13"]})
        assert facts["derived.platform_known"] is False
        assert facts["derived.platform_under_age"] is False
        assert facts["derived.platform_has"] == [] and facts["derived.platform_lacks"] == []
        assert platform_of(catalogue, {"profile.platform_id": pid}) is None


def test_tools_split_into_has_and_lacks_and_unknown_is_neither(catalogue):
    for pid, platform in catalogue.platforms.items():
        facts = derived_facts(catalogue, _responses(pid, ["adults"]))
        has, lacks = set(facts["derived.platform_has"]), set(facts["derived.platform_lacks"])
        assert not has & lacks, pid
        unknown = {t for t in TOOLS if getattr(platform.tools, t) is None}
        assert not unknown & (has | lacks), pid
