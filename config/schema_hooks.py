"""drf-spectacular post-processing: the error answers every API operation can give.

drf-spectacular documents the success answers; DRF also answers 401 (no or bad token),
403 (not allowed: a reviewer on an admin operation), 404 (no such object, not yours to
see, or a page past the end) and, where there is input, 400 (the field-keyed errors of
`config.api_errors`). Documented here once for all, with their bodies, so a client (and
the schema fuzzing in tests/security/test_api_fuzz.py) can rely on the status codes.
An operation that documents one of these itself keeps its own.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field name (or `detail`, or `non_field_errors`) to its messages.",
    "additionalProperties": True,
}
_COMMON = {
    "401": ("Error", "No credentials, or a bad token."),
    "403": ("Error", "Not allowed for you."),
    "404": ("Error", "No such object, or not yours to see."),
}
_INPUT = {"400": ("ValidationError", "Invalid input; keys name the fields.")}
METHODS = {"get", "put", "post", "patch", "delete"}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            has_input = "requestBody" in operation or any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            )
            for code, (component, description) in {
                **(_INPUT if has_input else {}),
                **_COMMON,
            }.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
    return result
