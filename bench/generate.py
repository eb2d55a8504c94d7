"""Generated assessments for the batch benchmark: varied profiles, so different documents apply."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from assessor.assessment import Answer, Assessment, Meta, Organisation, Person, save_assessment
from assessor.questionnaire import Catalogue, ControlAnswer, Kind, Question

WORDS = [
    "members",
    "moderators",
    "volunteers",
    "forum",
    "safety",
    "report",
    "concern",
    "young",
    "people",
    "adults",
    "group",
    "session",
    "online",
    "guidance",
    "privacy",
    "contact",
    "support",
    "weekly",
    "trained",
    "checked",
    "policy",
    "messages",
    "images",
    "trustees",
]
CONTROL_WEIGHTS = {  # a plausible spread: more in place than not
    ControlAnswer.in_place: 5,
    ControlAnswer.partly: 3,
    ControlAnswer.not_in_place: 2,
    ControlAnswer.dont_know: 1,
    ControlAnswer.not_applicable: 1,
}


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _value(q: Question, rng: random.Random, n: int) -> object:
    options = [o.value for o in q.options]
    if q.kind == Kind.control:
        return rng.choices(list(CONTROL_WEIGHTS), weights=list(CONTROL_WEIGHTS.values()))[0].value
    if q.kind == Kind.single:
        return rng.choice(options)
    if q.kind == Kind.multi:
        return sorted(rng.sample(options, rng.randint(1, len(options))), key=options.index)
    if q.kind == Kind.text:
        return _sentence(rng, rng.randint(2, 6))
    if q.kind == Kind.long_text:
        return _sentence(rng, rng.randint(10, 40))
    if q.kind == Kind.date:
        return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 500))
    if q.kind == Kind.person:
        return Person(
            name=f"Person {n}", role="Safeguarding lead", email=f"lead{n}@example.org", phone="01632 960000"
        )
    raise ValueError(q.kind)


def assessment(catalogue: Catalogue, n: int, seed: int = 0) -> Assessment:
    """Assessment number ``n``: deterministic for a given seed, different from its neighbours."""
    rng = random.Random(seed * 1_000_003 + n)
    profile = {}
    for section in catalogue.profile.sections:
        for q in section.questions:
            profile[q.id.removeprefix("profile.")] = _value(q, rng, n)
    answers = {}
    for area in catalogue.areas:
        for section in area.sections:
            for q in section.questions:
                if rng.random() < 0.9:  # some left unanswered
                    note = _sentence(rng, rng.randint(5, 30)) if rng.random() < 0.3 else None
                    answers[q.id] = Answer(value=_value(q, rng, n), note=note)
    return Assessment(
        organisation=Organisation(
            name=f"Generated community {n:04d}", website=f"www.community{n}.example.org"
        ),
        profile=profile,
        answers=answers,
        meta=Meta(assessor=f"Assessor {n}", assessed_on=dt.date(2026, 3, 1) + dt.timedelta(days=n % 200)),
    )


def write(folder: Path, catalogue: Catalogue, count: int, seed: int = 0) -> list[Path]:
    """Write ``count`` assessment files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"assessment-{n:04d}.yaml"
        save_assessment(assessment(catalogue, n, seed), path)
        paths.append(path)
    return paths
