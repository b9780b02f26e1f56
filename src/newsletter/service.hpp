#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "newsletter/model.hpp"

// The newsletter's issues, for the hosts who write them and the members who read the archive
// (docs/subsystems/newsletter.md). Sending is scheduled work (newsletter/sending.hpp).
namespace ps::newsletter {

inline constexpr std::size_t max_subject = 200;
inline constexpr std::size_t max_preview_text = 300;
inline constexpr std::size_t max_body = 100'000;
inline constexpr std::size_t max_comment = 4'000;
inline constexpr int listed_issues = 200;
inline constexpr int listed_comments = 500;

struct draft_input {
  std::optional<std::string> subject, body, preview_text;
};

struct audience_input {
  std::optional<bool> members, subscribers;
};

// An issue as one caller may see it: with its report and rendered body.
struct shown {
  issue it;
  std::string html;
  std::optional<delivery_report> report;  // hosts only
};

result<shown> create_issue(app& app, const caller& who, const std::string& slug,
                           const draft_input& in);
result<shown> update_issue(app& app, const caller& who, std::int64_t id, const draft_input& in);
outcome delete_issue(app& app, const caller& who, std::int64_t id);
// `at`: ISO 8601 with an offset, or a local time in the community's zone; none: now.
result<shown> send_issue(app& app, const caller& who, std::int64_t id,
                         const std::optional<std::string>& at, const audience_input& audience);
result<shown> unschedule_issue(app& app, const caller& who, std::int64_t id);
// The issue, as a member would get it, to the host's own address.
outcome send_test(app& app, const caller& who, std::int64_t id);

struct preview {
  std::string subject, email_html, email_text, page_html;
};
result<preview> preview_issue(app& app, const caller& who, const std::string& slug,
                              const draft_input& in);

result<std::vector<shown>> list_issues(app& app, const caller& who, const std::string& slug);
result<shown> get_issue(app& app, const caller& who, std::int64_t id);

result<std::vector<comment>> list_comments(app& app, const caller& who, std::int64_t id);
result<comment> add_comment(app& app, const caller& who, std::int64_t id, const std::string& body);

result<settings> get_settings(app& app, const caller& who, const std::string& slug);
struct settings_input {
  std::optional<bool> public_form, tracking;
  std::optional<std::string> sender_name, postal_address;
};
result<settings> put_settings(app& app, const caller& who, const std::string& slug,
                              const settings_input& in);

}  // namespace ps::newsletter
