"""Files and images (issue 13): uploads as raw bodies, the type from the bytes, photos stripped
of their location and turned upright, previews, the same content stored once, files on messages
and board posts, who may download (a room's members, its uploader before it is sent), Range and
ETag, downloads for what could run script, the operator's limits, and every bad upload refused
with its code, changing nothing.

The people, in one community of the module: Olga the owner (a host, English), Béa (a member,
French); Dom, an outsider with a community of his own.
"""

import os
import socket
import struct
import zlib

import pytest

from conftest import API, Client, assert_error, signup, uid

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
FILE_FIELDS = {"id", "url", "name", "content_type", "size", "kind", "inline", "created_at"}
IMAGE_FIELDS = FILE_FIELDS | {"width", "height", "preview_url", "thumbnail_url"}


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def png(width, height, pixels=True):
    """A real PNG (RGB, a gradient), or one whose header claims the size over an empty stream."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3))
                    for y in range(height)) if pixels else b""
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def upload(client, slug, name, data, content_type="application/octet-stream"):
    return client.post(f"{API}/communities/{slug}/files", params={"name": name}, data=data,
                       headers={"Content-Type": content_type})


def uploaded(client, slug, name, data, content_type="application/octet-stream"):
    r = upload(client, slug, name, data, content_type)
    assert r.status_code == 201, r.text
    return r.json()["file"]


def stored_files(server):
    folder = os.path.join(server.data, "files")
    return sorted(os.path.join(d, f) for d, _, names in os.walk(folder) for f in names)


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga")
        self.slug = self.owner.create_community("Le Quai")["slug"]
        self.bea = self.join(signup(server, locale="fr", display_name="Béa"))
        self.dom = signup(server, locale="en", display_name="Dom")
        self.dom_slug = self.dom.create_community("Chez Dom")["slug"]
        self.chat = self.owner.create_channel(self.slug, "general")

    def join(self, client):
        client.accept(self.owner.invite(self.slug)["code"])
        return client


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def test_a_photo_is_turned_upright_and_loses_its_location(world):
    photo = fixture("rotated-with-location.jpg")  # 160×120 as shot, EXIF "rotate 90°", GPS
    assert b"Exif\x00\x00" in photo and b"Petite Salle test camera" in photo
    f = uploaded(world.bea, world.slug, "IMG_0042.jpg", photo, "image/jpeg")
    assert set(f) == IMAGE_FIELDS
    assert (f["kind"], f["content_type"], f["name"], f["inline"]) == (
        "image", "image/jpeg", "IMG_0042.jpg", True)
    assert (f["width"], f["height"]) == (120, 160)
    assert f["url"] == f"{API}/files/{f['id']}"
    assert f["preview_url"] == f"{API}/files/{f['id']}/preview"
    assert f["thumbnail_url"] == f"{API}/files/{f['id']}/thumbnail"

    r = world.bea.get(f["url"])
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.content[:3] == b"\xff\xd8\xff" and len(r.content) == f["size"]
    assert b"Exif\x00\x00" not in r.content and b"Petite Salle" not in r.content
    assert "attachment" not in r.headers.get("Content-Disposition", "")
    assert r.headers["Cache-Control"].startswith("private")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in ",".join(v for k, v in r.raw.headers.items()
                                 if k.lower() == "content-security-policy")
    for variant in ("preview_url", "thumbnail_url"):
        v = world.bea.get(f[variant])
        assert v.status_code == 200 and v.headers["Content-Type"] == "image/webp"
        assert v.content[:4] == b"RIFF" and v.content[8:12] == b"WEBP"


def test_files_answer_ranges_and_etags(world):
    data = ("ligne de la setlist\n" * 500).encode()
    f = uploaded(world.bea, world.slug, "setlist.txt", data, "text/plain")
    r = world.bea.get(f["url"])
    etag = r.headers["ETag"]
    assert r.content == data
    part = world.bea.get(f["url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    again = world.bea.get(f["url"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    past = world.bea.get(f["url"], headers={"Range": f"bytes={len(data) + 10}-"})
    assert past.status_code == 416


def test_what_could_run_script_is_only_ever_a_download(world):
    page = uploaded(world.bea, world.slug, "page.html",
                    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
                    "text/html")
    assert (page["content_type"], page["inline"], page["kind"]) == ("text/html", False, "file")
    r = world.bea.get(page["url"])
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert "page.html" in r.headers["Content-Disposition"]
    # A program, and an SVG (which can hold script): downloads too, whatever type was declared.
    program = uploaded(world.bea, world.slug, "outil",
                       b"MZ" + b"\x90\x00" * 30 + b"\x00" * 200, "image/png")
    assert program["inline"] is False and program["content_type"] != "image/png"
    assert world.bea.get(program["url"]).headers["Content-Disposition"].startswith("attachment")
    svg = uploaded(world.bea, world.slug, "logo.svg",
                   b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                   "image/svg+xml")
    assert svg["inline"] is False and svg["kind"] == "file"
    assert world.bea.get(svg["url"]).headers["Content-Disposition"].startswith("attachment")


def test_an_iphone_photo_becomes_a_jpeg_and_a_gif_stays_as_sent(world):
    heic = uploaded(world.bea, world.slug, "IMG_1234.HEIC", fixture("iphone.heic"), "image/heic")
    assert (heic["content_type"], heic["name"], heic["width"], heic["height"]) == (
        "image/jpeg", "IMG_1234.jpg", 160, 120)
    assert world.bea.get(heic["url"]).content[:3] == b"\xff\xd8\xff"


def test_a_message_carries_its_files_to_every_member_and_nobody_else(world):
    photo = uploaded(world.bea, world.slug, "scene.png", png(64, 40), "image/png")
    notes = uploaded(world.bea, world.slug, "notes.txt", b"paroles\n", "text/plain")
    # Not sent yet: only Béa may fetch them.
    assert world.bea.get(photo["url"]).status_code == 200
    assert_error(world.owner.get(photo["url"]), 404, "not_found")
    r = world.bea.post(f"{API}/channels/{world.chat['id']}/messages",
                       json={"body": "", "file_ids": [photo["id"], notes["id"]]})
    assert r.status_code == 201, r.text
    message = r.json()["message"]
    assert message["body"] == ""
    assert [f["id"] for f in message["files"]] == [photo["id"], notes["id"]]
    assert message["files"][0]["width"] == 64
    listed = world.owner.history(world.chat["id"])[-1]
    assert [f["name"] for f in listed["files"]] == ["scene.png", "notes.txt"]
    assert world.owner.get(photo["url"]).status_code == 200
    assert world.owner.get(photo["thumbnail_url"]).status_code == 200
    # An outsider, with a valid session of his own: as if there were no such file.
    for url in (photo["url"], photo["preview_url"], notes["url"], f"{API}/files/999999"):
        assert_error(world.dom.get(url), 404, "not_found")
    # Once attached it stays where it is.
    assert_error(world.bea.delete(notes["url"]), 409, "file_in_use")
    again = world.bea.post(f"{API}/channels/{world.chat['id']}/messages",
                           json={"body": "encore", "file_ids": [photo["id"]]})
    assert_error(again, 422, "invalid_field", "file_ids")
    # Deleting the message takes its files with it.
    assert world.bea.delete(f"{API}/messages/{message['id']}").status_code == 204
    assert_error(world.owner.get(photo["url"]), 404, "not_found")
    assert world.owner.history(world.chat["id"])[-1]["files"] == []


def test_the_same_content_is_stored_once_and_freed_with_its_last_use(world, server):
    data = f"partition {uid()}\n".encode() * 100
    before = len(stored_files(server))
    a = uploaded(world.bea, world.slug, "a.txt", data, "text/plain")
    b = uploaded(world.owner, world.slug, "b.txt", data, "text/plain")
    assert a["id"] != b["id"] and b["name"] == "b.txt"
    assert len(stored_files(server)) == before + 1
    assert world.owner.delete(b["url"]).status_code == 204
    assert len(stored_files(server)) == before + 1  # Béa's still uses it
    assert world.bea.delete(a["url"]).status_code == 204
    assert len(stored_files(server)) == before
    assert_error(world.bea.get(a["url"]), 404, "not_found")
    # Nobody but the uploader removes an upload.
    c = uploaded(world.bea, world.slug, "c.txt", b"c\n", "text/plain")
    assert_error(world.owner.delete(c["url"]), 404, "not_found")
    assert world.bea.get(c["url"]).status_code == 200


def test_posts_and_comments_take_files(world):
    board = world.owner.post(f"{API}/communities/{world.slug}/channels",
                             json={"name": f"babillard-{uid()}", "kind": "board"}).json()["channel"]
    cover = uploaded(world.bea, world.slug, "affiche.png", png(80, 50), "image/png")
    r = world.bea.post(f"{API}/channels/{board['id']}/posts",
                       json={"title": "Spectacle", "body": "", "file_ids": [cover["id"]]})
    assert r.status_code == 201, r.text
    post = r.json()["post"]
    assert [f["id"] for f in post["files"]] == [cover["id"]]
    sheet = uploaded(world.owner, world.slug, "plan.txt", b"plan\n", "text/plain")
    r = world.owner.post(f"{API}/posts/{post['id']}/comments",
                         json={"body": "le plan", "file_ids": [sheet["id"]]})
    assert r.status_code == 201, r.text
    assert r.json()["comment"]["files"][0]["name"] == "plan.txt"
    listed = world.bea.get(f"{API}/channels/{board['id']}/posts").json()["posts"]
    assert listed[0]["files"][0]["id"] == cover["id"]
    assert world.bea.delete(f"{API}/posts/{post['id']}").status_code == 204
    assert_error(world.owner.get(cover["url"]), 404, "not_found")
    assert_error(world.owner.get(sheet["url"]), 404, "not_found")


def test_a_removed_member_loses_the_files_at_once(world, server):
    lea = world.join(signup(server, locale="fr", display_name="Léa"))
    f = uploaded(lea, world.slug, "demo.png", png(20, 20), "image/png")
    r = lea.post(f"{API}/channels/{world.chat['id']}/messages",
                 json={"body": "ma démo", "file_ids": [f["id"]]})
    assert r.status_code == 201
    pending = uploaded(lea, world.slug, "pending.txt", b"pas encore\n", "text/plain")
    assert lea.get(f["url"]).status_code == 200
    assert world.owner.delete(f"{API}/communities/{world.slug}/members/{lea.id}").status_code == 204
    assert_error(lea.get(f["url"]), 404, "not_found")
    assert_error(lea.get(f["thumbnail_url"]), 404, "not_found")
    assert_error(lea.get(pending["url"]), 404, "not_found")
    assert_error(upload(lea, world.slug, "x.txt", b"x"), 404, "not_found")
    assert world.owner.get(f["url"]).status_code == 200


def test_bad_uploads_are_refused_clearly_and_change_nothing(world, server):
    before = len(stored_files(server))
    photo = fixture("rotated-with-location.jpg")
    cases = [
        (upload(world.bea, world.slug, "photo.jpg", b"<html><script>alert(1)</script></html>",
                "image/jpeg"), 422, "file_type_mismatch", None),
        (upload(world.bea, world.slug, "notes.txt", png(8, 8), "text/plain"), 422,
         "file_type_mismatch", None),
        (upload(world.bea, world.slug, "bombe.png", png(30000, 30000, pixels=False), "image/png"),
         422, "image_too_large", None),
        (upload(world.bea, world.slug, "coupee.jpg", photo[: len(photo) // 2], "image/jpeg"), 422,
         "image_unreadable", None),
        (upload(world.bea, world.slug, "", b"abc"), 422, "invalid_field", "name"),
        (world.bea.post(f"{API}/communities/{world.slug}/files", data=b"abc"), 422,
         "invalid_field", "name"),
        (upload(world.bea, world.slug, "vide.txt", b""), 422, "invalid_field", "file"),
        (upload(world.bea, world.slug, "a" * 201 + ".txt", b"abc"), 422, "invalid_field", "name"),
        (upload(world.bea, world.slug, "evil\u202egpj.exe", b"abc"), 422, "invalid_field", "name"),
        (upload(world.bea, world.dom_slug, "a.txt", b"abc"), 404, "not_found", None),
        (upload(world.bea, "nowhere-" + uid(), "a.txt", b"abc"), 404, "not_found", None),
    ]
    for r, status, code, field in cases:
        assert_error(r, status, code, field)
    assert len(stored_files(server)) == before
    # The message in the caller's language.
    err = assert_error(upload(world.bea, world.slug, "photo.jpg", b"<html></html>"), 422,
                       "file_type_mismatch")
    assert "nom" in err["message"]
    err = assert_error(upload(world.owner, world.slug, "photo.jpg", b"<html></html>"), 422,
                       "file_type_mismatch")
    assert "name" in err["message"]


def test_signed_out_foreign_pages_and_ended_sessions_upload_nothing(world, server):
    anonymous = Client(server)
    assert_error(upload(anonymous, world.slug, "a.txt", b"abc"), 401, "unauthenticated")
    no_csrf = Client(server, csrf_header=False)
    no_csrf.cookies.update(world.bea.cookies)
    assert_error(upload(no_csrf, world.slug, "a.txt", b"abc"), 403, "csrf_rejected")
    leaving = world.join(signup(server, locale="en", display_name="Gone"))
    f = uploaded(leaving, world.slug, "a.txt", b"mine\n", "text/plain")
    old_cookies = leaving.cookies.copy()
    assert leaving.delete(f"{API}/sessions/current").status_code == 204
    replay = Client(server)
    replay.cookies.update(old_cookies)
    assert_error(upload(replay, world.slug, "b.txt", b"abc"), 401, "unauthenticated")
    assert_error(replay.get(f["url"]), 401, "unauthenticated")


def test_a_truncated_upload_leaves_nothing_and_the_server_serves_on(world, server):
    before = len(stored_files(server))
    cookie = world.bea.cookie
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall((f"POST {API}/communities/{world.slug}/files?name=big.txt HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\nCookie: ps_session={cookie}\r\n"
                   "X-Requested-With: petitesalle\r\nContent-Type: text/plain\r\n"
                   "Content-Length: 1000000\r\n\r\n").encode() + b"x" * 50000)
    tmp = os.path.join(server.data, "tmp")
    import time
    deadline = time.time() + 10
    while time.time() < deadline and os.path.isdir(tmp) and os.listdir(tmp):
        time.sleep(0.1)
    assert not os.listdir(tmp)
    assert len(stored_files(server)) == before
    assert world.bea.get(f"{API}/me").status_code == 200


def test_the_operator_sets_the_size_limit_and_the_quota(server_factory):
    srv = server_factory(extra_args=["--max-upload-mib", "1", "--max-community-storage-mib", "2"])
    owner = signup(srv, locale="en", display_name="Olga")
    slug = owner.create_community("Petite")["slug"]
    member = signup(srv, locale="fr", display_name="Béa")
    member.accept(owner.invite(slug)["code"])
    err = assert_error(upload(member, slug, "gros.bin", b"\0" * (1024 * 1024 + 1)), 413,
                       "payload_too_large")
    assert "1" in err["message"]
    for i in range(2):
        uploaded(member, slug, f"part{i}.txt", bytes([65 + i]) * (900 * 1024), "text/plain")
    assert_error(upload(member, slug, "part2.txt", b"C" * (900 * 1024)), 413, "storage_full")
    # The same content again takes no more room.
    uploaded(owner, slug, "copy.txt", b"A" * (900 * 1024), "text/plain")
    usage = owner.get(f"{API}/communities/{slug}/files/usage")
    assert usage.status_code == 200
    assert usage.json()["usage"] == {"used_bytes": 2 * 900 * 1024, "files": 3,
                                     "limit_bytes": 2 * 1024 * 1024}
    assert_error(member.get(f"{API}/communities/{slug}/files/usage"), 403, "forbidden")


def test_uploads_are_limited_per_account(server_factory):
    srv = server_factory()
    owner = signup(srv, locale="en", display_name="Olga")
    slug = owner.create_community("Petite")["slug"]
    codes = [upload(owner, slug, f"n{i}.txt", f"note {i}\n".encode(), "text/plain").status_code
             for i in range(121)]
    assert codes[:120] == [201] * 120
    r = upload(owner, slug, "one-more.txt", b"x\n", "text/plain")
    err = assert_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 0 and err["message"]
