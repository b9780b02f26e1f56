#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "newsletter/model.hpp"

// The SQL of the newsletter's tables, and nothing else.
namespace ps::newsletter::store {

std::int64_t insert_issue(db::transaction& tx, const issue& i);
void update_issue(db::transaction& tx, const issue& i);
void delete_issue(db::transaction& tx, std::int64_t id);
std::optional<issue> issue_by_id(db::session& s, std::int64_t id);
// Newest first; `sent_for_members_only`: the archive members see.
std::vector<issue> issues_of(db::session& s, std::int64_t community_id, bool sent_for_members_only,
                             int limit);

settings settings_of(db::session& s, std::int64_t community_id);
void save_settings(db::transaction& tx, std::int64_t community_id, const settings& s);

// Someone an issue goes to: a member or a subscriber, keyed by address.
struct recipient {
  std::string email;
  std::string name;
  std::string locale;
  std::optional<std::int64_t> account_id;     // a member
  std::optional<std::int64_t> subscriber_id;  // a subscriber
};
// Current members who did not say no, by account id after `after_id`, at most `limit`.
std::vector<recipient> members_to_send(db::session& s, std::int64_t community_id,
                                       std::int64_t after_id, int limit);
// Confirmed subscribers whose consent has not lapsed at `now`, by id after `after_id`.
std::vector<recipient> subscribers_to_send(db::session& s, std::int64_t community_id,
                                           std::int64_t after_id, millis now, int limit);
// Marks `email` as sent to for the issue; false when it was already (a resumed send).
bool claim_delivery(db::transaction& tx, std::int64_t newsletter_id, const std::string& email);
std::int64_t unsubscribed_count(db::session& s, std::int64_t newsletter_id);
void record_unsubscribe(db::transaction& tx, std::int64_t newsletter_id, const std::string& email,
                        millis at);

void opt_out_member(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                    millis at);
void opt_in_member(db::transaction& tx, std::int64_t community_id, std::int64_t account_id);
bool member_opted_out(db::session& s, std::int64_t community_id, std::int64_t account_id);

std::optional<subscriber> subscriber_by_id(db::session& s, std::int64_t id);
std::optional<subscriber> subscriber_by_email(db::session& s, std::int64_t community_id,
                                              const std::string& email);
std::int64_t insert_subscriber(db::transaction& tx, const subscriber& sub);
void update_subscriber(db::transaction& tx, const subscriber& sub);
void delete_subscriber(db::transaction& tx, std::int64_t id);
// Newest first, before id `before` (0: from the newest); `status` empty: all.
std::vector<subscriber> subscribers_of(db::session& s, std::int64_t community_id,
                                       const std::string& status, std::int64_t before, int limit);
std::int64_t confirmed_count(db::session& s, std::int64_t community_id, millis now);

std::int64_t insert_comment(db::transaction& tx, const comment& c);
std::optional<comment> comment_by_id(db::session& s, std::int64_t id);
std::vector<comment> comments_of(db::session& s, std::int64_t newsletter_id, int limit);
std::int64_t comment_count(db::session& s, std::int64_t newsletter_id);

// The account's address, name and language (the test email, a member's unsubscribe page).
std::optional<recipient> account_recipient(db::session& s, std::int64_t account_id);

}  // namespace ps::newsletter::store
