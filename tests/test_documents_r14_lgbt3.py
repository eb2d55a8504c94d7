"""Reading r12 (issue 10), the LGBTQ+ youth server's leftovers (lgbt3), over the whole corpus
(tests/corpus.py). Each rule follows the answers, never a scenario:

* a reason that says what members post about names the subjects the organisation ticked as content
  notes, never a fixed list it did not give ("self-harm, suicide or eating disorders" where it
  ticked self-harm, transphobia and abuse): reasons fill ``{derived.*}`` slots from the answers, and
  ``check`` refuses any other slot (LG 1);
* where children take part and reports are read only on some days or at no set times, reporting is
  never rated Low while members are not told when nobody is reading and where to get help (LG 2).
"""

from __future__ import annotations

import re
import shutil

import pytest

from assessor.catalogue import load_catalogue
from assessor.errors import SourceErrors
from assessor.scoring import score
from tests.corpus import CORPUS, IDS, ROOT, parse_pages, rendered, scored, squash

LG = ROOT / "tests" / "scenarios" / "lgbtq-youth-discord.yaml"


_squash = squash


# ---- LG 1: the subjects members post about are the ones the organisation ticked ------------------

_POSTS = re.compile(r"Members post about (.+?) here\b")


def named_subjects(text: str) -> list[str]:
    """Every subject a "Members post about ... here" reason names."""
    out = []
    for m in _POSTS.finditer(_squash(text)):
        out += [s.strip() for s in re.split(r",| and | or ", m.group(1)) if s.strip()]
    return out


def ticked(pack) -> set[str]:
    labels = pack.catalogue.option_labels["triggering_content.content_note_topics"]
    answer = pack.assessment.answers.get("triggering_content.content_note_topics")
    return {labels[v].lower() for v in (answer.value if answer else None) or []}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_reason_names_only_the_subjects_ticked(path):
    pack = rendered(path)
    for name, text in pack.texts.items():
        assert "{derived." not in text, (path.stem, name)
        untrue = [s for s in named_subjects(text) if s not in ticked(pack)]
        assert not untrue, (path.stem, name, untrue)


@pytest.mark.parametrize(
    "topics, said",
    [
        (["self_harm", "transphobia", "abuse"], "self-harm"),
        (["suicide", "eating_disorders", "racism"], "suicide and eating disorders"),
        (["eating_disorders", "suicide", "self_harm"], "self-harm, suicide and eating disorders"),
    ],
)
def test_the_reason_says_the_answer(topics, said):
    catalogue, assessment, _ = scored(LG)
    copy = assessment.model_copy(deep=True)
    copy.answers["triggering_content.content_note_topics"].value = topics
    area = next(a for a in score(copy, catalogue).areas if a.id == "triggering_content")
    reasons = [f.because for f in area.raised_by if f.because.startswith("Members post about")]
    assert reasons == [
        f"Members post about {said} here, which you ask them to mark with a content note, so "
        "distressing posts are expected, not rare."
    ]


