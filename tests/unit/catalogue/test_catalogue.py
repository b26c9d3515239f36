"""The catalogue as a whole: it compiles, names are unique, and every spec follows the rules
(closed schemas, bounded strings and integers, declared scope and annotations that agree
with what the tool does)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.catalogue import all_tools, woocommerce_tools, wordpress_tools
from application.tools.catalogue import Catalogue
from application.tools.compiler import compile_tool
from application.tools.spec import ToolSpec
from domain.scopes import Scope

CATALOGUE_DIR = Path(__file__).resolve().parents[3] / "application" / "catalogue"
SPECS = all_tools()
HANDLER_SCOPES = {
    "wp_site_info": Scope.READ,
    "wp_test_connection": Scope.READ,
    "wp_upload_media": Scope.WRITE,
}


def by_name(spec: ToolSpec) -> str:
    return spec.name


@pytest.mark.parametrize("spec", SPECS, ids=by_name)
def test_every_spec_compiles(spec: ToolSpec) -> None:
    compiled = compile_tool(spec)
    assert compiled.name == spec.name


def test_the_full_catalogue_builds_without_duplicate_names() -> None:
    catalogue = Catalogue(all_tools())
    names = [spec.name for spec in SPECS]
    assert len(catalogue) == len(names) == len(set(names))
    assert len(names) == 40


def test_wordpress_and_woocommerce_tools_are_told_apart() -> None:
    for spec in wordpress_tools():
        assert spec.name.startswith("wp_")
        assert spec.plugin == "wordpress"
        assert not spec.needs_woocommerce
        assert spec.http is None or spec.http.api == "wp"
    for spec in woocommerce_tools():
        assert spec.name.startswith("wc_")
        assert spec.plugin == "woocommerce"
        assert spec.needs_woocommerce
        assert spec.http is not None
        assert spec.http.api == "wc"
        assert spec.http.route.startswith("/wc/v3/products")


@pytest.mark.parametrize("spec", SPECS, ids=by_name)
def test_scope_and_annotations_agree_with_the_method(spec: ToolSpec) -> None:
    a = spec.annotations
    if spec.http is None:
        assert spec.scope is HANDLER_SCOPES[spec.name]
        assert a.read_only is (spec.scope is Scope.READ)
        assert not a.destructive
        return
    method = spec.http.method
    if method == "GET":
        assert spec.scope is Scope.READ
        assert a.read_only and a.idempotent and not a.destructive
    elif method == "DELETE":
        # Every delete here can destroy for good (see the package docstring): admin.
        assert spec.scope is Scope.ADMIN
        assert a.destructive and a.idempotent and not a.read_only
    elif method == "PUT":
        assert spec.scope is Scope.WRITE
        assert a.idempotent and not a.read_only and not a.destructive
    else:
        assert method == "POST"
        assert spec.scope is Scope.WRITE
        assert not (a.read_only or a.idempotent or a.destructive)


@pytest.mark.parametrize("spec", SPECS, ids=by_name)
def test_titles_and_descriptions_are_useful(spec: ToolSpec) -> None:
    assert spec.title and spec.title[0].isupper()
    assert 60 <= len(spec.description) <= 600, spec.description


def _schemas(schema: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, schema
    for name, child in schema.get("properties", {}).items():
        yield from _schemas(child, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _schemas(schema["items"], f"{path}[]")


@pytest.mark.parametrize("spec", SPECS, ids=by_name)
def test_schemas_are_closed_and_bounded(spec: ToolSpec) -> None:
    schema = dict(spec.input_schema)
    assert "site" not in schema["properties"], "endpoints add the site argument themselves"
    for path, node in _schemas(schema, spec.name):
        kind = node.get("type")
        if kind == "object":
            assert node.get("additionalProperties") is False, path
            assert isinstance(node.get("required"), list), path
        elif kind == "string":
            assert "enum" in node or isinstance(node.get("maxLength"), int), path
        elif kind == "integer":
            assert isinstance(node.get("minimum"), int), path
        elif kind == "array":
            assert isinstance(node.get("maxItems"), int), path
        else:
            assert kind == "boolean", path
        assert "format" not in node, f"{path}: use a pattern, not the optional format checker"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.http and s.http.paginate], ids=by_name)
def test_list_tools_page_within_the_limits_of_f18(spec: ToolSpec) -> None:
    props = spec.input_schema["properties"]
    assert props["per_page"] == {**props["per_page"], "minimum": 1, "maximum": 100}
    assert props["page"]["minimum"] == 1
    assert props["all_pages"]["type"] == "boolean"
    assert spec.http is not None
    assert spec.http.max_pages == 3


def test_free_text_and_personal_arguments_are_declared_personal() -> None:
    expected = {
        "wp_create_post": {"title", "content", "excerpt"},
        "wp_update_page": {"title", "content", "excerpt"},
        "wp_upload_media": {"filename", "data_base64", "title", "alt_text", "caption"},
        "wp_update_media": {"title", "alt_text", "caption", "description"},
        "wp_create_comment": {"content", "author_name", "author_email", "author_url"},
        "wp_list_comments": {"search", "author_email"},
        "wp_list_users": {"search", "slug"},
        "wc_create_product": {"description", "short_description"},
        "wc_update_product": {"description", "short_description"},
    }
    specs = {spec.name: spec for spec in SPECS}
    for name, personal in expected.items():
        assert personal <= specs[name].personal, name
    for spec in SPECS:
        if "search" in spec.input_schema["properties"]:
            assert "search" in spec.personal, spec.name


def test_catalogue_modules_are_small_and_import_only_what_the_application_may() -> None:
    allowed_roots = {"application", "domain", "pydantic", "jsonschema", "__future__"}
    for path in sorted(CATALOGUE_DIR.glob("*.py")):
        source = path.read_text()
        assert source.count("\n") < 300, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            for root in roots:
                assert root in allowed_roots or root in sys.stdlib_module_names, (path.name, root)
