"""The API's reference page: the OpenAPI description rendered on the server.

A plain page of the site (its own stylesheet, no script, nothing from a CDN): it
works offline and under the site's strict Content-Security-Policy, which a
JavaScript viewer such as Swagger UI or Redoc (inline styles, workers) would not.
"""

import functools

from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "head", "post", "put", "patch", "delete")


@functools.cache
def openapi():
    """Return the OpenAPI description as a dict; it changes only with the code."""
    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(description, node):
    """Follow a $ref within the description."""
    while isinstance(node, dict) and "$ref" in node:
        target = description
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def type_of(description, node):
    """Return a short, readable type for a schema node."""
    if not node:
        return ""
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if "allOf" in node:
        return " & ".join(type_of(description, part) for part in node["allOf"])
    if "oneOf" in node:
        return " | ".join(type_of(description, part) for part in node["oneOf"])
    kind = node.get("type", "object")
    if kind == "array":
        return f"[{type_of(description, node.get('items', {}))}]"
    if node.get("format"):
        kind = f"{kind} ({node['format']})"
    if node.get("enum"):
        kind = f"{kind}: {', '.join(str(value) for value in node['enum'])}"
    if node.get("nullable"):
        kind = f"{kind} | null"
    return kind


def operations(description):
    for path, item in description["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "type": type_of(description, parameter.get("schema")),
                    "description": parameter.get("description", ""),
                }
                for parameter in map(
                    functools.partial(resolve, description),
                    operation.get("parameters", []),
                )
            ]
            responses = []
            for code, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json", {})
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "type": type_of(description, body.get("schema")),
                    }
                )
            yield {
                "id": operation.get("operationId", f"{method}-{path}"),
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": parameters,
                "responses": responses,
            }


def schemas(description):
    for name, node in description.get("components", {}).get("schemas", {}).items():
        required = set(node.get("required", ()))
        yield {
            "name": name,
            "description": node.get("description", ""),
            "fields": [
                {
                    "name": field,
                    "type": type_of(description, spec),
                    "required": field in required,
                    "description": spec.get("description", ""),
                }
                for field, spec in node.get("properties", {}).items()
            ],
        }


@require_safe
def reference(request):
    description = openapi()
    return render(
        request,
        "api/reference.html",
        {
            "info": description["info"],
            "operations": list(operations(description)),
            "schemas": list(schemas(description)),
        },
    )
