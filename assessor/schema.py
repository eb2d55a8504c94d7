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