def test_check_refuses_a_slot_scoring_cannot_fill(tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    area = folder / "areas" / "03-triggering-content.yaml"
    area.write_text(area.read_text().replace("{derived.self_harm_subjects}", "{derived.nothing_here}"))
    with pytest.raises(SourceErrors, match=r"derived\.nothing_here"):
        load_catalogue(folder)


# ---- LG 2: reports read a few hours a week are not a Low risk where children take part ----------


def _reports_wait(assessment) -> bool:
    p, a = assessment.profile, assessment.answers
    out_of_hours = a.get("moderation.out_of_hours")
    return (
        p.get("moderation_cover") in ("some_days", "no_set_times")
        and bool({"under_13", "age_13_17"} & set(p.get("audience") or []))
        and (out_of_hours is None or out_of_hours.value != "in_place")
        and not str(p.get("relationship", "")).startswith("audit")
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_reports_that_wait_days_are_not_a_low_risk(path):
    _, assessment, result = scored(path)
    area = next((a for a in result.areas if a.id == "reporting"), None)
    if area is None or not _reports_wait(assessment):
        return
    assert area.residual.band.value != "green", path.stem
    assert any("can wait days" in c.because for c in area.caps if c.binding), path.stem


def test_the_server_whose_reports_are_read_nine_hours_a_week_says_so():
    text = _squash(rendered(LG).texts["risk_report"])
    assert "Reporting and blocking: low risk" not in text
    assert "a child's report can wait days for anyone to read it" in text


# ---- LG 3: switching off server DMs leaves friends able to message: limit friend requests too ----


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_under_18s_limit_friend_requests_where_the_dm_setting_spares_friends(path):
    _, _, result = scored(path)
    pack = rendered(path)
    f, platform = pack.context.flags, pack.context.platform
    young = _squash(pack.texts.get("house_rules_young", ""))
    if platform is None or not platform.friend_requests_setting:
        assert "friends list" not in young, path.stem
        return
    if not (f.under_18 and f.runs and platform.member_dm_setting):
        return
    assert platform.friend_requests_from_space, path.stem
    assert (
        f"open “{platform.friend_requests_setting}” and switch off “{platform.friend_requests_from_space}”"
        in young
    ), path.stem
    assert "never accept a friend request from an adult you know only from here" in young, path.stem
    dm_rule = [a.text for a in result.actions if "private chat with anyone under 18" in a.text]
    assert dm_rule and "friend requests from them too" in dm_rule[0], (path.stem, dm_rule)


def test_the_registry_says_where_discord_friend_requests_are_limited():
    catalogue, _, _ = scored(LG)
    discord = catalogue.platforms["discord"]
    assert discord.friend_requests_setting == "Friend Requests"
    assert discord.friend_requests_from_space == "Server Members"
    assert any("friends list" in s.about for s in discord.sources)


# ---- LG 4: an off-duty rule a volunteer on a personal account can keep ---------------------------

_OFF_DUTY = re.compile(r"When you are not on duty, do not[^.]*\.")


def _off_duty_rule(pack) -> str:
    found = _OFF_DUTY.search(_squash(pack.texts.get("staff_code", "")))
    return found.group(0) if found else ""


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_off_duty_rule_can_be_kept_on_a_personal_account(path):
    pack = rendered(path)
    rule = _off_duty_rule(pack)
    if not rule or not pack.context.flags.adults:
        return
    if pack.context.in_place("staff_conduct.authorised_accounts"):
        assert "or stay in the spaces they use" in rule, (path.stem, rule)
    else:
        assert "or stay in the spaces they use" not in rule, (path.stem, rule)
        assert "while your own account is in the spaces they use, mute them and post nothing there" in rule


def test_with_organisation_accounts_an_off_duty_volunteer_stays_out():
    pack = rendered(LG)
    changed = pack.assessment.model_copy(deep=True)
    changed.answers["staff_conduct.authorised_accounts"].value = "in_place"
    staff_code = _squash(parse_pages(changed, pack.catalogue)["staff_code"].text)
    rule = _OFF_DUTY.search(staff_code).group(0)
    assert "or stay in the spaces they use" in rule and "mute them" not in rule, rule


# ---- LG 5: where "young people" reach 25, a rule about children says under 18 ----------------------

_YOUNG_PERSON_RULE = re.compile(
    r"(must not|never) message (a young person|a child or young person|young members)"
    r"|talk with a child or young person one to one",
    re.I,
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_rule_about_children_says_under_18_where_adults_take_part(path):
    pack = rendered(path)
    f = pack.context.flags
    if not (f.adults and f.under_18):
        return
    for doc in ("staff_code", "house_rules", "member_code"):
        found = _YOUNG_PERSON_RULE.search(_squash(pack.texts.get(doc, "")))
        assert not found, (path.stem, doc, found and found.group(0))
    if "staff_code" in pack.texts:
        assert re.search(r"(Never message|Talk with) anyone under 18 one to one", pack.texts["staff_code"])


# ---- r13 LG 5: unchecked moderators never read children's reports sent to a bot -------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_unchecked_moderators_lose_access_to_the_report_bot_at_once(path):
    _, _, result = scored(path)
    pack = rendered(path)
    procedure = _squash(pack.texts.get("procedure", ""))
    assert "checks are not complete passes any disclosure" not in procedure, path.stem
    if not (pack.context.flags.report_bot and pack.context.worries_to_lead):
        return
    assert "nobody whose checks are not complete has access to them" in procedure, path.stem
    action = next(a for a in result.actions if a.id == "staff_conduct.safer_recruitment")
    assert action.text.startswith("At once: limit who can read your report bot's messages"), action.text
    assert action.priority == "critical" and action.due_window == "At once", (
        action.priority,
        action.due_window,
    )


# ---- r12 LG 6: the police for adults and coercion; for images between under-18s, the lead judges ----


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_police_are_not_automatic_for_images_shared_between_under_18s(path):
    pack = rendered(path)
    marks = pack.parsed["procedure"].marks if "procedure" in pack.parsed else []
    step = next(
        (
            _squash(m.text)
            for m in marks
            if "child-images:never-copy" in m.tokens
            and m.text.startswith("If something is, or may be, a sexual")
        ),
        "",
    )
    route = pack.context.contacts.child_sexual_images
    if not (step and pack.context.flags.under_18 and route):
        return
    if route.peer_images_advice:
        assert " and to CEOP" not in step.split("reports it to", 1)[1][:40], (path.stem, step)
        assert "where an adult is, or may be, involved or a child was coerced, blackmailed or groomed" in step
        assert f"decides, following {route.peer_images_advice}, whether the police are needed" in step
    else:
        assert f"reports it to {route.police} and to CEOP" in step, (path.stem, step)


def test_the_advice_is_data_with_a_source():
    catalogue, _, _ = scored(LG)
    for nation in ("england", "wales"):
        route = catalogue.contacts.route("child_sexual_images", nation)
        assert route.peer_images_advice and route.peer_images_source.startswith("https://"), nation
