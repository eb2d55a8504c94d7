"""The committed JSON Schema matches the models; every guidance id is acted on somewhere."""

from __future__ import annotations

import json

import yaml

from assessor.catalogue import DEFAULT_DIR
from assessor.coverage import coverage
from assessor.schema import schema_text

INDEX = DEFAULT_DIR.parent.parent / "shared" / "guidance" / "items.yaml"


def test_schema_json_is_in_sync():
    committed = (DEFAULT_DIR / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: python -m assessor schema --write questionnaires/schema.json"
    json.loads(committed)


def test_registry_matches_the_guidance_index(catalogue):
    if not INDEX.exists():  # the index lives outside the repo; CI has it beside the clone
        return
    index_ids = [item["id"] for item in yaml.safe_load(INDEX.read_text(encoding="utf-8"))]
    assert sorted(catalogue.guidance) == sorted(index_ids)
    assert len(index_ids) == 118


def test_every_guidance_id_is_covered(catalogue):
    matrix = coverage(catalogue)
    uncovered = [gid for gid, uses in matrix.items() if not uses]
    assert uncovered == []
