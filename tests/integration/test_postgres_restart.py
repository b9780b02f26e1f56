"""PostgreSQL stopped and started again under load (issue 11): requests in between get 503
database_unavailable with nothing half-written, a member who is only reading keeps their stream,
and the nodes recover by themselves once the database is back, without a restart."""
import json
import os
import subprocess
import time

import pytest
import requests

from conftest import SteadyPoster, only_on_postgresql, signup

pytestmark = [
    only_on_postgresql,
    pytest.mark.skipif(not os.environ.get("PETITESALLE_TEST_POSTGRES_CTL"),
                       reason="needs scripts/with-postgres.sh's cluster (PETITESALLE_TEST_POSTGRES_CTL)"),
]

CTL = os.environ.get("PETITESALLE_TEST_POSTGRES_CTL", "")


def _ctl(action):
    subprocess.run([CTL, action], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=90)


def test_the_server_rides_out_a_postgresql_restart_under_load(server_factory):
    srv = server_factory(name="pg-restart")
    owner = signup(srv, display_name="Hôte")
    com = owner.create_community()
    channel_id = owner.create_channel(com["slug"], "général")["id"]
    reader = signup(srv, display_name="Lectrice")
    reader.accept(owner.invite(com["slug"])["code"])

    with reader.ws() as ws:
        ws.wait_for("hello")
        poster = SteadyPoster(owner, channel_id, "r", pause=0.01, timeout=10)
        poster.start()
        acknowledged = poster.acknowledged
        try:
            time.sleep(1.0)
            _ctl("stop")
            try:
                time.sleep(1.0)
                # While it is down: /healthz says so, posts are refused as unavailable…
                r = requests.get(srv.url + "/healthz", timeout=5)
                assert r.status_code == 503, r.text
                assert r.json()["database"] == {"engine": "postgresql", "answers": False}
                # …and the reader's stream, which needs no database, still answers.
                ws.send({"type": "ping"})
                ws.wait_for("pong", timeout=5, what="a pong while PostgreSQL is down")
            finally:
                _ctl("start")
            # Back without a restart of the server.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if requests.get(srv.url + "/healthz", timeout=5).status_code == 200:
                    break
                time.sleep(0.1)
            else:
                pytest.fail("the server did not recover after PostgreSQL came back")
            count_after = len(acknowledged)
            deadline = time.monotonic() + 10
            while len(acknowledged) < count_after + 20 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            poster.finish()
        assert len(acknowledged) >= count_after + 20, "posts go through again"
        # Live again on the same stream: the reader gets a new post.
        last = owner.post_message(channel_id, "après le redémarrage")
        ws.wait_for(lambda e: e.get("type") == "message.created"
                    and e["message"]["id"] == last["id"], timeout=10,
                    what="a live post after the restart")

    assert poster.refused, "some posts met the outage"
    for status, text in poster.refused:
        body = json.loads(text)
        assert status == 503, (status, text)
        assert body["error"]["code"] == "database_unavailable", body
        assert body["error"]["message"], body
    assert not poster.lost and not poster.unexpected, (poster.lost + poster.unexpected)[:5]
    assert srv.alive, "the server kept running"
    # Nothing half-written, nothing doubled: every acknowledged post once, none refused stored.
    stored = [m["id"] for m in owner.all_messages(channel_id)]
    assert len(stored) == len(set(stored))
    assert set(acknowledged) | {last["id"]} == set(stored)
    seqs = [m["seq"] for m in owner.all_messages(channel_id)]
    assert seqs == list(range(1, len(seqs) + 1)), "gapless"
