#include "tiers/model.hpp"

#include <nlohmann/json.hpp>

#include "core/instants.hpp"

namespace ps::tiers {

nlohmann::json to_json(const tier& t, locale reader, std::optional<std::int64_t> holders) {
  const bool en = reader == locale::en;
  const std::string& name = en ? (t.name_en.empty() ? t.name_fr : t.name_en)
                               : (t.name_fr.empty() ? t.name_en : t.name_fr);
  const std::string& description =
      en ? (t.description_en.empty() ? t.description_fr : t.description_en)
         : (t.description_fr.empty() ? t.description_en : t.description_fr);
  nlohmann::json out = {
      {"id", t.id},
      {"name", name},
      {"description", description},
      {"translations",
       {{"fr", {{"name", t.name_fr}, {"description", t.description_fr}}},
        {"en", {{"name", t.name_en}, {"description", t.description_en}}}}},
      {"position", t.position},
      {"price", t.price_cents ? nlohmann::json{{"amount_cents", *t.price_cents},
                                               {"currency", t.currency},
                                               {"period", t.price_period}}
                              : nlohmann::json(nullptr)},
      {"created_at", iso8601(t.created_at)},
  };
  if (holders) out["members"] = *holders;
  return out;
}

nlohmann::json to_json(const grant& g) {
  return {{"tier_id", g.tier_id},
          {"granted_at", iso8601(g.granted_at)},
          {"ends_at", g.ends_at ? nlohmann::json(iso8601(*g.ends_at)) : nlohmann::json(nullptr)}};
}

}  // namespace ps::tiers
