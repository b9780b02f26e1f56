"""Web Push and email for notifications (issue 13) on the real binary, on both databases.

A push service of our own listens on loopback (the server runs with --push-allow-loopback, the
only way it posts to this machine or over plain http). What the server posts is checked with an
implementation of our own, written from the RFCs on python3-cryptography: the VAPID token's
ES256 signature over its text (RFC 8292) and the aes128gcm body decrypted with the browser's
private key and auth secret (RFC 8291). Then: private previews hide what was said, nothing is
pushed to someone active in the app or in their quiet hours, an endpoint that answers 410 is
dropped, bad subscriptions are refused, and an unseen mention is emailed once.
"""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import (API, Client, Server, assert_error, only_on_postgresql, read_maildir,
                      signup, uid, wait_for_mail)


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(salt, ikm, info, length):
    h = hmac.HMAC(salt, hashes.SHA256())
    h.update(ikm)
    prk = h.finalize()
    h = hmac.HMAC(prk, hashes.SHA256())
    h.update(info + b"\x01")
    return h.finalize()[:length]


class Browser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.auth = os.urandom(16)

    def subscription(self):
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64u(self.public), "auth": b64u(self.auth)}}

    def decrypt(self, body):
        """RFC 8291 §3.4 and RFC 8188 §2: one record, the last."""
        salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        assert rs == 4096 and idlen == 65
        sender_public = body[21:21 + idlen]
        ciphertext = body[21 + idlen:]
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
        ecdh = self.key.exchange(ec.ECDH(), sender)
        ikm = hkdf(self.auth, ecdh, b"WebPush: info\x00" + self.public + sender_public, 32)
        cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(cek).decrypt(nonce, ciphertext, None)
        assert plain.endswith(b"\x02"), "not the last record's delimiter"
        return json.loads(plain[:-1].decode())


