"""The public API's reference page at ``/api/``: every path of the OpenAPI document with its
parameters and what it answers, drawn by the server in the portal's layout.

Swagger UI (``/api/docs/``) needs JavaScript (and needed sengen's own template and colours,
``templates/ninja/swagger.html``, to meet AA); this page is what a citizen, a council's staff or
a developer behind a city's network reads first. It is made from the document django-ninja builds, so it
names exactly the paths and values the API takes.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.utils.translation import gettext as _


def _type(schema: dict[str, Any]) -> str:
    """A parameter's values in words: ``整数（1926〜2200）``, ``achieved / not_achieved``."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    schema = options[0] if options else schema
    if "enum" in schema:
        return " / ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return _("整数（%(low)s〜%(high)s）") % {"low": low, "high": high}
        return _("整数")
    if schema.get("maxLength"):
        return _("文字列（%(n)s字まで）") % {"n": schema["maxLength"]}
    return _("文字列")


def _answer(operation: dict[str, Any]) -> str:
    """The component the operation answers 200 with (``PagedInitiative``), by name."""
    responses = operation.get("responses", {})
    # Status codes are ints in the dict django-ninja builds, strings once it is JSON.
    content = (responses.get(200) or responses.get("200") or {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or (schema.get("items") or {}).get("$ref") or ""
    name = ref.rsplit("/", 1)[-1]
    return f"{name}[]" if schema.get("type") == "array" else name


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each GET operation of an OpenAPI document, in its order: ``{"path", "summary",
    "example" (the path itself when it takes no path parameter), "parameters": [{"name", "in",
    "type", "description", "required"}], "answer"}``."""
    found = []
    for path, methods in document.get("paths", {}).items():
        operation = methods.get("get")
        if operation is None:
            continue
        parameters = [{"name": p["name"], "in": p["in"], "type": _type(p.get("schema", {})),
                       "description": p.get("description", ""), "required": p.get("required", False)}
                      for p in operation.get("parameters", [])]
        found.append({"path": path, "summary": operation.get("summary", ""),
                      "example": path if "{" not in path else None,
                      "parameters": parameters, "answer": _answer(operation)})
    return found


def reference(request):
    from .api import api

    document = api.get_openapi_schema()
    return render(request, "portal/api.html", {
        "info": document["info"], "version": document["openapi"], "operations": operations(document),
    })
