"""Open and click tracking of the newsletter, against a real SMTP server on loopback: off by
default (no pixel, links as written); on, each email says so in its footer, its invisible image and
its links answer with no cookie and count each reader once; a forged or altered token is a 404;
the host sees the totals and the links followed."""

import email
import email.policy
import re

import pytest
import requests

from conftest import API, assert_error, free_port
from smtp_sink import SmtpSink
from test_newsletter import host_with_members, new_issue, wait_counts


@pytest.fixture
def sink():
    s = SmtpSink(free_port()).start()
    yield s
    s.stop()


def html_of(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return msg.get_body(("html",)).get_content(), msg.get_body(("plain",)).get_content()


BODY = "# Le show\n\nLes billets : [ici](https://billets.example/show?a=1&b=2)."


def test_tracking_is_off_by_default(server_factory, sink):
    srv = server_factory(extra_args=["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                     "--jobs-poll-ms", "100"])
    host, com, [member] = host_with_members(srv, 1)
    assert host.get(f"{API}/communities/{com['slug']}/subscriptions/settings").json()["settings"]["tracking"] is False
    issue = new_issue(host, com["slug"], body=BODY)
    assert host.post(f"{API}/newsletters/{issue['id']}/send", json={}).status_code == 202
    for _, raw in sink.wait_for(2):
        html, text = html_of(raw)
        assert "newsletter-open" not in html and "newsletter-click" not in html
        assert 'href="https://billets.example/show?a=1&amp;b=2"' in html
        assert "ouvertures" not in text and "opens" not in text
    n = wait_counts(host, issue["id"], "sent", 2)
    assert n["counts"]["tracked"] is False and n["counts"]["opened"] == 0


def test_tracking_counts_opens_and_clicks_once_per_reader(server_factory, sink):
    srv = server_factory(extra_args=["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                     "--jobs-poll-ms", "100"])
    host, com, [member] = host_with_members(srv, 1)
    r = host.put(f"{API}/communities/{com['slug']}/subscriptions/settings", json={"tracking": True})
    assert r.status_code == 200 and r.json()["settings"]["tracking"] is True
    issue = new_issue(host, com["slug"], body=BODY)
    assert host.post(f"{API}/newsletters/{issue['id']}/send", json={}).status_code == 202
    mails = dict(sink.wait_for(2))
    wait_counts(host, issue["id"], "sent", 2)
    html, text = html_of(mails[member.email])
    assert "counts opens" in text or "compte les ouvertures" in text, text
    pixel = re.search(r'src="(http://[^"]+/api/v1/newsletter-open/[^"]+)"', html).group(1)
    click = re.search(r'href="(http://[^"]+/api/v1/newsletter-click/[^"]+)"', html).group(1)
    assert member.email not in pixel and member.email not in click
    host_html, _ = html_of(mails[host.email])
    assert re.search(r"newsletter-open/([^\"]+)", host_html).group(1) != pixel.rsplit("/", 1)[1]

    # A mail client: no cookie, no Origin.
    for _ in range(3):
        r = requests.get(pixel, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/gif"
        assert r.content.startswith(b"GIF89a") and r.headers["Cache-Control"] == "no-store"
    r = requests.get(click, allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "https://billets.example/show?a=1&b=2"
    requests.get(click, allow_redirects=False, timeout=10)

    n = host.get(f"{API}/newsletters/{issue['id']}").json()["newsletter"]
    assert n["counts"]["tracked"] is True
    assert n["counts"]["opened"] == 1 and n["counts"]["clicked"] == 1, n["counts"]
    assert n["links"] == [{"url": "https://billets.example/show?a=1&b=2", "clicked": 1}]
    # A member sees no numbers.
    seen = member.get(f"{API}/newsletters/{issue['id']}").json()["newsletter"]
    assert "counts" not in seen and "links" not in seen

    # Altered, forged, or of another kind: 404 in JSON, nothing counted.
    token = click.rsplit("/", 1)[1]
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    base = click.rsplit("/api/", 1)[0]
    for url in (f"{base}/api/v1/newsletter-click/{altered}", f"{base}/api/v1/newsletter-click/abc.def",
                f"{base}/api/v1/newsletter-click/" + "x" * 5000,
                f"{base}/api/v1/newsletter-click/{pixel.rsplit('/', 1)[1]}",
                f"{base}/api/v1/newsletter-open/{token}"):
        r = requests.get(url, allow_redirects=False, timeout=10)
        assert_error(r, 404)
    n = host.get(f"{API}/newsletters/{issue['id']}").json()["newsletter"]
    assert n["counts"]["opened"] == 1 and n["counts"]["clicked"] == 1

    # Turned off: the links still lead where they said, and count nothing more.
    host.put(f"{API}/communities/{com['slug']}/subscriptions/settings", json={"tracking": False})
    host_click = re.search(r'href="(http://[^"]+/api/v1/newsletter-click/[^"]+)"', host_html).group(1)
    r = requests.get(host_click, allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"].startswith("https://billets.example/")
    n = host.get(f"{API}/newsletters/{issue['id']}").json()["newsletter"]
    assert n["counts"]["clicked"] == 1 and n["counts"]["tracked"] is True


def test_subscribers_read_the_archive_through_their_emails_link(server_factory, sink):
    srv = server_factory(extra_args=["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                     "--jobs-poll-ms", "100"])
    host, com, [member] = host_with_members(srv, 1)
    slug = com["slug"]
    r = host.post(f"{API}/communities/{slug}/subscribers/import",
                  data="email,name\nzoe@example.org,Zoé Gagnon\n".encode(),
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 200 and r.json()["imported"] == 1, r.text
    issue = new_issue(host, slug, body=BODY)
    assert host.post(f"{API}/newsletters/{issue['id']}/send", json={}).status_code == 202
    mails = dict(sink.wait_for(3))
    html, text = html_of(mails["zoe@example.org"])
    page = re.search(r'href="(http://[^"]+/newsletter/([A-Za-z0-9_.-]+))"', html)
    assert page, html[-1500:]
    assert page.group(1) in text
    # The page is the web app's (its token has a dot); the API gives the issue, no cookie needed.
    r = requests.get(page.group(1), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    base = page.group(1).split("/newsletter/")[0]
    r = requests.get(f"{base}/api/v1/newsletter-archive/{page.group(2)}", timeout=10)
    assert r.status_code == 200, r.text
    n = r.json()["newsletter"]
    assert n["subject"] == issue["subject"] and "billets.example" in n["html"]
    assert n["community"]["name"] == "La Fanfare" and n["sent_at"]
    assert "counts" not in n and "body" not in n
    # A member's email links to the community's archive instead.
    member_html, _ = html_of(mails[member.email])
    assert f"/c/{slug}/newsletters/{issue['id']}" in member_html
    # Altered or forged: 404.
    token = page.group(2)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert_error(requests.get(f"{base}/api/v1/newsletter-archive/{altered}", timeout=10), 404)
    assert_error(requests.get(f"{base}/api/v1/newsletter-archive/YXwx.AAAA", timeout=10), 404)
