"""Chat channels and messages: posting, Markdown, limits, threads, edits, reactions, history
paging, unread counts and read markers, the client_id retry."""

import threading

import pytest

from conftest import API, Client, assert_error, emoji_path, uid


# --- channels -------------------------------------------------------------------------------

def test_create_and_list_channels(community):
    r = community.owner.post(f"{API}/communities/{community.slug}/channels",
                             json={"name": "annonces", "kind": "chat"})
    assert r.status_code == 201, r.text
    ch = r.json()["channel"]
    assert isinstance(ch["id"], int)
    assert ch["name"] == "annonces"
    assert ch["kind"] == "chat"
    assert ch["archived"] is False
    assert ch["community_id"] == community.community["id"]
    listed = community.member.channels(community.slug)
    assert {c["id"] for c in listed} >= {ch["id"], community.channel_id}
    for c in listed:
        assert {"last_seq", "last_read_seq", "unread"} <= set(c)


def test_only_hosts_create_channels(community):
    assert_error(community.member.post(f"{API}/communities/{community.slug}/channels",
                                       json={"name": "pirate", "kind": "chat"}), 403, "forbidden")


@pytest.mark.parametrize("field,body", [
    ("name", {"kind": "chat"}),
    ("name", {"name": "", "kind": "chat"}),
    ("name", {"name": "n" * 81, "kind": "chat"}),
    ("kind", {"name": "ok", "kind": "voice"}),
])
def test_channel_invalid_fields(community, field, body):
    assert_error(community.owner.post(f"{API}/communities/{community.slug}/channels", json=body),
                 422, "invalid_field", field=field)


def test_rename_archive_unarchive(community):
    ch = community.owner.create_channel(community.slug, "old-name")
    r = community.owner.patch(f"{API}/channels/{ch['id']}", json={"name": "new-name"})
    assert r.status_code == 200, r.text
    assert r.json()["channel"]["name"] == "new-name"
    assert_error(community.member.patch(f"{API}/channels/{ch['id']}", json={"name": "x"}),
                 403, "forbidden")
    assert_error(community.owner.patch(f"{API}/channels/{ch['id']}", json={"name": ""}),
                 422, "invalid_field", field="name")
    assert_error(community.owner.patch(f"{API}/channels/{ch['id']}", json={"name": "n" * 81}),
                 422, "invalid_field", field="name")

    msg = community.member.post_message(ch["id"], "avant l'archive")
    r = community.owner.patch(f"{API}/channels/{ch['id']}", json={"archived": True})
    assert r.status_code == 200, r.text
    assert r.json()["channel"]["archived"] is True
    listed = community.member.channels(community.slug)
    assert listed[-1]["id"] == ch["id"], "archived channels come last"
    assert_error(community.member.post(f"{API}/channels/{ch['id']}/messages", json={"body": "x"}),
                 409, "channel_archived")
    assert_error(community.member.patch(f"{API}/messages/{msg['id']}", json={"body": "y"}),
                 409, "channel_archived")
    assert_error(community.member.put(f"{API}/messages/{msg['id']}/reactions/{emoji_path('👍')}"),
                 409, "channel_archived")
    # history stays readable
    assert [m["id"] for m in community.member.history(ch["id"])] == [msg["id"]]

    r = community.owner.patch(f"{API}/channels/{ch['id']}", json={"archived": False})
    assert r.status_code == 200 and r.json()["channel"]["archived"] is False
    community.member.post_message(ch["id"], "de retour")


def test_unknown_channel_is_404(community):
    assert_error(community.member.get(f"{API}/channels/999999999/messages"), 404, "not_found")


# --- messages -------------------------------------------------------------------------------

def test_post_a_message(community):
    r = community.member.post(f"{API}/channels/{community.channel_id}/messages",
                              json={"body": "Bonjour **tout le monde**"})
    assert r.status_code == 201, r.text
    m = r.json()["message"]
    assert isinstance(m["id"], int)
    assert isinstance(m["seq"], int) and m["seq"] >= 1
    assert m["channel_id"] == community.channel_id
    assert m["author"]["id"] == community.member.id
    assert m["author"]["display_name"] == community.member.account["display_name"]
    assert m["body"] == "Bonjour **tout le monde**"
    assert "<strong>tout le monde</strong>" in m["html"]
    assert m["created_at"].endswith("Z")
    assert m["parent_id"] is None
    assert m["deleted"] is False
    assert m["edited_at"] is None
    assert m["reactions"] == []


