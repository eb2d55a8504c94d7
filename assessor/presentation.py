"""How the documents present the action plan, from ``questionnaires/documents.yaml``.

Nothing here changes a score or a priority. It says who owns an action in this organisation
(``roles`` and ``owners``: a role the organisation has, never an invented "technical lead") and
which actions the pack itself supplies (``supplied``: a document of the pack holds what the
action asks for, so the plan asks to adopt that document instead of promising it again).

``when`` is a list of tailoring flags (``assessor.documents.context.Flags``, plus ``lead``,
``moderated`` and ``charity``) that must all hold; ``!flag`` negates one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrgRole(_Strict):
    label: str = Field(description="What the documents print as the owner.")
    when: list[str] = Field(default_factory=list, description="Flags that must all hold ('!flag' negates).")


class Supplied(_Strict):
    document: str = Field(description="The pack document that holds it (a CONTAINED id of claims.py).")
    section: str = Field(description="The data-supplies mark of the section in that document's template.")
    covers: str = Field("", description="What the section covers, to name in the 'adopt' action.")
    when: list[str] = Field(default_factory=list)


class Addressed(_Strict):
    document: str = Field(
        description="The pack document that must answer the incident (a document id of the pack)."
    )
    section: str = Field(description="The data-addresses mark of the passage in that document's template.")
    covers: str = Field("", description="What the passage does about the incident, for the risk assessment.")
    communities: list[str] = Field(
        default_factory=list,
        description="Only where profile.community_focus includes one of these (an outing answers bullying in an "
        "LGBTQ+ community); empty for every community.",
    )


class AppWords(_Strict):
    words: str = Field(description="The plural noun phrase, e.g. 'anonymous messaging apps'.")
    kinds: list[str] = Field(default_factory=list, description="profile.platform values (any); empty: any.")
    features: list[str] = Field(default_factory=list, description="profile.features that must all be ticked.")


class PrivateNotes(_Strict):
    questions: list[str] = Field(
        default_factory=list,
        description="Control questions whose note is never printed while a signal exists (answered one "
        "of `answered`): it records the secret itself.",
    )
    answered: list[str] = Field(
        default_factory=lambda: ["in_place", "partly"],
        description="The answers to `questions` under which their note is withheld.",
    )
    words: list[str] = Field(
        default_factory=list,
        description="Words that mark any note as holding such a secret (matched case-insensitively).",
    )

    def withheld(self, question_id: str, note: str | None, value: object = None) -> bool:
        """Whether this answer's note holds a secret a member relies on, so no document prints it."""
        if not note:
            return False
        if question_id in self.questions and value in self.answered:
            return True
        text = " ".join(note.lower().split())
        return any(word.lower() in text for word in self.words)


class Presentation(_Strict):
    roles: dict[str, OrgRole] = Field(default_factory=dict)
    owners: dict[str, list[str]] = Field(default_factory=dict)
    supplied: dict[str, list[Supplied]] = Field(default_factory=dict)
    not_supplied: dict[str, str] = Field(default_factory=dict)
    incidents: dict[str, list[Addressed]] = Field(
        default_factory=dict,
        description="For each kind of incident (profile.incidents), the passages every pack that reports "
        "it must hold, in each of those documents the pack has.",
    )
    audit_kinds: dict[str, str] = Field(
        default_factory=dict,
        description="In an audit, how the documents name each kind of platform (profile.platform): "
        "the profile's labels describe a group the organisation runs, and in an audit it runs none.",
    )
    kinds: dict[str, str] = Field(
        default_factory=dict,
        description="How the documents name each kind of platform (profile.platform) the organisation runs: "
        'the profile\'s labels carry examples for the questionnaire ("for example WhatsApp").',
    )
    private_notes: PrivateNotes = Field(
        default_factory=PrivateNotes,
        description="Answer notes the documents never print (a member's code word or safe phrase): they "
        "say only that one is recorded and who holds it.",
    )
    audit_apps: list[AppWords] = Field(
        default_factory=list,
        description="In an audit, how the young people's leaflet names the kind of app it is about, "
        "without naming the platform: the first entry whose kinds and features hold.",
    )

    def apps_words(self, kind: str, features: set[str]) -> str:
        """The first ``audit_apps`` phrase for this kind of platform and these features."""
        for entry in self.audit_apps:
            if (not entry.kinds or kind in entry.kinds) and set(entry.features) <= features:
                return entry.words
        return ""


def when_holds(when: list[str], flags: Mapping[str, Any]) -> bool:
    """Whether every flag in ``when`` holds (``!name`` negated); an unknown flag never holds."""
    for name in when:
        negate = name.startswith("!")
        value = bool(flags.get(name.lstrip("!"), False))
        if value == negate:
            return False
    return True
