"""Reading r14 (issue 10), section "holding": the first reply to a young person's worry, over the whole
corpus (tests/corpus.py). The rule follows the answers and the registry, never a scenario:

* the first reply to a worry never goes through a parent or carer (the parent may be the risk): where
  a national body's contact rule applies, whoever receives the worry replies only in a few calm words
  where they were told, never in a new chat, and tells the lead at once (reading r15 SC 5 replaced
  "do not reply to it yourself"); the body's rule governs only ordinary contact (SC 1);
* it is never a reply in the open space, which tells other members that the young person has told
  someone: where the platform holds no private conversation of the member and the lead and no private
  thread (platforms.yaml group_chat, private_threads), the receiver replies the same way and tells the
  lead at once, and the lead replies by the routes the answers give (GC 1; r15 GC 1).
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, holds_a_conversation_of_three, rendered, squash

# reading r15 SC 5, GC 1: never "do not reply to it yourself", which contradicted "thank them"; where
# the holding reply cannot add the lead, a few calm words where the young person told them
# (tests/test_documents_r16_reply.py)
HELD = "in a few calm words where they told you, never in a new private chat"


_squash = squash


def _first_replies(text: str) -> list[str]:
    """Each sentence that says how whoever receives a worry first replies to it."""
    out = []
    for part in text.split("ever discuss a worry about their safety")[1:]:
        out.append(part.split(" will be in touch", 1)[0].split(" at once", 1)[0])
    return out


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_first_reply_to_a_worry_is_never_through_the_parent_nor_in_the_open(path):
    pack = rendered(path)
    c = pack.context
    if not (c.flags.runs and c.flags.under_18) or c.flags.one_to_one:
        return
    lead = "the chair of trustees" if c.flags.no_lead else "the designated safeguarding lead"
    body = c.contacts.sector
    no_room = not holds_a_conversation_of_three(c) and not (c.platform and c.platform.private_threads)
    held = bool(body and body.contact_rule) or no_room
    for doc in ("staff_code", "procedure"):
        text = _squash(pack.texts[doc])
        firsts = _first_replies(text)
        assert firsts, (path.stem, doc)
        for first in firsts:
            assert "parent or carer" not in first, (path.stem, doc, first)
            assert "never in a private message" not in first and "in a few words" not in first, (
                path.stem,
                doc,
                first,
            )
            assert "pass it to their family yourself" in first, (path.stem, doc, first)
        assert "thank them" in text and "do not reply to it yourself" not in text, (path.stem, doc)
        if held:
            assert HELD in text and "conversation that adds" not in text, (path.stem, doc)
        else:
            assert HELD not in text and f"adds {lead}" in text, (path.stem, doc)
