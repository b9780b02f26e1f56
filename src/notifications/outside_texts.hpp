#pragma once
#include <span>
#include <string>

#include "accounts/model.hpp"
#include "core/locale.hpp"
#include "mail/outbox.hpp"
#include "notifications/model.hpp"

// What a notification says outside the app, in the member's language: a push's payload (what
// the service worker shows on the lock screen) and the email of what they have not seen.
namespace ps::notifications {

// Where the web app opens the item: /c/SLUG/ch/ROOM?m=SEQ (&thread=PARENT for a reply),
// …/p/POST for a post, …/p/POST?comment=ID for a comment (the search results' scheme).
std::string place_of(const notification& n);

// One line saying what happened: "Marie t’a mentionné·e dans #général".
std::string headline(const notification& n, locale lang);

// {"title","body","url","tag","notification_id"}: the service worker shows title and body and
// opens url. With private previews the body names the room and community only, never what was
// said. At most max_plaintext_bytes (the excerpt is already short).
std::string push_payload(const notification& n, locale lang, bool private_previews);

// One email for someone's unseen mentions and direct messages (at most `listed` of them shown,
// and how many more), with the links to each and to the settings that stop these emails.
inline constexpr std::size_t listed_in_email = 20;
mail::draft unseen_email(const accounts::account& to, std::span<const notification> unseen,
                         const std::string& public_url);

}  // namespace ps::notifications
