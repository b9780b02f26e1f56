#pragma once
// How a post is written: alone (post_message, a reply), or together with the posts queued
// beside it (post_message_then, the hot path): docs/subsystems/database.md, "Writes run
// together". Internal to chat/.
#include <memory>
#include <optional>
#include <string>

#include "app/app.hpp"
#include "chat/model.hpp"
#include "chat/service.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "mentions/markup.hpp"

namespace ps::chat::posting {

// A post checked and rendered before it reaches the writer, so that the writer is held only
// for the statements. Holds its outcome once written (`out`).
class pending_post final : public db::batched_write {
 public:
  pending_post(ps::app& a, caller who, std::int64_t channel_id, new_message input, std::string body,
               std::string html, millis now)
      : server(a),
        who(std::move(who)),
        channel_id(channel_id),
        input(std::move(input)),
        body(std::move(body)),
        html(std::move(html)),
        now(now),
        mentions_someone(mentions::mentions_in(this->html).any()) {}

  // The post by itself: one access query, then the sequence number, the row, the author's
  // read marker and the event.
  result<message> write_alone(db::transaction& tx);
  bool run_alone(db::transaction& tx) override {
    out.emplace(write_alone(tx));
    return out->ok();
  }

  ps::app& server;
  const caller who;
  const std::int64_t channel_id;
  const new_message input;
  const std::string body, html;
  const millis now;
  // Written alone (never with the group): its mentions are checked and recorded there.
  const bool mentions_someone;
  std::optional<result<message>> out;
};

// Checks and renders; refuses what no write could accept.
result<std::shared_ptr<pending_post>> prepare(app& app, const caller& who, std::int64_t channel_id,
                                              const new_message& input);

// Writes posts without a parent together (chat/posting.cpp).
const db::write_batcher& batcher();

}  // namespace ps::chat::posting
