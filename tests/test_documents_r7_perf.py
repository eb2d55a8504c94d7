"""Scoring throughput (issue 11) must not change what scoring says.

The scorer builds its result objects without validating them again (``_built``) and caches what does
not depend on the answers. Both are safe only while every object holds exactly what validation would
have made of the same fields, and while scoring one assessment leaves nothing behind that changes the
next one's result. Checked over the whole scenario corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from assessor import scoring
from assessor.assessment import load_assessment
from assessor.catalogue import load_catalogue
from assessor.scoring import Result, score
from tests.corpus import CORPUS, IDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "questionnaires")


def _objects(value):
    """Every pydantic object inside a result, depth first."""
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _objects(getattr(value, name))
    elif isinstance(value, list):
        for v in value:
            yield from _objects(v)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_result_objects_are_what_validation_would_build(catalogue, path):
    result = score(load_assessment(path, catalogue), catalogue)
    for obj in _objects(result):
        fields = type(obj).model_fields
        # Every field given (a default left out would be missing, not defaulted).
        assert set(vars(obj)) == set(fields), (type(obj).__name__, set(fields) ^ set(vars(obj)))
        # The same value, of the same type, as validating the same fields gives.
        again = type(obj).model_validate({k: getattr(obj, k) for k in fields})
        for k in fields:
            mine, theirs = getattr(obj, k), getattr(again, k)
            assert mine == theirs and type(mine) is type(theirs), (type(obj).__name__, k, mine, theirs)
    # And the JSON a user sees is the same as a validated copy's.
    assert Result.model_validate_json(result.model_dump_json()).model_dump_json() == result.model_dump_json()


def _clear_caches() -> None:
    """Empty every cache the scorer keeps between assessments."""
    for value in list(vars(scoring).values()):
        if isinstance(value, dict) and value is not vars(scoring):
            if value and all(isinstance(k, (tuple, int)) for k in value):
                value.clear()
        elif hasattr(value, "cache_clear"):
            value.cache_clear()


def test_caches_do_not_change_results(catalogue):
    """Each corpus file scored with every cache empty gives the same JSON as scored after all the
    others (caches full), forwards and backwards: no cache key leaves out something the value depends on."""
    items = [load_assessment(p, catalogue) for p in CORPUS]
    cold = []
    for a in items:
        _clear_caches()
        cold.append(score(a, catalogue).model_dump_json())
    _clear_caches()
    forwards = [score(a, catalogue).model_dump_json() for a in items]
    backwards = [score(a, catalogue).model_dump_json() for a in reversed(items)][::-1]
    for path, c, f, b in zip(CORPUS, cold, forwards, backwards, strict=True):
        assert c == f == b, path.stem
