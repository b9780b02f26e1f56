#include "core/error.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace ps {

int http_status(error_code code) {
  switch (code) {
    case error_code::malformed_json:
    case error_code::json_too_deep:
    case error_code::malformed_request:
      return 400;
    case error_code::unauthenticated:
    case error_code::invalid_credentials:
      return 401;
    case error_code::forbidden:
    case error_code::csrf_rejected:
      return 403;
    case error_code::not_found:
      return 404;
    case error_code::method_not_allowed:
      return 405;
    case error_code::limit_reached:
      return 409;
    case error_code::payload_too_large:
      return 413;
    case error_code::unsupported_media_type:
      return 415;
    case error_code::invalid_field:
      return 422;
    case error_code::headers_too_large:
      return 431;
    case error_code::rate_limited:
    case error_code::too_many_connections:
      return 429;
    case error_code::internal:
    case error_code::declared:
      return 500;  // a declared error without its kind is a bug
  }
  return 500;
}

std::string_view code_name(error_code code) {
  switch (code) {
    case error_code::malformed_json:
      return "malformed_json";
    case error_code::unauthenticated:
      return "unauthenticated";
    case error_code::invalid_credentials:
      return "invalid_credentials";
    case error_code::forbidden:
      return "forbidden";
    case error_code::csrf_rejected:
      return "csrf_rejected";
    case error_code::not_found:
      return "not_found";
    case error_code::method_not_allowed:
      return "method_not_allowed";
    case error_code::limit_reached:
      return "limit_reached";
    case error_code::payload_too_large:
      return "payload_too_large";
    case error_code::unsupported_media_type:
      return "unsupported_media_type";
    case error_code::invalid_field:
      return "invalid_field";
    case error_code::rate_limited:
      return "rate_limited";
    case error_code::json_too_deep:
      return "json_too_deep";
    case error_code::malformed_request:
      return "malformed_request";
    case error_code::headers_too_large:
      return "headers_too_large";
    case error_code::too_many_connections:
      return "too_many_connections";
    case error_code::internal:
      return "internal";
    case error_code::declared:
      return "declared";
  }
  return "internal";
}

namespace {

// What kind of character text::forbidden_in_name / _in_text refused, for a person: the lists
// themselves live there.
std::string character_description(char32_t c, bool fr) {
  const std::string code = fmt::format("U+{:04X}", static_cast<std::uint32_t>(c));
  if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028 || c == 0x2029)
    return fr ? fmt::format("un saut de ligne ({})", code) : fmt::format("a line break ({})", code);
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
    return fr ? fmt::format("un caractère de contrôle ({})", code)
              : fmt::format("a control character ({})", code);
  if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
      (c >= 0x2066 && c <= 0x2069))
    return fr ? fmt::format("un caractère invisible qui change le sens d’écriture du texte ({})",
                            code)
              : fmt::format("an invisible character that changes the direction of the text ({})",
                            code);
  return fr ? fmt::format("un caractère invisible ({})", code)
            : fmt::format("an invisible character ({})", code);
}

std::string field_message(const api_error& e, locale lang) {
  const bool fr = lang == locale::fr;
  std::string head =
      fr ? fmt::format("Le champ « {} »", e.field) : fmt::format("The field “{}”", e.field);
  switch (e.problem) {
    case field_problem::required:
      return head + (fr ? " est obligatoire." : " is required.");
    case field_problem::too_short:
      return head + (fr ? fmt::format(" est trop court (au moins {} caractères).", e.limit)
                        : fmt::format(" is too short (at least {} characters).", e.limit));
    case field_problem::too_long:
      return head + (fr ? fmt::format(" est trop long (au plus {} caractères).", e.limit)
                        : fmt::format(" is too long (at most {} characters).", e.limit));
    case field_problem::too_few:
      return head + (fr ? fmt::format(" compte trop peu d’éléments (au moins {}).", e.limit)
                        : fmt::format(" has too few items (at least {}).", e.limit));
    case field_problem::too_many:
      return head + (fr ? fmt::format(" compte trop d’éléments (au plus {}).", e.limit)
                        : fmt::format(" has too many items (at most {}).", e.limit));
    case field_problem::invalid_format:
      return head + (fr ? " n’a pas la bonne forme." : " is not in the right format.");
    case field_problem::out_of_range:
      return head + (fr ? " est hors des limites permises." : " is outside the allowed range.");
    case field_problem::not_allowed:
      return head +
             (fr ? " contient une valeur non permise." : " has a value that is not allowed.");
    case field_problem::forbidden_characters:
      return head + (fr ? fmt::format(" contient {}, qui n’est pas permis ici.",
                                      character_description(e.character, true))
                        : fmt::format(" contains {}, which is not allowed here.",
                                      character_description(e.character, false)));
  }
  return head;
}

