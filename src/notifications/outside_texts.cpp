#include "notifications/outside_texts.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace ps::notifications {

namespace {

std::string room_label(const notification& n) {
  if (n.channel_kind == "direct" || n.channel_kind == "group" || n.channel_name.empty())
    return n.community_name;
  return "#" + n.channel_name + " · " + n.community_name;
}

std::string actor_or(const notification& n, locale lang) {
  if (!n.actor_name.empty()) return n.actor_name;
  return lang == locale::fr ? "Quelqu’un" : "Someone";
}

}  // namespace

std::string place_of(const notification& n) {
  std::string room = "/c/" + n.community_slug + "/ch/" + std::to_string(n.channel_id);
  if (n.item_kind == "post") return room + "/p/" + std::to_string(n.item_id);
  if (n.item_kind == "comment" && n.post_id)
    return room + "/p/" + std::to_string(*n.post_id) + "?comment=" + std::to_string(n.item_id);
  if (n.item_kind == "message" && n.seq) {
    std::string q = "?m=" + std::to_string(*n.seq);
    if (n.parent_id) q += "&thread=" + std::to_string(*n.parent_id);
    return room + q;
  }
  return room;
}

std::string headline(const notification& n, locale lang) {
  const bool fr = lang == locale::fr;
  const std::string who = actor_or(n, lang);
  const std::string room = n.channel_name.empty() ? n.community_name : "#" + n.channel_name;
  if (n.kind == for_mention)
    return fr ? fmt::format("{} t’a mentionné·e dans {}", who, room)
              : fmt::format("{} mentioned you in {}", who, room);
  if (n.kind == for_reply)
    return fr ? fmt::format("{} a répondu dans un fil de {}", who, room)
              : fmt::format("{} replied in a thread in {}", who, room);
  if (n.kind == for_comment)
    return fr ? fmt::format("{} a commenté dans {}", who, room)
              : fmt::format("{} commented in {}", who, room);
  if (n.kind == for_broadcast)
    return fr ? fmt::format("Nouvelle annonce dans {}", room)
              : fmt::format("New announcement in {}", room);
  if (n.kind == for_direct)
    return fr ? fmt::format("Message de {}", who) : fmt::format("Message from {}", who);
  if (n.kind == for_poll_closed)
    return fr ? fmt::format("Un sondage est terminé dans {}", room)
              : fmt::format("A poll has closed in {}", room);
  return fr ? fmt::format("{} a écrit dans {}", who, room)
            : fmt::format("{} wrote in {}", who, room);
}

std::string push_payload(const notification& n, locale lang, bool private_previews) {
  const std::string body = private_previews || n.excerpt.empty() ? room_label(n) : n.excerpt;
  return nlohmann::json{{"title", headline(n, lang)},
                        {"body", body},
                        {"url", place_of(n)},
                        {"tag", "notification-" + std::to_string(n.id)},
                        {"notification_id", n.id}}
      .dump();
}

mail::draft unseen_email(const accounts::account& to, std::span<const notification> unseen,
                         const std::string& public_url) {
  const bool fr = to.lang == locale::fr;
  mail::draft d;
  d.to = to.email;
  const std::size_t n = unseen.size();
  if (n == 1)
    d.subject = headline(unseen.front(), to.lang);
  else
    d.subject = fr ? fmt::format("{} mentions et messages que tu n’as pas vus", n)
                   : fmt::format("{} mentions and messages you have not seen", n);
  std::string body = fr ? fmt::format("Bonjour {},\n\n", to.display_name)
                        : fmt::format("Hello {},\n\n", to.display_name);
  body += fr ? "Pendant ton absence :\n\n" : "While you were away:\n\n";
  for (std::size_t i = 0; i < n && i < listed_in_email; ++i) {
    const auto& item = unseen[i];
    body += "• " + headline(item, to.lang) + " (" + item.community_name + ")\n";
    if (!item.excerpt.empty())
      body += fr ? "  « " + item.excerpt + " »\n" : "  “" + item.excerpt + "”\n";
    body += "  " + public_url + place_of(item) + "\n\n";
  }
  if (n > listed_in_email)
    body += fr ? fmt::format("… et {} autres.\n\n", n - listed_in_email)
               : fmt::format("… and {} more.\n\n", n - listed_in_email);
  body += fr ? fmt::format(
                   "Tu reçois ce courriel parce que tu n’as pas vu ces mentions et messages dans "
                   "Petite Salle. Pour ne plus en recevoir, ou pour un résumé par jour : "
                   "{}/account\n",
                   public_url)
             : fmt::format(
                   "You get this email because you have not seen these mentions and messages in "
                   "Petite Salle. To stop them, or to get one a day instead: {}/account\n",
                   public_url);
  d.body = std::move(body);
  return d;
}

}  // namespace ps::notifications
