#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/locale.hpp"

namespace ps::tiers {

// A level of membership a host defines. Payment is not Petite Salle's: the price is what
// members are shown, and hosts grant tiers by hand (or an invitation does, later).
struct tier {
  std::int64_t id = 0;
  std::int64_t community_id = 0;
  std::string name_fr, name_en;
  std::string description_fr, description_en;
  int position = 0;
  std::optional<std::int64_t> price_cents;  // none: no price shown
  std::string currency = "CAD";
  std::string price_period = "month";  // month | year | once
  millis created_at = 0;
  millis updated_at = 0;
  std::optional<millis> deleted_at;
};

// A member's hold on a tier, until `ends_at` (none: no end).
struct grant {
  std::int64_t tier_id = 0;
  std::int64_t account_id = 0;
  std::optional<std::int64_t> granted_by;
  millis granted_at = 0;
  std::optional<millis> ends_at;
  bool current(millis now) const { return !ends_at || now < *ends_at; }
};

// The tier as the caller reads it: `name` and `description` in their language (the other when
// theirs is empty), both languages under `translations`, and, for hosts, how many hold it.
nlohmann::json to_json(const tier& t, locale reader, std::optional<std::int64_t> holders);
nlohmann::json to_json(const grant& g);

}  // namespace ps::tiers