std::string_view what_fr(std::string_view what) {
  if (what == "community") return "Cette communauté est introuvable.";
  if (what == "channel") return "Ce canal est introuvable.";
  if (what == "message") return "Ce message est introuvable.";
  if (what == "post") return "Cette publication est introuvable.";
  if (what == "comment") return "Ce commentaire est introuvable.";
  if (what == "poll") return "Ce sondage est introuvable.";
  if (what == "prompt") return "Cette question est introuvable.";
  if (what == "answer") return "Cette réponse est introuvable.";
  if (what == "invitation") return "Cette invitation est introuvable.";
  if (what == "member") return "Cette personne n’est pas membre ici.";
  if (what == "token") return "Ce jeton est introuvable.";
  if (what == "session") return "Cette session est introuvable.";
  if (what == "removal") return "Cette personne n’est pas retirée de cette communauté.";
  return "Rien ici : cette adresse n’existe pas.";
}

std::string_view what_en(std::string_view what) {
  if (what == "community") return "This community could not be found.";
  if (what == "channel") return "This channel could not be found.";
  if (what == "message") return "This message could not be found.";
  if (what == "post") return "This post could not be found.";
  if (what == "comment") return "This comment could not be found.";
  if (what == "poll") return "This poll could not be found.";
  if (what == "prompt") return "This question could not be found.";
  if (what == "answer") return "This answer could not be found.";
  if (what == "invitation") return "This invitation could not be found.";
  if (what == "member") return "This person is not a member here.";
  if (what == "token") return "This token could not be found.";
  if (what == "session") return "This session could not be found.";
  if (what == "removal") return "This person is not removed from this community.";
  return "Nothing here: this address does not exist.";
}

// 65536 -> "64 Kio" / "64 KiB"; 1048576 -> "1 Mio" / "1 MiB".
std::string size_text(long bytes, locale lang) {
  const bool fr = lang == locale::fr;
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return fmt::format("{} {}", bytes / (1024 * 1024), fr ? "Mio" : "MiB");
  if (bytes >= 1024 && bytes % 1024 == 0)
    return fmt::format("{} {}", bytes / 1024, fr ? "Kio" : "KiB");
  return fmt::format("{} {}", bytes, fr ? "octets" : "bytes");
}

}  // namespace

int http_status(const api_error& e) {
  return e.code == error_code::declared && e.kind ? e.kind->status : http_status(e.code);
}

std::string_view code_name(const api_error& e) {
  return e.code == error_code::declared && e.kind ? e.kind->code : code_name(e.code);
}

