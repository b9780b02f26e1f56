#include "app/capabilities.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <string>

#include "accounts/errors.hpp"
#include "accounts/migrations.hpp"
#include "board/errors.hpp"
#include "board/events.hpp"
#include "board/migrations.hpp"
#include "broadcast/errors.hpp"
#include "broadcast/events.hpp"
#include "broadcast/migrations.hpp"
#include "chat/errors.hpp"
#include "chat/events.hpp"
#include "communities/errors.hpp"
#include "communities/events.hpp"
#include "communities/migrations.hpp"
#include "conversations/errors.hpp"
#include "conversations/events.hpp"
#include "conversations/migrations.hpp"
#include "db/errors.hpp"
#include "files/errors.hpp"
#include "files/migrations.hpp"
#include "invitations/errors.hpp"
#include "jobs/migrations.hpp"
#include "mail/migrations.hpp"
#include "mentions/errors.hpp"
#include "mentions/migrations.hpp"
#include "newsletter/errors.hpp"
#include "newsletter/events.hpp"
#include "newsletter/migrations.hpp"
#include "notifications/events.hpp"
#include "notifications/migrations.hpp"
#include "push/errors.hpp"
#include "push/migrations.hpp"
#include "realtime/migrations.hpp"
#include "search/errors.hpp"
#include "search/migrations.hpp"
#include "tiers/events.hpp"
#include "tiers/migrations.hpp"

namespace ps {

realtime::event_catalog event_types() {
  realtime::event_catalog catalog;
  chat::add_event_types(catalog);
  communities::add_event_types(catalog);
  board::add_event_types(catalog);
  conversations::add_event_types(catalog);
  broadcast::add_event_types(catalog);
  notifications::add_event_types(catalog);
  newsletter::add_event_types(catalog);
  tiers::add_event_types(catalog);
  return catalog;
}

std::vector<db::migration> migrations() {
  return db::in_order({
      db::foundation_migrations(),
      communities::migrations(),
      realtime::migrations(),
      accounts::migrations(),
      mail::migrations(),
      board::migrations(),
      conversations::migrations(),
      broadcast::migrations(),
      files::migrations(),
      search::migrations(),
      mentions::migrations(),
      notifications::migrations(),
      push::migrations(),
      jobs::migrations(),
      newsletter::migrations(),
      tiers::migrations(),
  });
}

std::vector<const error_kind*> declared_errors() {
  std::vector<const error_kind*> all;
  for (auto declared : {std::span<const error_kind* const>(accounts::declared_errors),
                        std::span<const error_kind* const>(board::declared_errors),
                        std::span<const error_kind* const>(broadcast::declared_errors),
                        std::span<const error_kind* const>(chat::declared_errors),
                        std::span<const error_kind* const>(communities::declared_errors),
                        std::span<const error_kind* const>(conversations::declared_errors),
                        std::span<const error_kind* const>(db::declared_errors),
                        std::span<const error_kind* const>(files::declared_errors),
                        std::span<const error_kind* const>(invitations::declared_errors),
                        std::span<const error_kind* const>(mentions::declared_errors),
                        std::span<const error_kind* const>(newsletter::declared_errors),
                        std::span<const error_kind* const>(push::declared_errors),
                        std::span<const error_kind* const>(search::declared_errors)})
    all.insert(all.end(), declared.begin(), declared.end());
  std::set<std::string> taken;
  for (int c = 0; c <= static_cast<int>(error_code::declared); ++c)
    taken.emplace(code_name(static_cast<error_code>(c)));
  for (const auto* kind : all) {
    if (!taken.emplace(kind->code).second)
      throw std::logic_error(fmt::format("the error code \"{}\" is declared twice", kind->code));
    // A refusal is the caller's (4xx); only "try again later" (503) is the server's.
    const bool status_ok = (kind->status >= 400 && kind->status <= 499) || kind->status == 503;
    if (!status_ok || kind->fr.empty() || kind->en.empty())
      throw std::logic_error(fmt::format(
          "the error \"{}\" needs a status in 400–499 (or 503) and a message in both languages",
          kind->code));
  }
  return all;
}

}  // namespace ps
