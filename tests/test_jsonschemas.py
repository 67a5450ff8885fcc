"""The published JSON Schemas are current with the validation models."""

from __future__ import annotations

import json
from pathlib import Path

from nhanrong.jsonschemas import schema_documents

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_committed_schemas_are_current():
    docs = schema_documents()
    assert sorted(docs) == ["indicators.schema.json", "models.schema.json", "pilots.schema.json", "plans.schema.json",
                            "rights.schema.json", "settings.schema.json", "units.schema.json"]
    for name, text in docs.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"schemas/{name} is stale: run `make schemas`"


def test_schemas_forbid_unknown_keys_and_know_the_stages():
    models = json.loads(schema_documents()["models.schema.json"])
    assert models["additionalProperties"] is False
    assert sorted(models["$defs"]["Stages"]["required"]) == ["assess", "evaluate", "pilot", "scale"]


def test_the_indicators_schema_requires_a_source_on_every_reading_and_knows_from():
    doc = json.loads(schema_documents()["indicators.schema.json"])
    assert doc["additionalProperties"] is False and sorted(doc["required"]) == ["scope", "structure"]
    assert "source" in doc["$defs"]["IndicatorReading"]["required"]
    assert "date" in doc["$defs"]["IndicatorTarget"]["required"]
    spec = doc["$defs"]["IndicatorSpec"]["properties"]
    assert "from" in spec and "from_" not in spec  # the key as written in the file
    assert spec["direction"]["enum"] == ["higher", "lower"]
