"""``show_if`` and scoring conditions: a tiny declarative language for YAML authors.

A condition is one of::

    {q: profile.audience, includes: under_13}       # a test on one answer
    {all: [cond, ...]}  {any: [cond, ...]}  {not: cond}

A test names exactly one operator: ``equals``, ``in``, ``includes``,
``includes_any``, ``answered``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

_OPERATORS = ("equals", "in_", "includes", "includes_any", "answered")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Test(_Strict):
    """A test on one answer, named by question id (``profile.<id>`` for the profile)."""

    q: str = Field(description="Id of the question whose answer is tested.")
    equals: str | bool | None = Field(None, description="The answer is exactly this value.")
    in_: list[str] | None = Field(None, alias="in", description="The answer is one of these values.")
    includes: str | None = Field(None, description="A multiple-choice answer includes this value.")
    includes_any: list[str] | None = Field(
        None, description="A multiple-choice answer includes at least one of these values."
    )
    answered: bool | None = Field(None, description="The question has (or has not) been answered.")

    @model_validator(mode="after")
    def _one_operator(self) -> Test:
        given = [op for op in _OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            names = ", ".join(op.rstrip("_") for op in _OPERATORS)
            raise ValueError(f"a test needs exactly one of: {names}")
        return self

    def values(self) -> list[str]:
        """Option values this test mentions (for cross-reference checks)."""
        if self.in_ is not None:
            return list(self.in_)
        if self.includes_any is not None:
            return list(self.includes_any)
        if isinstance(self.includes, str):
            return [self.includes]
        if isinstance(self.equals, str):
            return [self.equals]
        return []

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.q)
        if self.answered is not None:
            empty = value in (None, "", []) or (hasattr(value, "is_empty") and value.is_empty())
            return (not empty) == self.answered
        if value is None:
            return False
        if self.equals is not None:
            return value == self.equals
        if self.in_ is not None:
            return value in self.in_
        items = value if isinstance(value, list) else [value]
        if self.includes is not None:
            return self.includes in items
        return any(v in items for v in self.includes_any or [])


class All(_Strict):
    all: list[Condition] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.all)


class Any_(_Strict):
    any: list[Condition] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return any(c.holds(answers) for c in self.any)


class Not(_Strict):
    not_: Condition = Field(alias="not")

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return not self.not_.holds(answers)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "test"
    if isinstance(value, BaseModel):
        return {All: "all", Any_: "any", Not: "not"}.get(type(value), "test")
    return "test"


Condition = Annotated[
    Annotated[Test, Tag("test")]
    | Annotated[All, Tag("all")]
    | Annotated[Any_, Tag("any")]
    | Annotated[Not, Tag("not")],
    Discriminator(_kind),
]

All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


def tests_in(cond: Any) -> Iterator[Test]:
    """Every leaf test inside a condition."""
    if isinstance(cond, Test):
        yield cond
    elif isinstance(cond, All):
        for c in cond.all:
            yield from tests_in(c)
    elif isinstance(cond, Any_):
        for c in cond.any:
            yield from tests_in(c)
    elif isinstance(cond, Not):
        yield from tests_in(cond.not_)
