#include "tiers/routes.hpp"

#include <nlohmann/json.hpp>

#include "core/instants.hpp"
#include "http/fields.hpp"
#include "tiers/service.hpp"

namespace ps::tiers {

using http::context;
using http::response;
using http::runs_on;
using http::verb;
using nlohmann::json;

namespace {

result<text_pair> pair_of(const json& translations, const char* lang) {
  text_pair out;
  if (!translations.contains(lang)) return out;
  const json& one = translations[lang];
  if (!one.is_object())
    return errors::invalid(std::string("translations.") + lang, field_problem::invalid_format);
  http::fields::reader f(one);
  out.name = f.maybe_text("name");
  out.description = f.maybe_text("description");
  if (f.error()) return *f.error();
  return out;
}

result<tier_input> input_of(const json& body) {
  http::fields::reader f(body);
  tier_input in;
  in.name = f.maybe_text("name");
  in.description = f.maybe_text("description");
  in.position = f.maybe_integer("position");
  if (f.error()) return *f.error();
  if (body.contains("translations")) {
    const json& t = body["translations"];
    if (!t.is_object()) return errors::invalid("translations", field_problem::invalid_format);
    auto fr = pair_of(t, "fr");
    if (!fr) return fr.error();
    auto en = pair_of(t, "en");
    if (!en) return en.error();
    in.fr = *fr;
    in.en = *en;
  }
  if (body.contains("price")) {
    in.price_given = true;
    const json& p = body["price"];
    if (!p.is_null()) {
      if (!p.is_object()) return errors::invalid("price", field_problem::invalid_format);
      http::fields::reader pf(p);
      in.price_cents = pf.integer("amount_cents");
      in.currency = pf.maybe_text("currency");
      in.price_period = pf.maybe_text("period");
      if (pf.error()) return *pf.error();
    }
  }
  return in;
}

json listed_json(const listed& l, locale reader) {
  auto out = json::array();
  for (const auto& t : l.tiers) {
    std::optional<std::int64_t> holders;
    if (l.holders) holders = l.holders->contains(t.id) ? l.holders->at(t.id) : 0;
    out.push_back(to_json(t, reader, holders));
  }
  return out;
}

json grants_json(const std::vector<grant>& grants) {
  auto out = json::array();
  for (const auto& g : grants) out.push_back(to_json(g));
  return out;
}

// `tier_ids: [1, 2]` (the contract), or `tiers: [{tier_id, ends_at?}]` to give end dates.
result<std::vector<grant_input>> grants_of(const json& body, const std::string& tz) {
  std::vector<grant_input> out;
  if (body.contains("tiers")) {
    const json& list = body["tiers"];
    if (!list.is_array()) return errors::invalid("tiers", field_problem::invalid_format);
    if (list.size() > static_cast<std::size_t>(max_tiers))
      return errors::invalid("tiers", field_problem::too_many, max_tiers);
    for (const auto& one : list) {
      if (!one.is_object()) return errors::invalid("tiers", field_problem::invalid_format);
      http::fields::reader f(one);
      grant_input g;
      g.tier_id = f.integer("tier_id");
      auto ends = f.maybe_text("ends_at");
      if (f.error()) return *f.error();
      if (ends) {
        g.ends_at = instant_of(*ends, tz);
        if (!g.ends_at) return errors::invalid("ends_at", field_problem::invalid_format);
      }
      out.push_back(g);
    }
    return out;
  }
  http::fields::reader f(body);
  for (auto id : f.integer_list("tier_ids", static_cast<std::size_t>(max_tiers)))
    out.push_back({id, std::nullopt});
  if (f.error()) return *f.error();
  return out;
}

}  // namespace

void add_routes(http::router& r) {
  r.add(
      verb::post, "/api/v1/communities/{slug}/tiers",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto in = input_of(*body);
        if (!in) return in.error();
        auto t = create_tier(c.app, *who, c.param("slug"), *in);
        if (!t) return t.error();
        return http::json_response(201, {{"tier", to_json(*t, who->lang, 0)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/communities/{slug}/tiers",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto l = list_tiers(c.app, *who, c.param("slug"));
        if (!l) return l.error();
        return http::json_response(200, {{"tiers", listed_json(*l, who->lang)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::patch, "/api/v1/tiers/{id}",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "tier");
        if (!id) return id.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto in = input_of(*body);
        if (!in) return in.error();
        auto t = update_tier(c.app, *who, *id, *in);
        if (!t) return t.error();
        return http::json_response(200, {{"tier", to_json(*t, who->lang, std::nullopt)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::del, "/api/v1/tiers/{id}",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "tier");
        if (!id) return id.error();
        if (auto ok = delete_tier(c.app, *who, *id); !ok) return ok.error();
        return http::no_content();
      },
      runs_on::blocking_pool);

  r.add(
      verb::put, "/api/v1/communities/{slug}/members/{account_id}/tiers",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto account = c.id_param("account_id", "member");
        if (!account) return account.error();
        auto body = c.json_body();
        if (!body) return body.error();
        // End dates without an offset are read on UTC's clock (the API's ISO 8601 times).
        auto grants = grants_of(*body, "UTC");
        if (!grants) return grants.error();
        auto held = set_member_tiers(c.app, *who, c.param("slug"), *account, *grants);
        if (!held) return held.error();
        return http::json_response(200, {{"tiers", grants_json(*held)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/communities/{slug}/members/{account_id}/tiers",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto account = c.id_param("account_id", "member");
        if (!account) return account.error();
        auto held = member_tiers(c.app, *who, c.param("slug"), *account);
        if (!held) return held.error();
        return http::json_response(200, {{"tiers", grants_json(*held)}});
      },
      runs_on::blocking_pool);
}

}  // namespace ps::tiers
