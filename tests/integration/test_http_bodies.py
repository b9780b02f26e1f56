"""Bodies that are not kept in memory: files served with ETag, Range and 304 (the web app from
--web-root, and the embedded one's ETag), and the data folder's tmp/ for uploads. The uploads
themselves are driven by src/http/file_response_test.cpp: the product has no upload route yet."""

import os

import pytest
import requests

from conftest import assert_error


@pytest.fixture
def web_root(tmp_path):
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>dev</title>", encoding="utf-8")
    # Larger than one piece the server reads at a time (128 KiB), and not a multiple of it.
    content = bytes((i * 7 + i // 251) % 256 for i in range(300 * 1024 + 13))
    (root / "assets" / "app.js").write_bytes(content)
    return root, content


def test_web_root_files_have_validators_and_answer_ranges(server_factory, web_root):
    root, content = web_root
    srv = server_factory(extra_args=["--web-root", str(root)])
    url = srv.url + "/assets/app.js"
    r = requests.get(url, timeout=10)
    assert r.status_code == 200
    assert r.content == content
    assert r.headers["Content-Length"] == str(len(content))
    assert r.headers["Content-Type"].startswith("text/javascript")
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Last-Modified"].endswith(" GMT")
    etag = r.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/"), etag
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]

    again = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag

    part = requests.get(url, headers={"Range": "bytes=100-199"}, timeout=10)
    assert part.status_code == 206
    assert part.content == content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(content)}"
    tail = requests.get(url, headers={"Range": "bytes=-10"}, timeout=10)
    assert tail.status_code == 206 and tail.content == content[-10:]
    rest = requests.get(url, headers={"Range": "bytes=200000-"}, timeout=10)
    assert rest.status_code == 206 and rest.content == content[200000:]
    past = requests.get(url, headers={"Range": f"bytes={len(content)}-"}, timeout=10)
    assert past.status_code == 416
    assert past.headers["Content-Range"] == f"bytes */{len(content)}"
    several = requests.get(url, headers={"Range": "bytes=0-1,5-6"}, timeout=10)
    assert several.status_code == 200 and several.content == content  # documented: whole file

    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(content))
    assert head.headers["ETag"] == etag

    # A new version (replaced by a rename, as a build does) is a new tag: the old one is stale.
    (root / "assets" / "app.js.new").write_bytes(b"console.log('v2')")
    os.replace(root / "assets" / "app.js.new", root / "assets" / "app.js")
    fresh = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert fresh.status_code == 200 and fresh.content == b"console.log('v2')"
    assert fresh.headers["ETag"] != etag


def test_web_root_app_routes_are_index_html_with_an_etag(server_factory, web_root):
    root, _ = web_root
    srv = server_factory(extra_args=["--web-root", str(root)])
    r = requests.get(srv.url + "/c/some-community", timeout=10)
    assert r.status_code == 200 and b"<title>dev</title>" in r.content
    assert r.headers["Cache-Control"] == "no-cache"
    again = requests.get(srv.url + "/", headers={"If-None-Match": r.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    assert_error(requests.get(srv.url + "/assets/missing.js", timeout=10), 404, "not_found")
    # A path that climbs out of the folder still names nothing.
    assert requests.get(srv.url + "/%2e%2e/web/index.html", timeout=10).status_code == 404


def test_embedded_files_have_an_etag_and_answer_304(server):
    r = requests.get(server.url + "/", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert r.status_code == 200
    etag = r.headers["ETag"]
    assert etag.startswith('"'), etag
    again = requests.get(server.url + "/", timeout=10,
                         headers={"Accept-Encoding": "identity", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-cache"
    # The same path, gzipped when the asset has a gzip copy, is another representation.
    assets = [p for p in requests.get(server.url + "/", timeout=10).text.split('"')
              if p.startswith("/assets/") and p.endswith(".js")]
    if assets:
        plain = requests.get(server.url + assets[0], timeout=10,
                             headers={"Accept-Encoding": "identity"})
        zipped = requests.get(server.url + assets[0], timeout=10,
                              headers={"Accept-Encoding": "gzip"}, stream=True)
        if zipped.headers.get("Content-Encoding") == "gzip":
            assert zipped.headers["ETag"] != plain.headers["ETag"]


def test_the_data_folder_has_a_tmp_folder_emptied_at_start(server_factory, tmp_path):
    data = tmp_path / "data"
    (data / "tmp").mkdir(parents=True)
    (data / "tmp" / "upload-left-by-a-crash").write_bytes(b"x" * 1000)
    srv = server_factory(data_dir=str(data))
    assert (data / "tmp").is_dir()
    assert list((data / "tmp").iterdir()) == []
    assert requests.get(srv.url + "/healthz", timeout=5).status_code == 200
