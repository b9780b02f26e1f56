"""Email: the outbox delivers to the maildir by default, or to an SMTP relay with --smtp-url."""

import re
import socket
import subprocess
import time

import pytest

from conftest import (API, Client, assert_error, free_port, login_token_from, mail_text, read_maildir, signup,
                      unique_email, wait_for_mail)


def test_login_link_email_in_the_maildir(server):
    user = signup(server, locale="en")
    r = Client(server).post(f"{API}/login-links", json={"email": user.email})
    assert r.status_code == 202
    [msg] = wait_for_mail(server.maildir, user.email)
    assert msg["Subject"], "the email has a subject"
    assert msg["From"], "the email has a From"
    token = login_token_from(msg, server.url)
    c = Client(server)
    assert c.post(f"{API}/login-links/{token}", json={}).status_code == 200


def test_login_link_email_follows_the_account_language(server):
    fr = signup(server, locale="fr")
    en = signup(server, locale="en")
    for u in (fr, en):
        assert Client(server, accept_language="en").post(
            f"{API}/login-links", json={"email": u.email}).status_code == 202
    [m_fr] = wait_for_mail(server.maildir, fr.email)
    [m_en] = wait_for_mail(server.maildir, en.email)
    # Both were asked for in English: each email is in its account's language, word for word
    # (two emails that merely differ would pass with the languages swapped).
    assert m_fr["Subject"] == "Ton lien de connexion à Petite Salle"
    assert m_en["Subject"] == "Your Petite Salle log-in link"
    assert mail_text(m_fr).startswith(f"Bonjour {fr.account['display_name']},")
    assert "Voici ton lien pour te connecter" in mail_text(m_fr)
    assert mail_text(m_en).startswith(f"Hello {en.account['display_name']},")
    assert "Here is your link to log in" in mail_text(m_en)


def test_no_email_for_an_unknown_address(server):
    ghost = unique_email("ghost")
    r = Client(server).post(f"{API}/login-links", json={"email": ghost})
    assert r.status_code == 202
    time.sleep(1.0)
    assert not [m for m in read_maildir(server.maildir) if ghost in str(m.get("To", ""))]


def test_login_link_email_request_is_validated(server):
    assert_error(Client(server).post(f"{API}/login-links", json={"email": "nope"}),
                 422, "invalid_field", field="email")
    assert_error(Client(server).post(f"{API}/login-links", json={}),
                 422, "invalid_field", field="email")


def test_outbox_metrics_settle(server):
    user = signup(server)
    Client(server).post(f"{API}/login-links", json={"email": user.email})
    wait_for_mail(server.maildir, user.email)
    deadline = time.monotonic() + 5
    while True:
        text = Client(server).get("/metrics").text
        m = re.search(r"^petitesalle_outbox_pending(?:\{[^}]*\})?\s+([0-9.eE+-]+)", text, re.M)
        assert m, text[:1500]
        if float(m.group(1)) == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert float(m.group(1)) == 0, "the outbox is not empty after delivery"


@pytest.fixture
def smtp_sink(tmp_path):
    """aiosmtpd with the Mailbox handler, writing a maildir."""
    port = free_port()
    box = tmp_path / "smtp-box"
    log = open(tmp_path / "aiosmtpd.log", "wb")
    proc = subprocess.Popen(
        ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Mailbox", str(box)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail("aiosmtpd did not start: "
                            + (tmp_path / "aiosmtpd.log").read_text(errors="replace"))
            time.sleep(0.05)
    yield port, str(box)
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def test_login_link_through_smtp(server_factory, smtp_sink):
    port, box = smtp_sink
    srv = server_factory(name="smtp", extra_args=["--smtp-url", f"smtp://127.0.0.1:{port}",
                                                  "--mail-from", "host@example.com"])
    user = signup(srv)
    r = Client(srv).post(f"{API}/login-links", json={"email": user.email})
    assert r.status_code == 202
    [msg] = wait_for_mail(box, user.email, timeout=10)
    assert "host@example.com" in str(msg["From"])
    token = login_token_from(msg, srv.url)
    assert Client(srv).post(f"{API}/login-links/{token}", json={}).status_code == 200
    # nothing went to the default maildir
    assert not [m for m in read_maildir(srv.maildir) if user.email in str(m.get("To", ""))]
    assert srv.stop() == 0


def test_outbox_survives_a_kill_9(server_factory):
    """The email is a row in the outbox before the 202: a crash right after loses nothing."""
    srv = server_factory(name="outbox-crash")
    user = signup(srv)
    assert Client(srv).post(f"{API}/login-links", json={"email": user.email}).status_code == 202
    srv.kill()
    srv.start()
    wait_for_mail(srv.maildir, user.email)
    time.sleep(1.0)
    sent = [m for m in read_maildir(srv.maildir) if user.email in str(m.get("To", ""))]
    assert len(sent) == 1, f"sent {len(sent)} times"
    assert srv.stop() == 0