std::string error_message(const api_error& e, locale lang) {
  const bool fr = lang == locale::fr;
  switch (e.code) {
    case error_code::malformed_json:
      return fr ? "La requête n’est pas du JSON valide (un objet est attendu)."
                : "The request is not valid JSON (an object is expected).";
    case error_code::unauthenticated:
      return fr ? "Connecte-toi pour continuer." : "Please log in to continue.";
    case error_code::invalid_credentials:
      return fr ? "Ce courriel, ce mot de passe ou ce lien ne fonctionne pas."
                : "That email, password or link does not work.";
    case error_code::forbidden:
      return fr ? "Tu n’as pas la permission de faire ça." : "You are not allowed to do that.";
    case error_code::csrf_rejected:
      return fr ? "Requête refusée : elle doit être envoyée en JSON par l’application."
                : "Request refused: it must be sent as JSON by the app.";
    case error_code::not_found:
      return std::string(fr ? what_fr(e.what) : what_en(e.what));
    case error_code::method_not_allowed:
      return fr ? "Cette méthode n’est pas permise à cette adresse."
                : "This method is not allowed at this address.";
    case error_code::limit_reached:
      if (e.what == "reactions")
        return fr ? fmt::format(
                        "Tu as déjà mis {} réactions différentes sur ce message : "
                        "retires-en une pour en ajouter une autre.",
                        e.limit)
                  : fmt::format(
                        "You have already put {} different reactions on this message: "
                        "remove one to add another.",
                        e.limit);
      return fr ? fmt::format("Tu as atteint la limite permise ({}).", e.limit)
                : fmt::format("You have reached the allowed limit ({}).", e.limit);
    case error_code::payload_too_large: {
      const std::string most = size_text(e.limit > 0 ? e.limit : 1024 * 1024, lang);
      return fr ? fmt::format("La requête est trop grosse ({} au plus).", most)
                : fmt::format("The request is too large ({} at most).", most);
    }
    case error_code::unsupported_media_type:
      return fr ? "Le corps de la requête doit être du JSON (Content-Type: application/json)."
                : "The request body must be JSON (Content-Type: application/json).";
    case error_code::invalid_field:
      return field_message(e, lang);
    case error_code::rate_limited:
      if (e.limited == rate_limited_action::log_in)
        return fr ? fmt::format(
                        "Trop d’essais de connexion. Réessaie dans {} secondes, ou demande un lien "
                        "de connexion par courriel : il fonctionne encore.",
                        e.retry_after_seconds)
                  : fmt::format(
                        "Too many log-in attempts. Try again in {} seconds, or ask for a log-in "
                        "link by email: that still works.",
                        e.retry_after_seconds);
      return fr ? fmt::format("Trop d’essais. Réessaie dans {} secondes.", e.retry_after_seconds)
                : fmt::format("Too many attempts. Try again in {} seconds.", e.retry_after_seconds);
    case error_code::json_too_deep:
      return fr ? "Le JSON est imbriqué trop profondément (32 niveaux au plus)."
                : "The JSON is nested too deeply (32 levels at most).";
    case error_code::malformed_request:
      return fr ? "Cette requête HTTP est mal formée." : "This HTTP request is malformed.";
    case error_code::headers_too_large:
      return fr ? "Les en-têtes de la requête sont trop gros (trop de témoins?)."
                : "The request headers are too large (too many cookies?).";
    case error_code::too_many_connections:
      return fr ? "Trop de connexions ouvertes en même temps. Ferme un onglet ou réessaie plus "
                  "tard."
                : "Too many connections open at once. Close a tab or try again later.";
    case error_code::declared:
      if (e.kind) return std::string(fr ? e.kind->fr : e.kind->en);
      [[fallthrough]];
    case error_code::internal:
      return fr ? "Oups, une erreur de notre côté. Réessaie dans un instant."
                : "Oops, something went wrong on our side. Try again in a moment.";
  }
  return "error";
}

locale locale_from_accept_language(std::string_view header) {
  // Scan the language tags in order; q-values are rarely used to reorder fr and en.
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ',')) ++pos;
    std::size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view tag = header.substr(pos, end - pos);
    if (tag.size() >= 2) {
      char a = static_cast<char>(tag[0] | 0x20), b = static_cast<char>(tag[1] | 0x20);
      bool whole = tag.size() == 2 || tag[2] == '-' || tag[2] == ';' || tag[2] == '_';
      if (whole && a == 'f' && b == 'r') return locale::fr;
      if (whole && a == 'e' && b == 'n') return locale::en;
    }
    pos = end + 1;
  }
  return locale::fr;
}

}  // namespace ps
