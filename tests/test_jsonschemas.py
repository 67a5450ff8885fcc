"""The published JSON Schemas are current with the validation models."""

from __future__ import annotations

import json
from pathlib import Path

from nhanrong.jsonschemas import schema_documents

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_committed_schemas_are_current():
    docs = schema_documents()
    assert sorted(docs) == ["models.schema.json", "pilots.schema.json", "plans.schema.json", "settings.schema.json",
                            "units.schema.json"]
    for name, text in docs.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"schemas/{name} is stale: run `make schemas`"


def test_schemas_forbid_unknown_keys_and_know_the_stages():
    models = json.loads(schema_documents()["models.schema.json"])
    assert models["additionalProperties"] is False
    assert sorted(models["$defs"]["Stages"]["required"]) == ["assess", "evaluate", "pilot", "scale"]
