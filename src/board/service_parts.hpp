#pragma once
// What board/service.cpp and board/changes.cpp share: the checks of a text, finding a post or
// comment the caller may see, and the way a change is logged and published. Internal to board/.
#include <string>

#include "access/policy.hpp"
#include "app/app.hpp"
#include "board/model.hpp"
#include "core/checked_text.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::board {

using ps::checked_text;  // core/checked_text.hpp

// A post's or comment's body (checked_text), which may be empty when files go with it.
result<std::string> body_beside(const std::string& raw, const std::vector<std::int64_t>& file_ids,
                                std::size_t most);

// A title: as a text, on one line (no line breaks, as names).
result<std::string> checked_title(const std::string& raw);

// The board, if the caller may see it and it is one.
result<access::channel_ref> board_for(db::session& s, const caller& who, std::int64_t channel_id);

struct post_in_board {
  post p;
  access::channel_ref where;
};
// The post (not removed), if the caller may see its board; otherwise 404 as for no post at all.
result<post_in_board> post_for(db::session& s, const caller& who, std::int64_t post_id);

struct comment_in_board {
  comment c;
  post p;
  access::channel_ref where;
};
// The comment, if the caller may see its post; otherwise 404 as for no comment at all.
result<comment_in_board> comment_for(db::session& s, const caller& who, std::int64_t comment_id);

// The post with the reader's own fields (visited, new_comments), as their list would say.
post as_seen_by(db::session& s, post p, std::int64_t reader);

// Logs the change in the writing transaction; its frame goes, after the commit, to whoever may
// see the board.
void record_post(app& app, db::transaction& tx, const chat::channel& room, const char* type,
                 const post& p, millis now);
void record_comment(app& app, db::transaction& tx, const chat::channel& room, const char* type,
                    const comment& c, const post& p, millis now);

}  // namespace ps::board
