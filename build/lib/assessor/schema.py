"""JSON Schema for questionnaire files, generated from the models.

Editors that understand ``# yaml-language-server: $schema=...`` use it for
completion and inline checks. ``tests/test_schema.py`` keeps the committed copy
in step with the models.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from assessor.catalogue import FILES
from assessor.questionnaire import RiskArea

FILE_KINDS: dict[str, Any] = {**FILES, "areas/*.yaml": RiskArea}


def questionnaire_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    branches = []
    for name, model in FILE_KINDS.items():
        adapter = model if isinstance(model, TypeAdapter) else TypeAdapter(model)
        schema = adapter.json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        schema["description"] = f"{name}: " + schema.get("description", "").strip()
        branches.append(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Safeguarding questionnaire file",
        "description": "Any one file of a questionnaire folder. See questionnaires/README.md.",
        "anyOf": branches,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    return json.dumps(questionnaire_schema(), indent=2, ensure_ascii=False) + "\n"


def assessment_schema() -> dict[str, Any]:
    """JSON Schema of an assessment file (organisation, answers, plan with follow-up, ...).

    Values of answers are checked against the questionnaire when a file is loaded; the schema
    gives an editor the shape and the follow-up rules' fields."""
    from assessor.assessment import Assessment

    schema = Assessment.model_json_schema(ref_template="#/$defs/{model}", mode="validation")
    # meta.assessed_on defaults to today: not a fixed value a committed schema can carry.
    schema.get("$defs", {}).get("Meta", {}).get("properties", {}).get("assessed_on", {}).pop("default", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Safeguarding assessment file",
        "description": "One organisation's answers and action plan. See README.md.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def assessment_schema_text() -> str:
    return json.dumps(assessment_schema(), indent=2, ensure_ascii=False) + "\n"