class PushService:
    """A push service on loopback: keeps what it is posted, answers 201 (or 410 under /gone/)."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with service.lock:
                    service.received.append((self.path, dict(self.headers), body))
                self.send_response(410 if self.path.startswith("/gone/") else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, path):
        with self.lock:
            return [r for r in self.received if r[0] == path]

    def wait(self, path, count=1, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(path)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        pytest.fail(f"{count} push(es) to {path} did not come within {timeout} s "
                    f"(got {len(self.to(path))})")

    def close(self):
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def pushes():
    service = PushService()
    yield service
    service.close()


@pytest.fixture(scope="module")
def srv(module_workdir):
    s = Server(module_workdir, name="push", extra_args=["--push-allow-loopback"]).start()
    yield s
    s.stop()


class World:
    def __init__(self, server):
        self.server = server
        self.ana = signup(server, locale="fr", display_name="Ana")
        community = self.ana.create_community(f"La Chorale {uid()}")
        self.slug = community["slug"]
        self.room = self.ana.create_channel(self.slug, "général")

    def member(self, name, locale="fr"):
        c = signup(self.server, locale=locale, display_name=name)
        c.accept(self.ana.invite(self.slug)["code"])
        return c

    def mention(self, who, text):
        r = self.ana.post(f"{API}/channels/{self.room['id']}/messages",
                          json={"body": f"<@{who.id}> {text}"})
        assert r.status_code == 201, r.text
        return r.json()["message"]


@pytest.fixture(scope="module")
def world(srv):
    return World(srv)


def subscribe(client, browser):
    r = client.post(f"{API}/push/subscriptions", json=browser.subscription())
    assert r.status_code == 201, r.text
    return r.json()["subscription"]


def check_vapid(headers, vapid_public, audience):
    """RFC 8292: vapid t=<JWT>, k=<the key the browser subscribed with>; ES256 over the JWT."""
    scheme, _, params = headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    assert fields["k"] == vapid_public
    head, claims, signature = fields["t"].split(".")
    assert json.loads(unb64u(head)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(unb64u(claims))
    assert claims["aud"] == audience
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert claims["sub"].startswith("mailto:") or claims["sub"].startswith("https:")
    raw = unb64u(signature)
    assert len(raw) == 64
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(fields["k"]))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, f"{head}.{fields['t'].split('.')[1]}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        pytest.fail("the VAPID signature does not verify with the server's public key")


def test_a_mention_is_pushed_encrypted_and_signed(world, pushes):
    bea = world.member("Béa")
    r = bea.get(f"{API}/push/key")
    assert r.status_code == 200, r.text
    vapid_public = r.json()["public_key"]
    assert len(unb64u(vapid_public)) == 65 and unb64u(vapid_public)[0] == 4
    path = f"/push/{uid()}"
    browser = Browser(pushes.url(path))
    sub = subscribe(bea, browser)
    assert sub["endpoint"] == browser.endpoint and sub["id"] > 0

    message = world.mention(bea, "la répétition est déplacée à jeudi")
    (got_path, headers, body), = pushes.wait(path)
    assert headers["Content-Encoding"] == "aes128gcm"
    assert headers["Content-Type"] == "application/octet-stream"
    assert 0 < int(headers["TTL"]) <= 7 * 24 * 3600
    assert headers["Urgency"] == "high"
    check_vapid(headers, vapid_public, f"http://127.0.0.1:{pushes.port}")
    payload = browser.decrypt(body)
    assert payload["title"] == "Ana t’a mentionné·e dans #général"
    assert "la répétition est déplacée à jeudi" in payload["body"]
    assert payload["url"] == f"/c/{world.slug}/ch/{world.room['id']}?m={message['seq']}"
    notification = bea.get(f"{API}/notifications").json()["notifications"][0]
    assert payload["notification_id"] == notification["id"]
    assert payload["tag"] == f"notification-{notification['id']}"


def test_private_previews_say_where_and_never_what(world, pushes):
    lou = world.member("Lou", locale="en")
    r = lou.put(f"{API}/me/notifications", json={"push_previews": "private"})
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["push_previews"] == "private"
    path = f"/push/{uid()}"
    browser = Browser(pushes.url(path))
    subscribe(lou, browser)
    world.mention(lou, "the secret setlist")
    (_, _, body), = pushes.wait(path)
    payload = browser.decrypt(body)
    assert payload["title"] == "Ana mentioned you in #général"
    assert "secret" not in json.dumps(payload)
    assert world.slug not in payload["body"] and "général" in payload["body"]


def test_nothing_is_pushed_to_someone_active_in_the_app(world, pushes):
    cam = world.member("Cam")
    path = f"/push/{uid()}"
    subscribe(cam, Browser(pushes.url(path)))
    with cam.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "presence", "active": True})
        time.sleep(0.3)
        world.mention(cam, "tu es là ?")
        ws.wait_for(lambda e: e.get("type") == "notification.created", what="the bell's event")
        time.sleep(2.5)  # two rounds of the courier
        assert pushes.to(path) == []
        ws.send({"type": "presence", "active": False})
        time.sleep(0.3)
        world.mention(cam, "et maintenant ?")
        pushes.wait(path)
    # A bad presence frame gets an error frame and changes nothing.
    with cam.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "presence", "active": "yes"})
        err = ws.wait_for(lambda e: e.get("type") == "error", what="an error frame")
        assert err["error"]["code"] == "invalid_active" and err["error"]["message"]


def test_quiet_hours_keep_the_phone_quiet(world, pushes):
    dan = world.member("Dan")
    now = time.gmtime()
    start = f"{now.tm_hour:02}:{now.tm_min:02}"
    end = f"{(now.tm_hour + 2) % 24:02}:{now.tm_min:02}"
    r = dan.put(f"{API}/me/notifications",
                json={"quiet_hours": {"start": start, "end": end}, "time_zone": "UTC"})
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["quiet_hours"] == {"start": start, "end": end}
    path = f"/push/{uid()}"
    subscribe(dan, Browser(pushes.url(path)))
    world.mention(dan, "chut")
    time.sleep(2.5)
    assert pushes.to(path) == []
    assert dan.get(f"{API}/notifications").json()["unread"] == 1  # the bell still has it


def test_an_endpoint_that_answers_410_is_dropped(world, pushes, srv):
    eve = world.member("Ève")
    path = f"/gone/{uid()}"
    browser = Browser(pushes.url(path))
    subscribe(eve, browser)
    world.mention(eve, "allô")
    pushes.wait(path)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = srv.sql("SELECT COUNT(*) FROM push_subscriptions WHERE endpoint = ?",
                       (browser.endpoint,))[0][0]
        if left == 0:
            break
        time.sleep(0.1)
    assert left == 0
    world.mention(eve, "encore")
    time.sleep(2.5)
    assert len(pushes.to(path)) == 1


def test_unsubscribing_stops_the_pushes(world, pushes):
    fay = world.member("Fay")
    path = f"/push/{uid()}"
    browser = Browser(pushes.url(path))
    subscribe(fay, browser)
    r = fay.delete(f"{API}/push/subscriptions", params={"endpoint": browser.endpoint})
    assert r.status_code == 204
    world.mention(fay, "personne ?")
    time.sleep(2.5)
    assert pushes.to(path) == []


def test_bad_subscriptions_are_refused_and_change_nothing(world, pushes, srv):
    gil = world.member("Gil")
    good = Browser(pushes.url("/push/never"))
    for endpoint in ["http://push.example.net/x", "ftp://127.0.0.1/x", "javascript:alert(1)",
                     "https://10.0.0.8/x", "https://169.254.169.254/latest/meta-data",
                     "https://[fd00::1]/x", "https://push.example.net/" + "a" * 3000, "", 42]:
        body = good.subscription()
        body["endpoint"] = endpoint
        assert_error(gil.post(f"{API}/push/subscriptions", json=body), 422,
                     "invalid_push_subscription")
    for keys in [{"p256dh": b64u(b"\x04" * 65), "auth": b64u(good.auth)},
                 {"p256dh": b64u(good.public), "auth": "AAAA"},
                 {"p256dh": b64u(good.public)}, "keys", None]:
        body = good.subscription()
        body["keys"] = keys
        assert_error(gil.post(f"{API}/push/subscriptions", json=body), 422,
                     "invalid_push_subscription")
    assert_error(gil.post(f"{API}/push/subscriptions", data="{",
                          headers={"Content-Type": "application/json"}), 400)
    nested = {"endpoint": good.endpoint, "keys": good.subscription()["keys"]}
    for _ in range(200):
        nested = {"x": nested}
    assert gil.post(f"{API}/push/subscriptions", json=nested).status_code in (400, 413, 422)
    assert srv.sql("SELECT COUNT(*) FROM push_subscriptions WHERE account_id = ?",
                   (gil.id,))[0][0] == 0
    stranger = Client(srv)
    assert_error(stranger.get(f"{API}/push/key"), 401)
    assert_error(stranger.post(f"{API}/push/subscriptions", json=good.subscription()), 401)


def test_settings_have_defaults_and_refuse_nonsense(world):
    hal = world.member("Hal")
    r = hal.get(f"{API}/me/notifications")
    assert r.status_code == 200
    assert r.json()["settings"] == {"email": "15min", "push_previews": "full",
                                    "quiet_hours": None, "time_zone": "America/Toronto",
                                    "digest": "weekly"}
    r = hal.put(f"{API}/me/notifications", json={"digest": "off"})
    assert r.status_code == 200 and r.json()["settings"]["digest"] == "off"
    for body, field in [({"email": "weekly"}, "email"), ({"push_previews": 1}, "push_previews"),
                        ({"digest": "hourly"}, "digest"),
                        ({"time_zone": "Lune/Tranquillité"}, "time_zone"),
                        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
                        ({"quiet_hours": "la nuit"}, "quiet_hours")]:
        assert_error(hal.put(f"{API}/me/notifications", json=body), 422, "invalid_field", field)
    assert_error(hal.put(f"{API}/me/notifications", json=[1]), 400, "malformed_json")
    assert hal.get(f"{API}/me/notifications").json()["settings"]["email"] == "15min"


def test_an_unseen_mention_is_emailed_once_in_the_members_language(world, srv):
    ivy = world.member("Ivy", locale="en")
    world.mention(ivy, "the new song is up")
    # Fifteen minutes pass for this notification (the courier looks every second).
    srv.sql("UPDATE notifications SET email_due_at = 0 WHERE account_id = ? AND email_due_at "
            "IS NOT NULL", (ivy.id,))
    mails = wait_for_mail(srv.maildir, ivy.email)
    assert mails[0]["Subject"] == "Ana mentioned you in #général"
    text = mails[0].get_body(("plain",)).get_content()
    assert "the new song is up" in text and f"/c/{world.slug}/ch/{world.room['id']}" in text
    # Seen in the room before its time: no email.
    jon = world.member("Jon")
    message = world.mention(jon, "déjà vu")
    r = jon.post(f"{API}/channels/{world.room['id']}/read", json={"seq": message["seq"]})
    assert r.status_code in (200, 204), r.text
    srv.sql("UPDATE notifications SET email_due_at = 0 WHERE account_id = ? AND email_due_at "
            "IS NOT NULL", (jon.id,))
    time.sleep(2.5)
    assert [m for m in read_maildir(srv.maildir) if jon.email in str(m["To"])] == []
    assert len([m for m in read_maildir(srv.maildir) if ivy.email in str(m["To"])]) == 1


def test_metrics_count_pushes_sent_and_failed(srv, world, pushes):
    # After the tests above: pushes accepted (201) and one refused (410).
    text = Client(srv).get("/metrics").text
    counts = {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
              if line.startswith("petitesalle_pushes_total")}
    assert counts['petitesalle_pushes_total{result="sent"}'] >= 1, text
    assert counts['petitesalle_pushes_total{result="failed"}'] >= 1, text
    assert "petitesalle_unseen_emails_total" in text


@only_on_postgresql
def test_two_nodes_push_and_email_once_and_share_presence(tmp_path, pushes):
    """Two nodes on one PostgreSQL: each notification is pushed and emailed by one of them,
    and someone active on one node gets no push from the other."""
    args = ["--push-allow-loopback"]
    a = Server(str(tmp_path / "a"), name="push-a", extra_args=args).start()
    b = Server(str(tmp_path / "b"), name="push-b", extra_args=args,
               database_url=a.database_url).start()
    try:
        world_a = World(a)
        kim = world_a.member("Kim")
        path = f"/push/{uid()}"
        browser = Browser(pushes.url(path))
        subscribe(kim, browser)
        world_a.mention(kim, "un")
        pushes.wait(path)
        time.sleep(3)  # both couriers have had their rounds
        assert len(pushes.to(path)) == 1
        assert browser.decrypt(pushes.to(path)[0][2])["body"].endswith("un")

        # Kim active on node B (her session works on either node); the mention written on A.
        on_b = Client(b)
        on_b.cookies.update(kim.cookies)
        with on_b.ws() as ws:
            ws.wait_for("hello")
            ws.send({"type": "presence", "active": True})
            time.sleep(11)  # node B writes its presence every 10 s
            world_a.mention(kim, "deux")
            ws.wait_for(lambda e: e.get("type") == "notification.created", what="the bell")
            time.sleep(3)
            assert len(pushes.to(path)) == 1, "pushed to someone active on the other node"

        a.sql("UPDATE notifications SET email_due_at = 0 WHERE account_id = ? AND email_due_at "
              "IS NOT NULL", (kim.id,))
        time.sleep(4)
        mails = [m for d in (a.maildir, b.maildir) for m in read_maildir(d)
                 if kim.email in str(m["To"])]
        assert len(mails) == 1, f"{len(mails)} emails for one unseen mention"
    finally:
        b.stop()
        a.stop()
