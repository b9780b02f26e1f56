"""What people may write, and what a message may make a reader's browser do (issue 8, items 11,
12 and 16): reactions are emoji only and bounded per member; names refuse control and
direction-changing characters; a remote Markdown image never loads by itself, and the CSP
forbids it anyway."""

import re

import pytest

from conftest import API, Client, assert_error, emoji_path, signup, uid


def _react(client, message_id, emoji):
    return client.put(f"{API}/messages/{message_id}/reactions/{emoji_path(emoji)}")


def _unreact(client, message_id, emoji):
    return client.delete(f"{API}/messages/{message_id}/reactions/{emoji_path(emoji)}")


# --- reactions: emoji only ------------------------------------------------------------------

REAL_EMOJI = [
    "👍",
    "❤️",                      # U+2764 U+FE0F
    "👋🏽",                      # with a skin tone
    "🇨🇦",                      # a flag (two regional indicators)
    "1️⃣",                      # a keycap
    "🏳️‍🌈",                    # a ZWJ sequence
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",                # a tag sequence (Scotland, 28 bytes)
    "👩🏻‍❤️‍💋‍👨🏼",              # the longest kind: 35 bytes
]

NOT_EMOJI = [
    "+1", ":+1:", "a", "x" * 10, "1", "#", "©x", "👍👍", "👍 ", "👍a", "🇨",  # half a flag
    "\u202e", "👍\u202e", "\u200b", "❤\ufe0e",  # text presentation is asked for explicitly
    "\x00", "\x1b[31m", "\U000e0041",  # a lone tag character
]


@pytest.mark.parametrize("emoji", REAL_EMOJI)
def test_real_emoji_are_accepted_as_they_are(community, emoji):
    m = community.owner.post_message(community.channel_id, "réagis")
    r = _react(community.member, m["id"], emoji)
    assert r.status_code == 200, r.text
    assert [x["emoji"] for x in r.json()["message"]["reactions"]] == [emoji]


@pytest.mark.parametrize("emoji", NOT_EMOJI)
def test_anything_but_an_emoji_is_refused(community, emoji):
    m = community.owner.post_message(community.channel_id, "réagis")
    assert_error(_react(community.member, m["id"], emoji), 422, "invalid_field", field="emoji")
    assert community.member.history(community.channel_id, limit=1)[0]["reactions"] == []


def test_an_unqualified_emoji_is_stored_fully_qualified(community):
    # "❤" typed from an older keyboard is U+2764 alone; its RGI form adds U+FE0F.
    m = community.owner.post_message(community.channel_id, "réagis")
    r = _react(community.member, m["id"], "\u2764")
    assert r.status_code == 200, r.text
    assert [x["emoji"] for x in r.json()["message"]["reactions"]] == ["\u2764\ufe0f"]
    # Both spellings are the same reaction: adding the other one counts once, removing either
    # removes it.
    r = _react(community.member, m["id"], "\u2764\ufe0f")
    assert r.json()["message"]["reactions"] == [
        {"emoji": "\u2764\ufe0f", "count": 1, "account_ids": [community.member.id]}]
    r = _unreact(community.member, m["id"], "\u2764")
    assert r.status_code == 200 and r.json()["message"]["reactions"] == [], r.text
    # A ZWJ sequence missing its U+FE0F (the white flag of 🏳️‍🌈) is qualified too.
    r = _react(community.member, m["id"], "\U0001f3f3\u200d\U0001f308")
    assert r.status_code == 200, r.text
    assert [x["emoji"] for x in r.json()["message"]["reactions"]] == ["🏳️‍🌈"]


# Twenty-one distinct emoji, each one code point with Emoji_Presentation.
MANY = ["😀", "😁", "😂", "😃", "😄", "😅", "😆", "😇", "😈", "😉", "😊", "😋", "😌", "😍",
        "😎", "😏", "😐", "😑", "😒", "😓", "😔"]


