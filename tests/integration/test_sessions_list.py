"""Active sessions: a member sees their sessions (the device said from the User-Agent sent at
log-in, the last use) and ends any of them, or all others; an ended session's cookie gets 401
and its open stream closes with 4401 at once."""

import time

from conftest import API, PASSWORD, WS, Client, assert_error, unique_email
from test_sessions_end import SESSION_ENDED, close_code_of

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.6478.122 Mobile Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def device_client(server, user_agent):
    c = Client(server)
    c.headers["User-Agent"] = user_agent
    return c


def sign_up_from(server, user_agent):
    """A new account whose first session is opened from `user_agent`."""
    c = device_client(server, user_agent)
    c.email, c.password = unique_email("sessions"), PASSWORD
    r = c.post(f"{API}/accounts", json={"email": c.email, "password": PASSWORD,
                                        "display_name": "Ana", "locale": "en"})
    assert r.status_code == 201, r.text
    c.account = r.json()["account"]
    return c


def log_in_from(user, user_agent):
    """Another session of `user`'s account, opened from `user_agent`."""
    c = device_client(user.server, user_agent)
    r = c.post(f"{API}/sessions", json={"email": user.email, "password": user.password})
    assert r.status_code == 200, r.text
    c.account, c.email, c.password = r.json()["account"], user.email, user.password
    return c


def sessions_of(client):
    r = client.get(f"{API}/sessions")
    assert r.status_code == 200, r.text
    return r.json()["sessions"]


def own_session_id(client):
    [own] = [s for s in sessions_of(client) if s["current"]]
    return own["id"]