def test_seq_increases_by_one_per_channel(community):
    ch = community.owner.create_channel(community.slug)
    seqs = [community.member.post_message(ch["id"], f"m{i}")["seq"] for i in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    other = community.owner.create_channel(community.slug)
    assert community.owner.post_message(other["id"], "first")["seq"] == 1


def test_markdown_is_rendered_and_made_safe(community):
    post = lambda body: community.member.post_message(community.channel_id, body)["html"]  # noqa
    assert "<strong>gras</strong>" in post("du **gras**")
    html = post("[clique](javascript:alert(1))")
    assert 'href="javascript' not in html.lower(), "a javascript: link is not kept as a link"
    html = post("<script>alert(1)</script>")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    html = post("![img](javascript:alert(1))")
    assert 'src="javascript' not in html.lower()
    html = post("[ok](https://example.com/a)")
    assert 'href="https://example.com/a"' in html
    html = post("<img src=x onerror=alert(1)>")
    assert "<img" not in html.lower()


def _html(community, body):
    return community.member.post_message(community.channel_id, body)["html"]


def test_markdown_strikethrough(community):
    html = _html(community, "~~barré~~")
    assert "<del>barré</del>" in html or "<s>barré</s>" in html, html


def test_markdown_autolinks(community):
    html = _html(community, "voir https://example.com/auto")
    assert 'href="https://example.com/auto"' in html, html


def test_markdown_github_tables(community):
    html = _html(community, "| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html, html


def test_markdown_keeps_mailto_and_relative_links(community):
    html = _html(community, "[mail](mailto:ana@example.com) [rel](/c/x)")
    assert 'href="mailto:ana@example.com"' in html and 'href="/c/x"' in html, html


def test_body_length_limit_in_code_points(community):
    ok = community.member.post_message(community.channel_id, "é" * 4000)
    assert len(ok["body"]) == 4000
    ok = community.member.post_message(community.channel_id, "😀" * 4000)  # 4 bytes, 2 UTF-16 units
    assert len(ok["body"]) == 4000
    # the limit applies after trimming
    ok = community.member.post_message(community.channel_id, "  " + "a" * 4000 + "\n  ")
    assert ok["body"].strip() == "a" * 4000
    assert_error(community.member.post(f"{API}/channels/{community.channel_id}/messages",
                                       json={"body": "a" * 4001}), 422, "invalid_field", field="body")


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   \n "}, {"body": 12}])
def test_body_is_required(community, body):
    assert_error(community.member.post(f"{API}/channels/{community.channel_id}/messages",
                                       json=body), 422, "invalid_field", field="body")


def test_threads(community):
    parent = community.owner.post_message(community.channel_id, "question ?")
    reply = community.member.post_message(community.channel_id, "réponse", parent_id=parent["id"])
    assert reply["parent_id"] == parent["id"]
    r = community.member.get(f"{API}/messages/{parent['id']}/thread")
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["parent"]["id"] == parent["id"]
    assert t["parent"]["reply_count"] == 1
    assert [m["id"] for m in t["replies"]] == [reply["id"]]
    # replies are in the channel history
    hist = community.member.history(community.channel_id, after=parent["seq"] - 1)
    assert reply["id"] in [m["id"] for m in hist]
    # a reply to a reply is refused; so is a parent in another channel
    assert_error(community.member.post(f"{API}/channels/{community.channel_id}/messages",
                                       json={"body": "x", "parent_id": reply["id"]}),
                 422, "invalid_field", field="parent_id")
    other = community.owner.create_channel(community.slug)
    assert_error(community.member.post(f"{API}/channels/{other['id']}/messages",
                                       json={"body": "x", "parent_id": parent["id"]}),
                 422, "invalid_field", field="parent_id")


def test_edit_own_message_only(community):
    m = community.member.post_message(community.channel_id, "tpyo")
    r = community.member.patch(f"{API}/messages/{m['id']}", json={"body": "*typo*"})
    assert r.status_code == 200, r.text
    e = r.json()["message"]
    assert e["id"] == m["id"] and e["seq"] == m["seq"]
    assert e["body"] == "*typo*"
    assert "<em>typo</em>" in e["html"]
    assert e["edited_at"] is not None
    assert_error(community.owner.patch(f"{API}/messages/{m['id']}", json={"body": "hijack"}),
                 403, "forbidden")
    assert_error(community.member.patch(f"{API}/messages/{m['id']}", json={"body": ""}),
                 422, "invalid_field", field="body")


def test_delete_keeps_id_and_seq(community, make_user):
    m = community.member.post_message(community.channel_id, "à effacer")
    r = community.member.delete(f"{API}/messages/{m['id']}")
    assert r.status_code == 204, r.text
    [d] = [x for x in community.member.history(community.channel_id, after=m["seq"] - 1, limit=1)]
    assert d["id"] == m["id"] and d["seq"] == m["seq"]
    assert d["deleted"] is True
    assert d["body"] == "" and d["html"] == ""

    third = community.add_member(make_user)
    m2 = community.member.post_message(community.channel_id, "un autre")
    assert_error(third.delete(f"{API}/messages/{m2['id']}"), 403, "forbidden")
    assert community.owner.delete(f"{API}/messages/{m2['id']}").status_code == 204, \
        "hosts delete anyone's message"


def test_reactions(community):
    m = community.owner.post_message(community.channel_id, "réagissez")
    url = f"{API}/messages/{m['id']}/reactions/{emoji_path('👍')}"
    for _ in range(2):  # idempotent
        r = community.member.put(url)
        assert r.status_code == 200, r.text
    [rx] = r.json()["message"]["reactions"]
    assert rx["emoji"] == "👍" and rx["count"] == 1 and rx["account_ids"] == [community.member.id]
    r = community.owner.put(url)
    assert r.status_code == 200, r.text
    [rx] = r.json()["message"]["reactions"]
    assert rx["emoji"] == "👍" and rx["count"] == 2
    assert sorted(rx["account_ids"]) == sorted([community.owner.id, community.member.id])
    r = community.member.delete(url)
    assert r.status_code == 200, r.text
    [rx] = r.json()["message"]["reactions"]
    assert rx["count"] == 1 and rx["account_ids"] == [community.owner.id]
    r = community.owner.delete(url)
    assert r.status_code == 200 and r.json()["message"]["reactions"] == []


def test_reaction_emoji_validation(community):
    m = community.owner.post_message(community.channel_id, "x")
    r = community.member.put(f"{API}/messages/{m['id']}/reactions/{emoji_path('a b')}")
    assert_error(r, 422, "invalid_field")
    r = community.member.put(f"{API}/messages/{m['id']}/reactions/{emoji_path('x' * 33)}")
    assert_error(r, 422, "invalid_field")


# --- history --------------------------------------------------------------------------------

def test_history_paging(community):
    ch = community.owner.create_channel(community.slug)
    ids = [community.member.post_message(ch["id"], f"n{i}")["id"] for i in range(1, 8)]
    h = community.member.history
    seqs = lambda ms: [m["seq"] for m in ms]  # noqa: E731
    assert seqs(h(ch["id"])) == [1, 2, 3, 4, 5, 6, 7]
    assert [m["id"] for m in h(ch["id"])] == ids
    assert seqs(h(ch["id"], limit=3)) == [5, 6, 7], "no cursor: the latest page, oldest first"
    assert seqs(h(ch["id"], before=5, limit=3)) == [2, 3, 4]
    assert seqs(h(ch["id"], before=3, limit=3)) == [1, 2]
    assert seqs(h(ch["id"], before=1)) == []
    assert seqs(h(ch["id"], after=2, limit=2)) == [3, 4]
    assert seqs(h(ch["id"], after=0, limit=200)) == [1, 2, 3, 4, 5, 6, 7]
    assert seqs(h(ch["id"], after=7)) == []


def test_history_default_limit_is_50(community):
    ch = community.owner.create_channel(community.slug)
    for i in range(55):
        community.owner.post_message(ch["id"], f"m{i}")
    page = community.member.history(ch["id"])
    assert [m["seq"] for m in page] == list(range(6, 56))


@pytest.mark.parametrize("params,field", [
    ({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": "ten"}, "limit"),
    ({"before": "x"}, "before"), ({"after": -1}, "after"),
])
def test_history_invalid_params(community, params, field):
    r = community.member.get(f"{API}/channels/{community.channel_id}/messages", params=params)
    assert_error(r, 422, "invalid_field", field=field)


# --- unread counts and read markers ---------------------------------------------------------

def _channel(client, slug, cid):
    [c] = [c for c in client.channels(slug) if c["id"] == cid]
    return c


def test_unread_counts_and_read_marker(community):
    ch = community.owner.create_channel(community.slug)
    for i in range(3):
        community.owner.post_message(ch["id"], f"u{i}")
    c = _channel(community.member, community.slug, ch["id"])
    assert c["last_seq"] == 3 and c["last_read_seq"] == 0 and c["unread"] == 3

    r = community.member.post(f"{API}/channels/{ch['id']}/read", json={"seq": 2})
    assert r.status_code == 200, r.text
    assert r.json()["channel"]["last_read_seq"] == 2
    assert r.json()["channel"]["unread"] == 1
    c = _channel(community.member, community.slug, ch["id"])
    assert c["last_read_seq"] == 2 and c["unread"] == 1

    # never moves backwards
    r = community.member.post(f"{API}/channels/{ch['id']}/read", json={"seq": 1})
    assert r.status_code == 200, r.text
    assert r.json()["channel"]["last_read_seq"] == 2
    community.owner.post_message(ch["id"], "u3")
    c = _channel(community.member, community.slug, ch["id"])
    assert c["unread"] == 2

    r = community.member.post(f"{API}/channels/{ch['id']}/read", json={"seq": 4})
    assert r.json()["channel"]["unread"] == 0
    assert_error(community.member.post(f"{API}/channels/{ch['id']}/read", json={}),
                 422, "invalid_field", field="seq")


# --- the client_id retry --------------------------------------------------------------------

def test_client_id_retry_returns_the_same_message(community):
    cid = f"c-{uid()}"
    url = f"{API}/channels/{community.channel_id}/messages"
    r1 = community.member.post(url, json={"body": "une fois", "client_id": cid})
    r2 = community.member.post(url, json={"body": "une fois", "client_id": cid})
    assert r1.status_code == 201 and r2.status_code == 201, (r1.text, r2.text)
    m1, m2 = r1.json()["message"], r2.json()["message"]
    assert m1["id"] == m2["id"] and m1["seq"] == m2["seq"]
    assert m1["client_id"] == cid
    hist = community.member.history(community.channel_id, after=m1["seq"] - 1)
    assert [m["id"] for m in hist if m.get("client_id") == cid] == [m1["id"]]
    # another author may use the same client_id: a different message
    m3 = community.owner.post_message(community.channel_id, "moi aussi", client_id=cid)
    assert m3["id"] != m1["id"]


def test_client_id_retry_sent_concurrently(community):
    url = f"{API}/channels/{community.channel_id}/messages"
    for attempt in range(5):
        cid = f"race-{uid()}"
        barrier = threading.Barrier(2)
        results = [None, None]
        # each thread has its own connection: a requests.Session is not thread-safe
        clients = []
        for _ in range(2):
            c = Client(community.member.server)
            c.cookies.set("ps_session", community.member.cookie)
            clients.append(c)

        def send_with(i):
            barrier.wait()
            results[i] = clients[i].post(url, json={"body": "course", "client_id": cid})

        threads = [threading.Thread(target=send_with, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert all(r is not None for r in results)
        assert [r.status_code for r in results] == [201, 201], [r.text for r in results]
        ids = {r.json()["message"]["id"] for r in results}
        assert len(ids) == 1, f"attempt {attempt}: two messages for one client_id: {ids}"
        seq = results[0].json()["message"]["seq"]
        hist = community.member.history(community.channel_id, after=seq - 1)
        assert [m["id"] for m in hist if m.get("client_id") == cid] == list(ids)


def test_client_id_too_long(community):
    assert_error(community.member.post(f"{API}/channels/{community.channel_id}/messages",
                                       json={"body": "x", "client_id": "c" * 65}),
                 422, "invalid_field", field="client_id")


def test_concurrent_identical_reactions_count_once(community):
    m = community.owner.post_message(community.channel_id, "vite")
    url = f"{API}/messages/{m['id']}/reactions/{emoji_path('🔥')}"
    clients = []
    for _ in range(4):
        c = Client(community.member.server)
        c.cookies.set("ps_session", community.member.cookie)
        clients.append(c)
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def react(i):
        barrier.wait()
        results[i] = clients[i].put(url)

    threads = [threading.Thread(target=react, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]
    parent = community.member.get(f"{API}/messages/{m['id']}/thread").json()["parent"]
    assert parent["reactions"] == [{"emoji": "🔥", "count": 1, "account_ids": [community.member.id]}]