def test_a_member_puts_at_most_20_distinct_reactions_on_one_message(community, make_user):
    m = community.owner.post_message(community.channel_id, "la fête")
    for emoji in MANY[:20]:
        r = _react(community.member, m["id"], emoji)
        assert r.status_code == 200, r.text
    # The 21st is refused, in the member's language, and changes nothing.
    err = assert_error(_react(community.member, m["id"], MANY[20]), 409, "limit_reached")
    assert "20" in err["message"] and "reaction" in err["message"].lower(), err
    page = community.member.history(community.channel_id, limit=1)[0]
    assert [x["emoji"] for x in page["reactions"]] == MANY[:20]
    french = community.add_member(make_user, locale="fr")
    for emoji in MANY[:20]:
        assert _react(french, m["id"], emoji).status_code == 200
    err = assert_error(_react(french, m["id"], MANY[20]), 409, "limit_reached")
    assert "20" in err["message"] and "réaction" in err["message"].lower(), err
    # Adding one already there stays idempotent; another member is not limited by this one;
    # taking one back makes room.
    r = _react(community.member, m["id"], MANY[0])
    assert r.status_code == 200, r.text
    assert _react(community.owner, m["id"], MANY[20]).status_code == 200
    assert _unreact(community.member, m["id"], MANY[0]).status_code == 200
    assert _react(community.member, m["id"], MANY[20]).status_code == 200
    assert_error(_react(community.member, m["id"], MANY[0]), 409, "limit_reached")


def test_500_reactions_from_one_member_do_not_bloat_the_page(community):
    # The attack of the issue: one member adds hundreds of distinct "reactions" to a message.
    m = community.owner.post_message(community.channel_id, "cible")
    accepted = 0
    for i in range(60):
        if _react(community.member, m["id"], f"r{i}").status_code == 200:
            accepted += 1
        if _react(community.member, m["id"], chr(0x1F300 + i)).status_code == 200:
            accepted += 1
    assert accepted <= 20
    [page] = community.member.history(community.channel_id, limit=1)
    assert len(page["reactions"]) <= 20


# --- names: no control or direction-changing characters -------------------------------------

# Characters no name may hold, and the word the refusal's English message uses for their kind.
NAME_ATTACKS = [
    ("\x00", "control"), ("\x1b", "control"), ("\x7f", "control"), ("\u0085", "line"),
    ("\x9b", "control"), ("\n", "line"), ("\t", "control"), ("\u2028", "line"),
    ("\u202e", "direction"), ("\u202a", "direction"), ("\u2066", "direction"),
    ("\u2069", "direction"), ("\u200e", "direction"), ("\u200f", "direction"),
    ("\u061c", "direction"), ("\u200b", "invisible"), ("\ufeff", "invisible"),
]
# Characters a long text (a message, a description, a note) may not hold.
TEXT_ATTACKS = [("\x00", "control"), ("\x1b", "control"), ("\u202e", "direction"),
                ("\u202d", "direction")]


def _name(bad):
    return f"Ana{bad}gpj.exe"


def _check_refusal(r, field, kind):
    err = assert_error(r, 422, "invalid_field", field=field)
    assert kind in err["message"].lower(), err
    assert re.search(r"U\+[0-9A-F]{4}", err["message"]), err


@pytest.mark.parametrize("bad,kind", NAME_ATTACKS)
def test_display_name_refuses_controls_and_bidi(server, bad, kind):
    c = Client(server)
    r = c.post(f"{API}/accounts", json={"email": f"n-{uid()}@example.com",
                                        "password": "correct horse battery",
                                        "display_name": _name(bad)})
    _check_refusal(r, "display_name", kind)
    user = signup(server)
    _check_refusal(user.patch(f"{API}/me", json={"display_name": _name(bad)}), "display_name", kind)
    assert user.get(f"{API}/me").json()["account"]["display_name"] == user.account["display_name"]


@pytest.mark.parametrize("bad,kind", NAME_ATTACKS)
def test_community_channel_and_token_names_refuse_controls_and_bidi(community, bad, kind):
    owner = community.owner
    _check_refusal(owner.post(f"{API}/communities", json={"name": _name(bad), "slug": f"c-{uid()}"}),
                   "name", kind)
    _check_refusal(owner.patch(f"{API}/communities/{community.slug}", json={"name": _name(bad)}),
                   "name", kind)
    _check_refusal(owner.post(f"{API}/communities/{community.slug}/channels",
                              json={"name": _name(bad), "kind": "chat"}), "name", kind)
    _check_refusal(owner.patch(f"{API}/channels/{community.channel_id}", json={"name": _name(bad)}),
                   "name", kind)
    _check_refusal(owner.post(f"{API}/tokens", json={"name": _name(bad)}), "name", kind)


