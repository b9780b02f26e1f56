"""The OpenAPI document: docs/openapi.json, and the copy the server serves at /api/v1/openapi.json.

Both must be valid OpenAPI, checked by a real validator (web/scripts/validate-openapi.mjs, on
@apidevtools/swagger-parser, run with the Node.js that the scripts use: never skipped, and a
missing validator is a failure), and list every `METHOD /path` of docs/api.md's tables (paths
there are relative to /api/v1, except /healthz and /metrics) and every route the server
registers in src/*/routes.cpp. The file checks need no server; the served checks need
PETITESALLE_BIN. The binary embeds the docs/openapi.json of its build, so the served checks
only see a change of the file after a rebuild.
"""

import copy
import glob
import json
import os
import re
import subprocess

import pytest
import requests

from conftest import API, HTTP_TIMEOUT

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOC_FILE = os.path.join(ROOT, "docs", "openapi.json")
API_MD = os.path.join(ROOT, "docs", "api.md")
VALIDATOR = os.path.join(ROOT, "web", "scripts", "validate-openapi.mjs")
WITH_NODE = os.path.join(ROOT, "scripts", "with-node.sh")

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OUTSIDE_API = ("/healthz", "/metrics")
# Documented in docs/api.md's prose rather than its tables, and required in the document too.
ALSO_REQUIRED = {("GET", f"{API}/stream"), ("GET", "/healthz"), ("GET", "/metrics"),
                 ("GET", f"{API}/openapi.json")}


def normalize(path):
    """`/channels/{id}/messages?before=SEQ...` -> `/channels/{}/messages`: query dropped,
    path parameter names ignored (only the shape has to match)."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    return re.sub(r"\{[^}/]*\}", "{}", path)


def api_md_operations():
    """Every (METHOD, full path) written as `METHOD /path` in a table row of docs/api.md."""
    ops = set()
    with open(API_MD, encoding="utf-8") as f:
        for line in f:
            if not line.lstrip().startswith("|"):
                continue
            for method, path in re.findall(r"`(%s) (/[^`\s]*)`" % "|".join(METHODS), line):
                path = path.replace("\\|", "|").split("?", 1)[0]
                full = path if path in OUTSIDE_API or path.startswith(API + "/") else API + path
                ops.add((method, full))
    return ops


def code_operations():
    """Every route registered in src/*/*routes.cpp: r.add(verb::post, "/api/v1/...", ...)."""
    ops = set()
    for name in glob.glob(os.path.join(ROOT, "src", "*", "*routes.cpp")):
        with open(name, encoding="utf-8") as f:
            text = f.read()
        for verb, path in re.findall(r"verb::(\w+),\s*\"(/[^\"]*)\"", text):
            ops.add(({"del": "DELETE"}.get(verb, verb.upper()), path))
    return ops


def document_operations(doc):
    return {(method.upper(), normalize(path))
            for path, item in doc.get("paths", {}).items()
            for method in item if method.upper() in METHODS}


def missing_from(doc, wanted):
    have = document_operations(doc)
    return sorted(f"{m} {p}" for m, p in wanted if (m, normalize(p)) not in have)


def check_document(doc, where):
    assert isinstance(doc, dict), f"{where}: not a JSON object"
    assert str(doc.get("openapi", "")).startswith("3."), f"{where}: openapi is {doc.get('openapi')!r}"
    wanted = api_md_operations()
    assert len(wanted) >= 30, f"found only {len(wanted)} operations in docs/api.md: {sorted(wanted)}"
    missing = missing_from(doc, wanted | ALSO_REQUIRED)
    assert not missing, f"{where} lacks these operations of docs/api.md: {missing}"


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


@pytest.fixture(scope="module")
def file_doc():
    with open(DOC_FILE, encoding="utf-8") as f:
        return json.load(f)


# -- the file ----------------------------------------------------------------------------------


def test_file_parses_and_covers_api_md(file_doc):
    check_document(file_doc, "docs/openapi.json")


def test_file_covers_every_registered_route(file_doc):
    routes = code_operations()
    assert len(routes) >= 30, f"found only {len(routes)} routes in src/*/routes.cpp"
    missing = missing_from(file_doc, routes)
    assert not missing, f"docs/openapi.json lacks routes registered in src/*/routes.cpp: {missing}"


