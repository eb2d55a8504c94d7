"""Reading r12 (issue 10), quick fixes (fixb), over the whole corpus (tests/corpus.py). Each rule
follows the answers, never a scenario:

* a young person's lost image: removal is Report Remove (Childline and the IWF), named first; CEOP
  only where someone is threatening, coercing or grooming them (LG 7, YC 5);
* member-facing rules never reveal that a private "I can't talk safely" signal exists (YC 2);
* where a national body's contact rule sends the holding reply through the parent, the same sentence
  no longer forbids passing it to the family (SC 6).
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash

_squash = squash


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_lost_image_is_removed_through_report_remove_and_ceop_is_for_threats(path):
    pack = rendered(path)
    proc = _squash(pack.texts.get("procedure", ""))
    if "lost control of an image of themselves" not in proc:
        return
    step = proc.split("lost control of an image of themselves", 1)[1].split(".", 3)
    step = ".".join(step[:3])
    assert "report it to CEOP and ask for it to be removed" not in step, (path.stem, step)
    assert step.index("Report Remove") < step.index("CEOP"), (path.stem, step)
    assert "threatening, coercing or grooming them to CEOP" in step, (path.stem, step)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_member_rules_never_reveal_a_private_signal_to_whoever_is_listening(path):
    pack = rendered(path)
    for doc in ("house_rules", "house_rules_young"):
        text = _squash(pack.texts.get(doc, ""))
        for said in ("If someone may be listening", "If someone might be listening"):
            assert said not in text, (path.stem, doc, said)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_family_route_is_never_forbidden_and_required_in_one_sentence(path):
    pack = rendered(path)
    c = pack.context
    if not (c.flags.under_18 and c.flags.runs):
        return
    parent = False  # reading r14 SC 1: the first reply never goes through the parent or carer
    for doc in ("staff_code", "procedure"):
        text = _squash(pack.texts.get(doc, ""))
        for sentence in text.split("ever discuss a worry about their safety in a group")[1:]:
            sentence = sentence.split(" will be in touch", 1)[0].split(" at once", 1)[0]
            forbids = "pass it to their family yourself" in sentence
            requires = "through their parent or carer" in sentence
            assert not (forbids and requires), (path.stem, doc, sentence)
            assert forbids != parent, (path.stem, doc, sentence)
