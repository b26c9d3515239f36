"""Compile tool specs into callables, once, at start-up: a schema validator and a closure that
turns validated arguments into a site call. No ``exec``, no generated source."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from application.sites import SiteRequest, SiteResponse
from application.tools.spec import HttpMapping, ToolContext, ToolSpec

_PLACEHOLDER = re.compile(r"{(\w+)}")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ALL_PAGES = "all_pages"

Runner = Callable[[ToolContext, Mapping[str, Any]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ArgumentProblem:
    """The first thing wrong with a call's arguments, naming the field."""

    field: str
    message: str

    def describe(self) -> str:
        return f"invalid argument {self.field!r}: {self.message}"


@dataclass(frozen=True, slots=True)
class CompiledTool:
    spec: ToolSpec
    validator: Draft202012Validator
    run: Runner

    @property
    def name(self) -> str:
        return self.spec.name

    def check(self, arguments: Mapping[str, Any]) -> ArgumentProblem | None:
        error = best_match(self.validator.iter_errors(arguments))
        return None if error is None else _problem(error)


def _problem(error: ValidationError) -> ArgumentProblem:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required" and isinstance(error.validator_value, list):
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in error.validator_value if name not in instance]
        name = missing[0] if missing else "?"
        return ArgumentProblem(f"{path}.{name}" if path else name, "is required")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = set(schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        name = extra[0] if extra else "?"
        return ArgumentProblem(f"{path}.{name}" if path else name, "is not an accepted argument")
    return ArgumentProblem(path or "arguments", _describe(error))


_BOUNDS = {
    "maximum": "must be at most {}",
    "minimum": "must be at least {}",
    "exclusiveMaximum": "must be less than {}",
    "exclusiveMinimum": "must be greater than {}",
    "maxLength": "must be at most {} characters long",
    "minLength": "must be at least {} characters long",
    "maxItems": "must have at most {} items",
    "minItems": "must have at least {} items",
    "multipleOf": "must be a multiple of {}",
    "format": "must be a valid {}",
}


def _describe(error: ValidationError) -> str:
    """What the schema wants, never the value the client sent: the message becomes event data
    (``ToolCall.Denied``) and a refused value may be a secret or personal data."""
    rule = str(error.validator)
    want: Any = error.validator_value
    if rule == "type":
        kinds = [want] if isinstance(want, str) else list(want)
        return f"must be of type {' or '.join(str(k) for k in kinds)}"
    if rule == "enum":
        return ("must be one of " + ", ".join(repr(v) for v in want))[:200]
    if rule == "const":
        return f"must be {want!r}"[:200]
    if rule == "pattern":
        return "does not have the required form"
    if rule == "uniqueItems":
        return "must not repeat items"
    if rule in _BOUNDS:
        return _BOUNDS[rule].format(want)
    return f"is not valid ({rule})"


def compile_tool(spec: ToolSpec) -> CompiledTool:
    Draft202012Validator.check_schema(dict(spec.input_schema))
    validator = Draft202012Validator(dict(spec.input_schema))
    run = _http_runner(spec, spec.http) if spec.http is not None else spec.handler
    if run is None:  # pragma: no cover - ToolSpec.__post_init__ guarantees one of them
        raise ValueError(f"tool {spec.name}: nothing to run")
    return CompiledTool(spec, validator, run)


def _check_path_argument(spec: ToolSpec, name: str) -> None:
    schema = spec.input_schema.get("properties", {}).get(name)
    required = spec.input_schema.get("required", [])
    if schema is None or name not in required:
        raise ValueError(f"tool {spec.name}: path argument {name!r} must be a required property")
    constrained = schema.get("type") == "integer" or (
        schema.get("type") == "string" and ("pattern" in schema or "enum" in schema)
    )
    if not constrained:
        raise ValueError(
            f"tool {spec.name}: path argument {name!r} must be an integer or a constrained string"
        )


def _http_runner(spec: ToolSpec, http: HttpMapping) -> Runner:
    method = http.method.upper()
    path_names = tuple(_PLACEHOLDER.findall(http.route))
    for name in path_names:
        _check_path_argument(spec, name)
    default_where = "body" if method in _BODY_METHODS else "query"
    fixed = dict(http.fixed)

    def build(arguments: Mapping[str, Any]) -> SiteRequest:
        route = http.route.format(**{n: quote(str(arguments[n]), safe="") for n in path_names})
        query: dict[str, Any] = dict(fixed)
        body: dict[str, Any] = {}
        for name, value in arguments.items():
            if name in path_names or name == ALL_PAGES:
                continue
            where = http.where.get(name, default_where)
            (body if where == "body" else query)[name] = value
        return SiteRequest(
            method=method,
            route=route,
            api=http.api,
            params=query,
            json=body if method in _BODY_METHODS else None,
        )

    async def run(ctx: ToolContext, arguments: Mapping[str, Any]) -> Any:
        request = build(arguments)
        site = ctx.require_site()
        if http.paginate and arguments.get(ALL_PAGES):
            return _listing(await ctx.gateway.call_all(site, request, max_pages=http.max_pages))
        response = await ctx.gateway.call(site, request)
        return _listing(response) if http.paginate else response.data

    return run


def _listing(response: SiteResponse) -> dict[str, Any]:
    items = response.data if isinstance(response.data, list) else []
    listing: dict[str, Any] = {"items": items, "count": len(items)}
    if response.total is not None:
        listing["total"] = response.total
    if response.total_pages is not None:
        listing["total_pages"] = response.total_pages
    return listing
