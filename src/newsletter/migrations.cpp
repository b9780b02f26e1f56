#include "newsletter/migrations.hpp"

namespace ps::newsletter {
namespace {

// Issues; each community's settings; subscribers (people without an account, with their
// consent: when, how, from what, express or implied and when an implied one lapses); members who
// said no to the newsletter; one row per address an issue went to, so that a send resumed after
// a crash writes no email twice; who unsubscribed through which issue; comments on issues.
constexpr std::string_view newsletter_schema = R"sql(
CREATE TABLE newsletters (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  author_id BIGINT NOT NULL REFERENCES accounts(id),
  subject TEXT NOT NULL,
  preview_text TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  to_members INTEGER NOT NULL DEFAULT 1,
  to_subscribers INTEGER NOT NULL DEFAULT 1,
  scheduled_at BIGINT,
  started_at BIGINT,
  sent_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX newsletters_community ON newsletters(community_id, id);

CREATE TABLE newsletter_settings (
  community_id BIGINT PRIMARY KEY REFERENCES communities(id),
  public_form INTEGER NOT NULL DEFAULT 0,
  sender_name TEXT NOT NULL DEFAULT '',
  postal_address TEXT NOT NULL DEFAULT '',
  tracking INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE subscribers (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT 'fr',
  status TEXT NOT NULL,
  consent_kind TEXT NOT NULL,
  consent_at BIGINT NOT NULL,
  consent_source TEXT NOT NULL,
  consent_method TEXT NOT NULL,
  consent_lapses_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (community_id, email)
);
CREATE INDEX subscribers_status ON subscribers(community_id, status, id);

CREATE TABLE newsletter_optouts (
  community_id BIGINT NOT NULL REFERENCES communities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  at BIGINT NOT NULL,
  PRIMARY KEY (community_id, account_id)
);

CREATE TABLE newsletter_deliveries (
  newsletter_id BIGINT NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  PRIMARY KEY (newsletter_id, email)
);

CREATE TABLE newsletter_unsubscribes (
  newsletter_id BIGINT NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (newsletter_id, email)
);

CREATE TABLE newsletter_comments (
  id {{id}},
  newsletter_id BIGINT NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  author_id BIGINT NOT NULL REFERENCES accounts(id),
  body TEXT NOT NULL,
  html TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX newsletter_comments_issue ON newsletter_comments(newsletter_id, id);
)sql";

// Open and click tracking, when the host turns it on: who (a tag, never an address) opened an
// issue and which links they followed, each counted once.
constexpr std::string_view tracking_schema = R"sql(
CREATE TABLE newsletter_opens (
  newsletter_id BIGINT NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  recipient_tag TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (newsletter_id, recipient_tag)
);

CREATE TABLE newsletter_clicks (
  newsletter_id BIGINT NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  recipient_tag TEXT NOT NULL,
  url TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (newsletter_id, recipient_tag, url)
);
)sql";

constexpr db::migration steps[] = {
    {20, "newsletter: issues, subscribers and their consent, deliveries, comments",
     newsletter_schema},
    {22, "newsletter: opens and clicks, when the host tracks them", tracking_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::newsletter