def wait_until(check, timeout=5.0):
    """Last uses are written off the request's path: poll until `check()` holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_the_list_shows_the_device_of_each_log_in_marks_this_one_and_orders_by_last_use(server):
    laptop = sign_up_from(server, FIREFOX_LINUX)
    phone = log_in_from(laptop, CHROME_ANDROID)
    tablet = log_in_from(laptop, SAFARI_IPHONE)
    # Asked from the laptop: asking from the phone or the tablet would be a use of them.
    ids = {s["device"]: s["id"] for s in sessions_of(laptop)}
    phone_id, tablet_id = ids["Chrome on Android"], ids["Safari on iPhone"]
    # The phone is used after the tablet opened: it must come before the tablet.
    time.sleep(0.01)
    assert phone.get(f"{API}/me").status_code == 200

    def phone_used_last():
        listed = sessions_of(laptop)
        return listed if [s["id"] for s in listed][1:] == [phone_id, tablet_id] else None

    listed = wait_until(phone_used_last)
    assert listed, f"not ordered by last use: {sessions_of(laptop)}"
    assert [s["device"] for s in listed] == ["Firefox on Linux", "Chrome on Android", "Safari on iPhone"]
    assert [s["user_agent"] for s in listed] == [FIREFOX_LINUX, CHROME_ANDROID, SAFARI_IPHONE]
    assert [s["current"] for s in listed] == [True, False, False]
    for s in listed:
        assert isinstance(s["id"], int) and s["created_at"].endswith("Z")
    assert listed[0]["last_used_at"].endswith("Z")  # this request
    assert listed[1]["last_used_at"] > listed[2]["created_at"]
    # Seen from the tablet, the tablet is the current one, listed first.
    from_tablet = sessions_of(tablet)
    assert from_tablet[0]["id"] == tablet_id and from_tablet[0]["current"]
    assert [s["current"] for s in from_tablet[1:]] == [False, False]


def test_a_long_user_agent_is_cut_to_256_bytes(server):
    agent = FIREFOX_LINUX + " " + "x" * 2000
    laptop = sign_up_from(server, agent)
    [own] = sessions_of(laptop)
    assert own["user_agent"] == agent[:256]
    assert own["device"] == "Firefox on Linux"


def test_ending_another_session_makes_its_cookie_401_and_closes_its_stream(server):
    laptop = sign_up_from(server, FIREFOX_LINUX)
    phone = log_in_from(laptop, CHROME_ANDROID)
    phone_id = own_session_id(phone)
    with laptop.ws() as laptop_ws, phone.ws() as phone_ws:
        laptop_ws.wait_for("hello")
        phone_ws.wait_for("hello")
        r = laptop.delete(f"{API}/sessions/{phone_id}")
        assert r.status_code == 204, r.text
        assert "Set-Cookie" not in r.headers  # the laptop keeps its own cookie
        assert close_code_of(phone_ws) == SESSION_ENDED
        assert close_code_of(laptop_ws, timeout=0.5) is None
    assert_error(phone.get(f"{API}/me"), 401, "unauthenticated")
    assert laptop.get(f"{API}/me").status_code == 200
    assert [s["device"] for s in sessions_of(laptop)] == ["Firefox on Linux"]
    # Ended already: now as unknown as any other id.
    assert_error(laptop.delete(f"{API}/sessions/{phone_id}"), 404, "not_found")


def test_ending_ones_own_session_by_id_is_logging_out(server):
    laptop = sign_up_from(server, FIREFOX_LINUX)
    r = laptop.delete(f"{API}/sessions/{own_session_id(laptop)}")
    assert r.status_code == 204, r.text
    assert "Max-Age=0" in r.headers.get("Set-Cookie", "")
    assert_error(laptop.get(f"{API}/me"), 401, "unauthenticated")


def test_another_accounts_session_is_404_like_an_unknown_id_and_nothing_ends(server):
    ana = sign_up_from(server, FIREFOX_LINUX)
    bob = sign_up_from(server, SAFARI_IPHONE)
    bob_id = own_session_id(bob)
    with bob.ws() as bob_ws:
        bob_ws.wait_for("hello")
        theirs = ana.delete(f"{API}/sessions/{bob_id}")
        unknown = ana.delete(f"{API}/sessions/{bob_id + 100000}")
        assert_error(theirs, 404, "not_found")
        assert_error(unknown, 404, "not_found")
        assert theirs.json() == unknown.json()
        assert close_code_of(bob_ws, timeout=0.5) is None
    assert bob.get(f"{API}/me").status_code == 200
    assert [s["id"] for s in sessions_of(bob)] == [bob_id]
    assert bob_id not in [s["id"] for s in sessions_of(ana)]
    assert_error(ana.delete(f"{API}/sessions/abc"), 404, "not_found")


def test_end_others_leaves_this_session_and_personal_tokens_working(server):
    laptop = sign_up_from(server, FIREFOX_LINUX)
    phone = log_in_from(laptop, CHROME_ANDROID)
    tablet = log_in_from(laptop, SAFARI_IPHONE)
    token = laptop.new_token("script")
    script = Client(server, token=token)
    with phone.ws() as phone_ws, laptop.ws() as laptop_ws, \
            WS.connect(server, token=token, suppress_origin=True) as script_ws:
        for ws in (phone_ws, laptop_ws, script_ws):
            ws.wait_for("hello")
        r = laptop.post(f"{API}/sessions/end-others")
        assert r.status_code == 200, r.text
        assert r.json() == {"ended": 2}
        assert close_code_of(phone_ws) == SESSION_ENDED
        assert close_code_of(laptop_ws, timeout=0.5) is None
        assert close_code_of(script_ws, timeout=0.5) is None
    for ended in (phone, tablet):
        assert_error(ended.get(f"{API}/me"), 401, "unauthenticated")
    assert laptop.get(f"{API}/me").status_code == 200
    assert script.get(f"{API}/me").status_code == 200
    assert [s["current"] for s in sessions_of(laptop)] == [True]
    assert laptop.post(f"{API}/sessions/end-others").json() == {"ended": 0}


def test_a_token_caller_lists_and_ends_sessions_and_keeps_its_token(server):
    laptop = sign_up_from(server, FIREFOX_LINUX)
    phone = log_in_from(laptop, CHROME_ANDROID)
    script = Client(server, token=laptop.new_token("script"))
    listed = sessions_of(script)
    assert sorted(s["device"] for s in listed) == ["Chrome on Android", "Firefox on Linux"]
    assert not any(s["current"] for s in listed)
    phone_id = [s["id"] for s in listed if s["device"] == "Chrome on Android"][0]
    r = script.delete(f"{API}/sessions/{phone_id}")
    assert r.status_code == 204, r.text
    assert "Set-Cookie" not in r.headers
    assert_error(phone.get(f"{API}/me"), 401, "unauthenticated")
    # A token is no session: "others" are all of them, and the token stays.
    assert script.post(f"{API}/sessions/end-others").json() == {"ended": 1}
    assert_error(laptop.get(f"{API}/me"), 401, "unauthenticated")
    assert script.get(f"{API}/me").status_code == 200
    assert sessions_of(script) == []


def test_the_sessions_routes_need_a_caller(server):
    anonymous = Client(server)
    assert_error(anonymous.get(f"{API}/sessions"), 401, "unauthenticated")
    assert_error(anonymous.delete(f"{API}/sessions/1"), 401, "unauthenticated")
    assert_error(anonymous.post(f"{API}/sessions/end-others"), 401, "unauthenticated")
