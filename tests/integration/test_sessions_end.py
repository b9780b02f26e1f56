"""Sessions that end: logging out, changing the password and revoking a token close the live
streams opened with them at once (close code 4401), not only their next HTTP request."""

import websocket

from conftest import API, PASSWORD, WS, Client, ws_status_of_refused

SESSION_ENDED = 4401


def close_code_of(ws, timeout=5.0):
    """Reads until the server closes the stream; returns its close code (None if it stays open).
    Frames sent before the close are skipped, and recorded in ws.seen like any other."""
    ws.conn.settimeout(timeout)
    try:
        while True:
            opcode, data = ws.conn.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
    except websocket.WebSocketTimeoutException:
        return None
    except websocket.WebSocketConnectionClosedException:
        return 1006  # dropped without a close frame


def second_session(user):
    other = Client(user.server)
    r = other.post(f"{API}/sessions", json={"email": user.email, "password": user.password})
    assert r.status_code == 200, r.text
    return other


def test_log_out_closes_the_stream_of_that_session_only(community):
    member = community.member
    laptop = second_session(member)
    with member.ws() as phone_ws, laptop.ws() as laptop_ws:
        phone_ws.wait_for("hello")
        laptop_ws.wait_for("hello")
        assert member.delete(f"{API}/sessions/current").status_code == 204
        assert close_code_of(phone_ws) == SESSION_ENDED
        # the other session's stream still gets events
        posted = community.owner.post_message(community.channel_id, "toujours là")
        ev = laptop_ws.wait_for("message.created")
        assert ev["message"]["id"] == posted["id"]
    # and the ended cookie cannot open a new one
    assert ws_status_of_refused(member.server, cookie=member.cookie) == 401


def test_an_ended_stream_receives_nothing_more(community):
    member = community.member
    with member.ws() as ws:
        ws.wait_for("hello")
        member.delete(f"{API}/sessions/current")
        community.owner.post_message(community.channel_id, "après la fin")
        assert close_code_of(ws) == SESSION_ENDED
        assert not [e for e in ws.seen if e.get("type") == "message.created"]


def test_password_change_closes_other_sessions_and_tokens_but_not_its_own(community):
    member = community.member
    laptop = second_session(member)
    token = member.new_token()
    with member.ws() as own, laptop.ws() as other, \
            WS.connect(member.server, token=token, suppress_origin=True) as script:
        for ws in (own, other, script):
            ws.wait_for("hello")
        r = member.put(f"{API}/me/password",
                       json={"current_password": PASSWORD, "new_password": "another long secret"})
        assert r.status_code in (200, 204), r.text
        assert close_code_of(other) == SESSION_ENDED
        assert close_code_of(script) == SESSION_ENDED
        posted = community.owner.post_message(community.channel_id, "après le changement")
        ev = own.wait_for("message.created")
        assert ev["message"]["id"] == posted["id"]


def test_revoking_a_token_closes_its_stream(community):
    member = community.member
    kept = member.new_token("kept")
    r = member.post(f"{API}/tokens", json={"name": "to revoke"})
    assert r.status_code == 201, r.text
    revoked, revoked_id = r.json()["token"], r.json()["personal_token"]["id"]
    with WS.connect(member.server, token=kept, suppress_origin=True) as kept_ws, \
            WS.connect(member.server, token=revoked, suppress_origin=True) as revoked_ws:
        kept_ws.wait_for("hello")
        revoked_ws.wait_for("hello")
        assert member.delete(f"{API}/tokens/{revoked_id}").status_code == 204
        assert close_code_of(revoked_ws) == SESSION_ENDED
        assert close_code_of(kept_ws, timeout=0.5) is None
    assert ws_status_of_refused(member.server, token=revoked, suppress_origin=True) == 401