@pytest.mark.parametrize("bad,kind", TEXT_ATTACKS)
def test_long_texts_refuse_nul_and_bidi_overrides(community, bad, kind):
    owner = community.owner
    text = f"Bonjour{bad} tout le monde"
    _check_refusal(owner.post(f"{API}/communities",
                              json={"name": "Ok", "slug": f"c-{uid()}", "description": text}),
                   "description", kind)
    _check_refusal(owner.patch(f"{API}/communities/{community.slug}", json={"description": text}),
                   "description", kind)
    _check_refusal(owner.post(f"{API}/communities/{community.slug}/invitations", json={"note": text}),
                   "note", kind)
    _check_refusal(owner.post(f"{API}/channels/{community.channel_id}/messages", json={"body": text}),
                   "body", kind)
    m = owner.post_message(community.channel_id, "avant")
    _check_refusal(owner.patch(f"{API}/messages/{m['id']}", json={"body": text}), "body", kind)


def test_ordinary_names_and_texts_still_pass(community):
    owner = community.owner
    # Accents, other scripts, emoji with ZWJ, Arabic with its own marks-free text.
    for name in ("Béatrice Côté-Lévesque", "Ана", "محمد", "李小龍", "Ana 👩🏽‍💻", "O’Brien"):
        r = owner.patch(f"{API}/me", json={"display_name": name})
        assert r.status_code == 200 and r.json()["account"]["display_name"] == name, r.text
    # Long texts keep line breaks and tabs, and the isolates and marks that mixed
    # right-to-left text needs.
    body = "Ligne 1\nLigne 2\n\tcode\r\nfin \u2067مرحبا\u2069 \u200f!"
    m = owner.post_message(community.channel_id, body)
    assert m["body"] == body
    r = owner.patch(f"{API}/communities/{community.slug}", json={"description": "a\nb\tc"})
    assert r.status_code == 200, r.text


# --- remote images are links, and the CSP forbids them ------------------------------------

@pytest.mark.parametrize("src", [
    "https://tracker.example/a.png",
    "http://tracker.example/a.png",
    "HTTPS://tracker.example/a.png",
    "//tracker.example/a.png",
    "/\\tracker.example/a.png",
    " https://tracker.example/a.png",
])
def test_a_remote_markdown_image_never_loads_by_itself(community, src):
    member, owner = community.member, community.owner
    with member.ws() as ws:
        ws.wait_for("hello")
        m = owner.post_message(community.channel_id, f"regarde ![x]({src} \"titre\") ici")
        ev = ws.wait_for(lambda e: e.get("type") == "message.created"
                         and e["message"]["id"] == m["id"], what="message.created")
    for html in (m["html"], ev["message"]["html"],
                 member.history(community.channel_id, limit=1)[0]["html"]):
        assert "<img" not in html, html
        # It is a link the reader may choose to follow, that tells the target nothing.
        a = re.search(r"<a [^>]*class=\"remote-image\"[^>]*>x</a>", html)
        assert a, html
        assert 'rel="noopener noreferrer nofollow"' in a.group(0), html
        assert 'target="_blank"' in a.group(0), html
        assert "tracker.example/a.png" in a.group(0), html
    # Editing to a remote image is the same.
    r = owner.patch(f"{API}/messages/{m['id']}", json={"body": f"![y]({src})"})
    assert r.status_code == 200 and "<img" not in r.json()["message"]["html"], r.text


def test_a_relative_image_stays_an_image(community):
    m = community.owner.post_message(community.channel_id, "![logo](/favicon.svg)")
    assert '<img src="/favicon.svg" alt="logo">' in m["html"], m["html"]


def _img_src(csp):
    directives = {d.strip().split(" ")[0]: d.strip().split(" ")[1:]
                  for d in csp.split(";") if d.strip()}
    return directives.get("img-src", directives.get("default-src"))


def test_every_response_csp_keeps_images_to_this_server(community):
    anon = Client(community.owner.server)
    responses = [
        community.owner.get(f"{API}/me"),
        community.owner.get(f"{API}/channels/{community.channel_id}/messages"),
        anon.get(f"{API}/me"),                         # 401
        anon.get(f"{API}/no-such-thing"),              # 404
        anon.post(f"{API}/accounts", json={}),         # 422
        anon.get("/healthz"),
        anon.get("/"),
        anon.get("/c/some-community"),
        anon.get("/no/such/asset.png"),
        anon.get(f"{API}/openapi.json"),
    ]
    for r in responses:
        csp = r.headers.get("Content-Security-Policy", "")
        src = _img_src(csp)
        assert src is not None, f"{r.url}: no img-src in {csp!r}"
        assert "https:" not in src and "http:" not in src and "*" not in " ".join(src), \
            f"{r.url}: img-src {src}"
        assert "'self'" in src, csp