def test_file_refs_resolve_and_basics(file_doc):
    for r in sorted(set(all_refs(file_doc))):
        assert r.startswith("#/"), r
        node = file_doc
        for part in r[2:].split("/"):
            assert isinstance(node, dict) and part in node, f"unresolved $ref {r}"
            node = node[part]
    info = file_doc["info"]
    assert info["title"] == "Petite Salle API" and info["version"] == "1"
    schemes = file_doc["components"]["securitySchemes"]
    assert any(s.get("in") == "cookie" and s.get("name") == "ps_session" for s in schemes.values())
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    schemas = file_doc["components"]["schemas"]
    for name in ("Account", "Community", "Membership", "Member", "Invitation", "Channel", "Message",
                 "Reaction", "Error"):
        assert name in schemas, f"components/schemas/{name} is missing"
    assert "101" in file_doc["paths"][f"{API}/stream"]["get"]["responses"]
    # The server compiles the file into a C++ raw string literal: its delimiter must not occur.
    with open(DOC_FILE, encoding="utf-8") as f:
        assert ")ps_openapi\"" not in f.read()


def validate(*sources):
    """Runs the validator on files or URLs; returns (exit code, output). Fails the test (never
    skips it) when the validator cannot run."""
    package = os.path.join(ROOT, "web", "node_modules", "@apidevtools", "swagger-parser", "package.json")
    assert os.path.exists(package), \
        "the OpenAPI validator (@apidevtools/swagger-parser) is not installed in web/node_modules: run scripts/install-deps.sh"
    r = subprocess.run([WITH_NODE, "node", VALIDATOR, *sources], cwd=os.path.join(ROOT, "web"),
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


def test_file_is_valid_openapi(file_doc):
    rc, out = validate(DOC_FILE)
    assert rc == 0, f"docs/openapi.json is not valid OpenAPI:\n{out}"
    assert f"valid OpenAPI {file_doc['openapi']}" in out, out


def test_validator_rejects_a_broken_document(file_doc, tmp_path):
    """The validator must be a real one: each of these mistakes makes it fail."""
    path, item = next((p, i) for p, i in file_doc["paths"].items() if "{" in p)
    method = next(m for m in item if m.upper() in METHODS)
    broken = {
        "no-responses": lambda d: d["paths"][path][method].pop("responses"),
        "dangling-ref": lambda d: d["components"]["schemas"].__setitem__(
            "Broken", {"$ref": "#/components/schemas/DoesNotExist"}),
        "wrong-type": lambda d: d["components"]["schemas"]["Error"].__setitem__("type", "strin"),
        "undeclared-path-parameter": lambda d: d["paths"].__setitem__(
            path.replace("{", "{undeclared_"), d["paths"].pop(path)),
    }
    for name, breaks in broken.items():
        doc = copy.deepcopy(file_doc)
        breaks(doc)
        target = tmp_path / f"{name}.json"
        target.write_text(json.dumps(doc), encoding="utf-8")
        rc, out = validate(str(target))
        assert rc == 1 and "INVALID" in out, f"the validator accepted a document with {name}:\n{out}"


# -- the served copy -----------------------------------------------------------------------------


def test_served_document_parses_and_covers_api_md(server):
    r = requests.get(server.url + f"{API}/openapi.json", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text[:300]
    assert "application/json" in r.headers.get("Content-Type", ""), r.headers
    try:
        doc = r.json()
    except ValueError:
        pytest.fail(f"/api/v1/openapi.json is not JSON: {r.text[:300]}")
    check_document(doc, "the served /api/v1/openapi.json")


def test_served_document_is_valid_openapi(server):
    rc, out = validate(server.url + f"{API}/openapi.json")
    assert rc == 0, f"the served /api/v1/openapi.json is not valid OpenAPI:\n{out}"
