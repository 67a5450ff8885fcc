"""JSON Schemas of the file formats, generated from :mod:`nhanrong.schema`.

Editors with a TOML language server (Taplo, "Even Better TOML") use them to
validate and complete while a planner types; see the README for the set-up.
"""

from __future__ import annotations

import json
from pathlib import Path

from .schema import FILE_KINDS

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


def schema_documents() -> dict[str, str]:
    """File name -> JSON text, stable (sorted keys, final newline) for clean diffs."""
    docs = {}
    from .rights import RightsFile  # rights.toml: who may change what from the app (not a data file)

    for kind, model in {**FILE_KINDS, "rights": RightsFile}.items():
        schema = model.model_json_schema(mode="validation")
        schema = {"$schema": SCHEMA_URL, "$id": f"nhanrong-{kind}.schema.json", **schema}
        docs[f"{kind}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return docs


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
