"""The newsletter end to end, against a real SMTP server on loopback (smtp_sink.py): both parts,
the headers, DKIM signatures checked by Debian's python3-dkim, the RFC 8058 one-click unsubscribe,
the issue's uploaded images through cookieless signed links, a scheduled send across a restart, a kill -9 in the middle of a send, SMTP failures, the public
form with double opt-in, the CSV import, and the bad inputs."""

import base64
import datetime
import os
import re
import struct
import subprocess
import time
import zlib

import dkim
import pytest
import requests

from conftest import (API, BIN, Client, assert_error, free_port, mail_text, signup, uid,
                      wait_for_mail)
from smtp_sink import SmtpSink


@pytest.fixture
def sink():
    s = SmtpSink(free_port()).start()
    yield s
    s.stop()


def keygen(tmp_path, algorithm, selector):
    out = tmp_path / f"{selector}.pem"
    r = subprocess.run([BIN, "dkim-keygen", "--algorithm", algorithm, "--selector", selector,
                        "--domain", "fanfare.test", "--out", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    m = re.search(r"(v=DKIM1;[^\n\"]*p=[A-Za-z0-9+/=]+)", r.stdout.replace('" "', ""))
    assert m, r.stdout
    return out, m.group(1)


def host_with_members(srv, members=2):
    host = signup(srv, locale="fr", display_name="Ana Tremblay")
    com = host.create_community(name="La Fanfare", timezone="America/Toronto")
    people = []
    for i in range(members):
        m = signup(srv, locale="en" if i % 2 else "fr", display_name=f"Membre{i} {uid()}")
        m.accept(host.invite(com["slug"])["code"])
        people.append(m)
    return host, com, people


def new_issue(host, slug, subject="Le show de décembre — à Montréal", body=None):
    r = host.post(f"{API}/communities/{slug}/newsletters",
                  json={"subject": subject, "preview_text": "Trois dates",
                        "body": body or "# Trois dates\n\nOn joue **jeudi** au *Quai des brumes*."})
    assert r.status_code == 201, r.text
    assert r.json()["newsletter"]["status"] == "draft"
    return r.json()["newsletter"]


def wait_status(client, nid, status, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = client.get(f"{API}/newsletters/{nid}").json()["newsletter"]
        if n["status"] == status:
            return n
        time.sleep(0.1)
    raise AssertionError(f"newsletter {nid} is {n['status']}, not {status}")


def wait_counts(client, nid, key, value, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = client.get(f"{API}/newsletters/{nid}").json()["newsletter"]
        if n["counts"][key] >= value:
            return n
        time.sleep(0.1)
    raise AssertionError(f"counts of {nid}: {n['counts']}, wanted {key} ≥ {value}")


def test_an_issue_reaches_every_member_signed_and_well_formed(server_factory, sink, tmp_path):
    ed_key, ed_txt = keygen(tmp_path, "ed25519", "ed")
    rsa_key, rsa_txt = keygen(tmp_path, "rsa", "rsa")
    srv = server_factory(extra_args=[
        "--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--mail-from", "nouvelles@fanfare.test",
        "--dkim-key", f"ed:{ed_key}", "--dkim-key", f"rsa:{rsa_key}", "--jobs-poll-ms", "100"])
    host, com, members = host_with_members(srv, 2)
    slug = com["slug"]
    r = host.put(f"{API}/communities/{slug}/subscriptions/settings",
                 json={"postal_address": "123 rue Saint-Denis, Montréal QC", "sender_name": "La Fanfare"})
    assert r.status_code == 200, r.text
    issue = new_issue(host, slug)
    r = host.post(f"{API}/newsletters/{issue['id']}/send", json={})
    assert r.status_code == 202, r.text
    assert r.json()["newsletter"]["status"] == "sending"
    sink.wait_for(3)
    n = wait_counts(host, issue["id"], "sent", 3)
    assert n["status"] == "sent" and n["counts"]["failed"] == 0

    records = {"ed._domainkey.fanfare.test.": ed_txt.encode(), "rsa._domainkey.fanfare.test.": rsa_txt.encode()}

    def dns(name, timeout=5):
        return records.get(name.decode() if isinstance(name, bytes) else name)

    for rcpt, raw in sink.received():
        # Both signatures, each checked on the bytes as received.
        d = dkim.DKIM(raw)
        sigs = [v for k, v in d.headers if k.lower() == b"dkim-signature"]
        assert len(sigs) == 2, raw[:600]
        for i in range(2):
            assert d.verify(idx=i, dnsfunc=dns), f"signature {i} of the email to {rcpt} fails"
        msg = __import__("email").message_from_bytes(raw, policy=__import__("email").policy.default)
        assert msg.get_content_type() == "multipart/alternative"
        assert msg["Subject"] == "Le show de décembre — à Montréal"
        assert "La Fanfare" in str(msg["From"]) and "nouvelles@fanfare.test" in str(msg["From"])
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(r"<http://127\.0\.0\.1:\d+/api/v1/unsubscribe/[A-Za-z0-9_.-]+>",
                            str(msg["List-Unsubscribe"]))
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert "123 rue Saint-Denis, Montréal QC" in text and "123 rue Saint-Denis" in html
        assert "<strong>jeudi</strong>" in html and "<script" not in html.lower()
        assert "color-scheme" in html
    # Each person in their language, with their first name.
    by_rcpt = {rcpt: __import__("email").message_from_bytes(raw, policy=__import__("email").policy.default)
               for rcpt, raw in sink.received()}
    assert mail_text(by_rcpt[host.email]).startswith("Bonjour Ana,")
    assert mail_text(by_rcpt[members[1].email]).startswith("Hello Membre1,")
    # SMTP connections were reused: three emails, fewer sessions than emails at most concurrency.
    assert len(sink.sessions) <= 4


def test_one_click_unsubscribe_rfc8058(server_factory, sink):
    srv = server_factory(extra_args=["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                     "--jobs-poll-ms", "100"])
    host, com, [member] = host_with_members(srv, 1)
    issue = new_issue(host, com["slug"])
    assert host.post(f"{API}/newsletters/{issue['id']}/send", json={}).status_code == 202
    [(_, raw)] = [m for m in sink.wait_for(1, to=member.email) if m[0] == member.email]
    msg = __import__("email").message_from_bytes(raw, policy=__import__("email").policy.default)
    url = str(msg["List-Unsubscribe"]).strip("<>")
    # As a mail provider posts it: from its own servers, no cookie, no Origin, a form body.
    r = requests.post(url, data="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["subscribed"] is False
    again = requests.post(url, data="List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert again.status_code == 200, "replayed: the same answer"
    info = requests.get(url, timeout=10).json()
    assert info["subscribed"] is False and info["email"] == member.email
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert_error(requests.post(forged, data="List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10),
                 404, "invalid_token")
    wait_counts(host, issue["id"], "unsubscribed", 1)
    # The next issue does not go to them.
    second = new_issue(host, com["slug"], subject="Le suivant")
    assert host.post(f"{API}/newsletters/{second['id']}/send", json={}).status_code == 202
    wait_counts(host, second["id"], "sent", 1)
    time.sleep(0.5)
    assert [rcpt for rcpt, raw in sink.received() if b"Le suivant" in raw] == [host.email]


def test_a_scheduled_issue_goes_at_its_time_across_a_restart(server_factory):
    srv = server_factory(extra_args=["--jobs-poll-ms", "100"])
    host, com, [member] = host_with_members(srv, 1)
    issue = new_issue(host, com["slug"], subject="Programmée")
    at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4))
    r = host.post(f"{API}/newsletters/{issue['id']}/send",
                  json={"at": at.isoformat(timespec="seconds").replace("+00:00", "Z")})
    assert r.status_code == 202, r.text
    assert r.json()["newsletter"]["status"] == "scheduled"
    assert srv.stop() == 0
    time.sleep(5)  # its time passes while the server is down
    srv.start()
    [msg] = wait_for_mail(srv.maildir, member.email, timeout=20)
    assert msg["Subject"] == "Programmée"
    host.server = srv
    wait_status(host, issue["id"], "sent")


def test_kill_9_in_the_middle_of_a_send_loses_nothing(server_factory, tmp_path):
    slow = SmtpSink(free_port(), delay=0.01).start()
    try:
        args = ["--smtp-url", f"smtp://127.0.0.1:{slow.port}", "--jobs-poll-ms", "100",
                "--mail-concurrency", "2"]
        srv = server_factory(extra_args=args)
        host, com, _ = host_with_members(srv, 0)
        csv = "email,name\n" + "".join(f"fan{i}@example.com,Fan {i}\n" for i in range(400))
        r = host.post(f"{API}/communities/{com['slug']}/subscribers/import", data=csv.encode(),
                      headers={"Content-Type": "text/csv"})
        assert r.status_code == 200 and r.json()["imported"] == 400, r.text
        issue = new_issue(host, com["slug"])
        assert host.post(f"{API}/newsletters/{issue['id']}/send", json={}).status_code == 202
        slow.wait_for(40, timeout=30)
        srv.kill()
        got_before = len(slow.received())
        assert got_before < 401, "killed in the middle"
        srv.start()
        host.server = srv
        slow.wait_for(401, timeout=60)
        wait_counts(host, issue["id"], "sent", 401, timeout=60)
        received = slow.received()
        ids = {}
        for rcpt, raw in received:
            mid = re.search(rb"^Message-ID: (<[^>]+>)", raw, re.M | re.I).group(1)
            ids.setdefault(rcpt, set()).add(mid)
        assert len(ids) == 401, "everyone got it"
        # Only those in flight at the crash may go twice, and then with the same Message-ID.
        assert all(len(v) == 1 for v in ids.values())
        assert len(received) - 401 <= 2 * 20, "at most a batch per sending thread again"
    finally:
        slow.stop()


def test_smtp_refusals_are_recorded_and_temporary_ones_kept(server_factory, sink):
    srv = server_factory(extra_args=["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                     "--jobs-poll-ms", "100"])
    host, com, _ = host_with_members(srv, 0)
    csv = "email\nbounce1@example.com\nlater1@example.com\nfine@example.com\ndrop1@example.com\n"
    r = host.post(f"{API}/communities/{com['slug']}/subscribers/import", data=csv.encode(),
                  headers={"Content-Type": "text/csv"})
    assert r.json()["imported"] == 4
    issue = new_issue(host, com["slug"])
    assert host.post(f"{API}/newsletters/{issue['id']}/send",
                     json={"audience": {"subscribers": True}}).status_code == 202
    n = wait_counts(host, issue["id"], "failed", 1)
    sink.wait_for(1, to="fine@example.com")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        n = host.get(f"{API}/newsletters/{issue['id']}").json()["newsletter"]
        if n["counts"]["sent"] == 1 and n["counts"]["queued"] == 2:
            break
        time.sleep(0.1)
    assert n["counts"] == {"queued": 2, "sent": 1, "failed": 1, "unsubscribed": 0, "comments": 0,
                           "tracked": False, "opened": 0, "clicked": 0}, n
    [failure] = n["failures"]
    assert failure["email"] == "bounce1@example.com" and "550" in failure["reason"]
    assert srv.sql("SELECT COUNT(*) FROM outbox WHERE recipient = 'later1@example.com' AND attempts = 1 "
                   "AND failed_at IS NULL")[0][0] == 1, "451: kept for a retry"
    assert srv.sql("SELECT COUNT(*) FROM outbox WHERE recipient = 'drop1@example.com' AND failed_at IS NULL "
                   "AND last_error IS NOT NULL")[0][0] == 1, "a dropped connection: kept for a retry"
    metrics = Client(srv).get("/metrics").text
    assert re.search(r'^petitesalle_jobs\{state="failed"\} 0$', metrics, re.M), metrics
    assert re.search(r"^petitesalle_outbox_failed_total 1$", metrics, re.M)


def test_public_form_double_opt_in(server_factory):
    srv = server_factory(extra_args=["--jobs-poll-ms", "100"])
    host, com, _ = host_with_members(srv, 0)
    slug = com["slug"]
    visitor = requests.Session()
    visitor.headers["X-Requested-With"] = "petitesalle"
    assert_error(visitor.get(f"{srv.url}{API}/communities/{slug}/subscribe"), 404, "subscription_form_off")
    assert_error(visitor.post(f"{srv.url}{API}/communities/{slug}/subscribe",
                              json={"email": "zoe@example.com"}), 404, "subscription_form_off")
    assert host.put(f"{API}/communities/{slug}/subscriptions/settings",
                    json={"public_form": True}).status_code == 200
    form = visitor.get(f"{srv.url}{API}/communities/{slug}/subscribe").json()
    assert form["community"]["name"] == "La Fanfare"
    body = {"email": "Zoe@Example.com", "name": "Zoé", "locale": "fr", "form_token": form["form_token"]}
    assert_error(visitor.post(f"{srv.url}{API}/communities/{slug}/subscribe", json=body),
                 422, "invalid_form_token")
    time.sleep(2.1)
    r = visitor.post(f"{srv.url}{API}/communities/{slug}/subscribe", json=body)
    assert r.status_code == 202, r.text
    [msg] = wait_for_mail(srv.maildir, "zoe@example.com")
    assert msg["Subject"] == "Confirme ton abonnement à La Fanfare"
    token = re.search(r"/subscribe/confirm\?token=([A-Za-z0-9_.-]+)", mail_text(msg)).group(1)
    subs = host.get(f"{API}/communities/{slug}/subscribers").json()["subscribers"]
    assert [s["status"] for s in subs] == ["pending"]
    r = visitor.post(f"{srv.url}{API}/subscribe/confirm", json={"token": token})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "zoe@example.com"
    assert visitor.post(f"{srv.url}{API}/subscribe/confirm", json={"token": token}).status_code == 200
    assert_error(visitor.post(f"{srv.url}{API}/subscribe/confirm", json={"token": token[:-2] + "xx"}),
                 404, "invalid_token")
    [s] = host.get(f"{API}/communities/{slug}/subscribers").json()["subscribers"]
    assert s["status"] == "confirmed" and s["consent"]["method"] == "double_opt_in"
    # A known address is answered the same, and gets nothing more.
    fresh = visitor.get(f"{srv.url}{API}/communities/{slug}/subscribe").json()["form_token"]
    time.sleep(2.1)
    again = visitor.post(f"{srv.url}{API}/communities/{slug}/subscribe",
                         json={**body, "form_token": fresh})
    assert again.status_code == 202, again.text
    time.sleep(0.5)
    assert len(wait_for_mail(srv.maildir, "zoe@example.com")) == 1, "no second confirmation"
    assert_error(visitor.post(f"{srv.url}{API}/communities/{slug}/subscribe",
                              json={**body, "email": "nope", "form_token": fresh}),
                 422, "invalid_field", field="email")
    # The hidden field only robots fill in: answered 202, and nothing happens.
    r = visitor.post(f"{srv.url}{API}/communities/{slug}/subscribe",
                     json={**body, "email": "robot@example.com", "website": "x", "form_token": fresh})
    assert r.status_code == 202
    assert len(host.get(f"{API}/communities/{slug}/subscribers").json()["subscribers"]) == 1


def test_csv_import_in_other_encodings_with_a_report(server):
    host = signup(server)
    slug = host.create_community()["slug"]
    url = f"{API}/communities/{slug}/subscribers/import"
    latin = "Email Address;First Name;Last Name\r\nzoe@example.com;Zoé;Lévesque\r\nbad;X;Y\r\n".encode("cp1252")
    r = host.post(url, data=latin, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 1 and r.json()["rejected"][0]["row"] == 3
    utf16 = "email,name\nluc@example.com,Luc Côté\nluc@example.com,Luc\n".encode("utf-16")
    r = host.post(url, data=utf16, headers={"Content-Type": "text/csv"})
    assert r.json() == {"imported": 1, "merged": 1, "rejected": []}, r.text
    names = {s["email"]: s["name"] for s in host.get(f"{API}/communities/{slug}/subscribers").json()["subscribers"]}
    assert names == {"zoe@example.com": "Zoé Lévesque", "luc@example.com": "Luc Côté"}
    assert_error(host.post(url, data=b"nom\nRoy\n", headers={"Content-Type": "text/csv"}), 422, "invalid_csv")
    assert_error(host.post(url, json={"email": "x"}), 415)
    big = b"email\n" + b"x" * (5 * 1024 * 1024 + 10)
    assert host.post(url, data=big, headers={"Content-Type": "text/csv"}).status_code == 413


def test_bad_inputs_and_other_communities(server, make_user):
    host = make_user()
    slug = host.create_community()["slug"]
    other = make_user()
    other_slug = other.create_community()["slug"]
    member = make_user()
    member.accept(host.invite(slug)["code"])
    issue = new_issue(host, slug)
    nid = issue["id"]
    assert_error(other.get(f"{API}/newsletters/{nid}"), 404, "not_found")
    assert_error(other.patch(f"{API}/newsletters/{nid}", json={"subject": "x"}), 404)
    assert_error(member.get(f"{API}/newsletters/{nid}"), 404), "a draft is the hosts'"
    assert_error(member.post(f"{API}/communities/{slug}/newsletters", json={"subject": "x", "body": "y"}), 403)
    assert_error(host.post(f"{API}/communities/{other_slug}/newsletters", json={"subject": "x", "body": "y"}), 404)
    assert_error(host.post(f"{API}/newsletters/{nid}/send", json={"at": "2020-01-01T00:00:00Z"}),
                 422, "invalid_send_time")
    assert_error(host.post(f"{API}/newsletters/{nid}/send", json={"at": "bientôt"}), 422, "invalid_field")
    assert_error(host.post(f"{API}/newsletters/{nid}/send", json={"audience": {"members": False}}),
                 422, "invalid_field", field="audience")
    assert_error(host.post(f"{API}/newsletters/{nid}/send", json={"audience": "all"}), 422)
    assert_error(host.patch(f"{API}/newsletters/{nid}", json={"subject": ""}), 422, "invalid_field")
    assert_error(host.patch(f"{API}/newsletters/{nid}", json={"body": "x" * 100_001}), 422, "invalid_field")
    assert_error(host.post(f"{API}/communities/{slug}/newsletters", json={"subject": "x"}), 422, "invalid_field")
    # Scheduled, then unscheduled; a sending issue is not editable.
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = host.post(f"{API}/newsletters/{nid}/send", json={"at": future})  # local time in the zone
    assert r.status_code == 202 and r.json()["newsletter"]["status"] == "scheduled"
    assert host.patch(f"{API}/newsletters/{nid}", json={"subject": "Changé"}).status_code == 200
    r = host.post(f"{API}/newsletters/{nid}/unschedule")
    assert r.status_code == 200 and r.json()["newsletter"]["status"] == "draft"
    assert host.post(f"{API}/newsletters/{nid}/send", json={}).status_code == 202
    wait_status(host, nid, "sent")
    assert_error(host.patch(f"{API}/newsletters/{nid}", json={"subject": "trop tard"}), 409,
                 "newsletter_not_editable")
    assert_error(host.delete(f"{API}/newsletters/{nid}"), 409, "newsletter_not_editable")
    # Now in the members' archive, with comments.
    assert member.get(f"{API}/newsletters/{nid}").status_code == 200
    assert [n["id"] for n in member.get(f"{API}/communities/{slug}/newsletters").json()["newsletters"]] == [nid]
    r = member.post(f"{API}/newsletters/{nid}/comments", json={"body": "Bravo!"})
    assert r.status_code == 201, r.text
    assert_error(other.post(f"{API}/newsletters/{nid}/comments", json={"body": "x"}), 404)
    assert len(host.get(f"{API}/newsletters/{nid}/comments").json()["comments"]) == 1
    assert_error(Client(server).get(f"{API}/unsubscribe/forged.token"), 404, "invalid_token")
    # The one-click route takes no cookie, so another site's form proves nothing: it only acts on a token.
    assert_error(requests.post(f"{server.url}{API}/unsubscribe/forged.token", data="List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded",
                                        "Origin": "https://evil.example"}, timeout=10), 404, "invalid_token")


def png(width, height):
    """A real PNG (RGB, a gradient)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def upload_png(client, slug, name, width, height):
    r = client.post(f"{API}/communities/{slug}/files", params={"name": name},
                    data=png(width, height), headers={"Content-Type": "image/png"})
    assert r.status_code == 201, r.text
    return r.json()["file"]


IMAGE_LINK = re.compile(r'src="(https?://[^"]+/api/v1/newsletter-images/[A-Za-z0-9_.-]+)"')


def image_links(sink, to=None):
    out = []
    for msg in sink.parsed(to):
        out += IMAGE_LINK.findall(msg.get_body(("html",)).get_content())
    return out


def altered(url):
    """The same link with one character of its MAC changed."""
    i = len(url) - 3
    return url[:i] + ("A" if url[i] != "A" else "B") + url[i + 1:]


def test_an_issues_uploaded_images_reach_mail_clients_through_signed_links(server_factory, sink):
    srv = server_factory(extra_args=["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                     "--jobs-poll-ms", "100"])
    host, com, [member] = host_with_members(srv, 1)
    slug = com["slug"]
    photo = upload_png(host, slug, "affiche.png", 40, 30)
    issue = new_issue(host, slug, body=f"# Photos\n\n![L’affiche](/api/v1/files/{photo['id']})")
    assert f"/api/v1/files/{photo['id']}\"" in issue["html"]
    # Attached to the draft: its hosts may see it, a member not yet.
    assert host.get(f"{API}/files/{photo['id']}").status_code == 200
    assert_error(member.get(f"{API}/files/{photo['id']}"), 404)
    assert_error(host.delete(f"{API}/files/{photo['id']}"), 409, "file_in_use")

    r = host.post(f"{API}/newsletters/{issue['id']}/send", json={})
    assert r.status_code == 202, r.text
    sink.wait_for(2)
    links = image_links(sink)
    assert len(links) == 2, [m.get_body(("html",)).get_content()[:2000] for m in sink.parsed()]
    for msg in sink.parsed():
        assert "/api/v1/files/" not in msg.get_body(("html",)).get_content()
    for link in links:
        got = requests.get(link, timeout=10)  # no cookie, as a mail client
        assert got.status_code == 200, got.text
        assert got.headers["Content-Type"] == "image/png"
        assert got.headers["Cache-Control"] == "public, max-age=86400"
        assert got.content.startswith(b"\x89PNG")
        assert_error(requests.get(altered(link), timeout=10), 404)
    # Sent to the members: they may see it in the archive, with their cookie.
    wait_status(host, issue["id"], "sent")
    assert member.get(f"{API}/files/{photo['id']}").status_code == 200
    page = member.get(f"{API}/newsletters/{issue['id']}").json()["newsletter"]
    assert f"/api/v1/files/{photo['id']}\"" in page["html"]

    # A draft's test email signs its image too; an update that drops it releases it: 404.
    second = upload_png(host, slug, "scene.png", 20, 20)
    draft = new_issue(host, slug, body=f"![](/api/v1/files/{second['id']})")
    assert host.post(f"{API}/newsletters/{draft['id']}/test").status_code == 202
    sink.wait_for(3)
    [test_link] = image_links(sink, host.email)[-1:]
    assert test_link not in links
    assert requests.get(test_link, timeout=10).status_code == 200
    r = host.patch(f"{API}/newsletters/{draft['id']}", json={"body": "Plus d’image."})
    assert r.status_code == 200, r.text
    assert_error(requests.get(test_link, timeout=10), 404)
    assert_error(host.get(f"{API}/files/{second['id']}"), 404)

    # Deleting a draft releases its images.
    third = upload_png(host, slug, "trois.png", 12, 12)
    other = new_issue(host, slug, body=f"![3](/api/v1/files/{third['id']})")
    assert host.post(f"{API}/newsletters/{other['id']}/test").status_code == 202
    sink.wait_for(4)
    third_link = image_links(sink, host.email)[-1]
    assert requests.get(third_link, timeout=10).status_code == 200
    assert host.delete(f"{API}/newsletters/{other['id']}").status_code == 204
    assert_error(requests.get(third_link, timeout=10), 404)

    # Only the host's own uploads, not attached elsewhere; 20 at most.
    theirs = upload_png(member, slug, "membre.png", 10, 10)
    r = host.post(f"{API}/communities/{slug}/newsletters",
                  json={"subject": "x", "body": f"![](/api/v1/files/{theirs['id']})"})
    assert_error(r, 422, "newsletter_image_not_allowed", "body")
    r = host.post(f"{API}/communities/{slug}/newsletters",
                  json={"subject": "x", "body": f"![](/api/v1/files/{photo['id']})"})
    assert_error(r, 422, "newsletter_image_not_allowed", "body")
    many = "\n\n".join(f"![](/api/v1/files/{n})" for n in range(1, 22))
    r = host.post(f"{API}/communities/{slug}/newsletters", json={"subject": "x", "body": many})
    assert_error(r, 422, "too_many_newsletter_images", "body")
    # A token that was never signed.
    assert_error(requests.get(f"{srv.url}{API}/newsletter-images/aXwxfDE.AAAAAAAAAAAAAAAAAAAAAA",
                              timeout=10), 404)
