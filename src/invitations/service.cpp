#include "invitations/service.hpp"

#include "accounts/store.hpp"
#include "communities/errors.hpp"
#include "communities/service.hpp"
#include "communities/store.hpp"
#include "core/secrets.hpp"
#include "core/text.hpp"
#include "db/database.hpp"
#include "invitations/errors.hpp"
#include "invitations/store.hpp"
#include "tiers/service.hpp"
#include "tiers/store.hpp"

namespace ps::invitations {

std::optional<api_error> why_unusable(const invitation& inv, millis now) {
  if (inv.revoked_at) return errors::of(invitation_revoked);
  if (inv.expires_at && *inv.expires_at <= now) return errors::of(invitation_expired);
  if (inv.max_uses && inv.uses >= *inv.max_uses) return errors::of(invitation_used_up);
  return std::nullopt;
}

result<invitation> create_invitation(app& app, const caller& who, const std::string& slug,
                                     const invitation_form& form) {
  if (form.max_uses && (*form.max_uses < 1 || *form.max_uses > 100000))
    return errors::invalid("max_uses", field_problem::out_of_range);
  if (form.expires_in_hours && (*form.expires_in_hours < 1 || *form.expires_in_hours > 8760))
    return errors::invalid("expires_in_hours", field_problem::out_of_range);
  const std::string note(text::trim(form.note.value_or("")));
  if (text::utf8_length(note) > 500) return errors::invalid("note", field_problem::too_long, 500);
  if (auto bad = text::forbidden_in_text(note)) return errors::forbidden_character("note", *bad);
  const millis now = app.clock.now();

  return app.db.write([&](db::transaction& tx) -> result<invitation> {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    if (!ref->is_host()) {
      if (!ref->place.members_can_invite || !form.tier_ids.empty()) return errors::forbidden();
      if (store::count_by_creator(tx, ref->place.id, who.account_id) >=
          ref->place.member_invite_quota)
        return errors::forbidden();
    }
    invitation inv;
    inv.code = secrets::random_token(12);
    inv.community_id = ref->place.id;
    inv.created_by = who.account_id;
    inv.max_uses = form.max_uses;
    if (form.expires_in_hours) inv.expires_at = now + *form.expires_in_hours * 3600 * 1000;
    inv.note = note;
    inv.created_at = now;
    inv.id = store::insert(tx, inv);
    if (auto given = tiers::give_with_invitation(tx, inv.community_id, inv.id, form.tier_ids);
        !given)
      return given.error();
    inv.tier_ids = tiers::store::tiers_of_invitation(tx, inv.id);
    return inv;
  });
}

result<std::vector<invitation>> list_invitations(app& app, const caller& who,
                                                 const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<invitation>> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    auto list = ref->is_host() ? store::of_community(s, ref->place.id)
                               : store::of_creator(s, ref->place.id, who.account_id);
    auto given = tiers::store::tiers_of_invitations(s, ref->place.id);
    for (auto& inv : list)
      if (auto found = given.find(inv.id); found != given.end()) inv.tier_ids = found->second;
    return list;
  });
}

result<preview> preview_invitation(app& app, const std::string& code,
                                   const std::optional<caller>& who) {
  const millis now = app.clock.now();
  return app.db.read([&](db::session& s) -> result<preview> {
    auto inv = store::by_code(s, code);
    if (!inv) return errors::not_found("invitation");
    // Not an invitation to join for someone removed from the community: they see why instead.
    if (who && communities::store::is_removed(s, inv->community_id, who->account_id))
      return errors::of(communities::removed_from_community);
    if (auto dead = why_unusable(*inv, now)) return *dead;
    auto place = communities::store::community_by_id(s, inv->community_id);
    auto inviter = accounts::store::account_by_id(s, inv->created_by);
    if (!place || !inviter) return errors::not_found("invitation");
    return preview{place->name, place->description, place->slug, inviter->acct.display_name,
                   *inv,        place->timezone};
  });
}

result<joined> accept_invitation(app& app, const caller& who, const std::string& code) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<joined> {
    auto inv = store::by_code(tx, code);
    if (!inv) return errors::not_found("invitation");
    auto place = communities::store::community_by_id(tx, inv->community_id);
    if (!place) return errors::not_found("invitation");
    if (auto existing = communities::store::current_membership(tx, place->id, who.account_id))
      return joined{*existing, false};
    // A removed person stays out, by this link or any other, until a host lets them back.
    if (communities::store::is_removed(tx, place->id, who.account_id))
      return errors::of(communities::removed_from_community);
    if (auto dead = why_unusable(*inv, now)) return *dead;
    if (!store::take_one_use(tx, inv->id)) return errors::of(invitation_used_up);
    auto m = communities::store::insert_membership(
        tx, *place, who.account_id, communities::role::member, inv->created_by, inv->id, now);
    communities::publish_member_joined(app, tx, m);
    tiers::grant_invitation_tiers(app, tx, place->id, inv->id, who.account_id, inv->created_by);
    return joined{m, true};
  });
}

outcome revoke_invitation(app& app, const caller& who, const std::string& code) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto inv = store::by_code(tx, code);
    if (!inv) return errors::not_found("invitation");
    auto ref = access::community_for(tx, who, inv->community_id);
    if (!ref) return errors::not_found("invitation");
    if (!ref->is_host() && inv->created_by != who.account_id) return errors::forbidden();
    store::revoke(tx, inv->id, now);
    return done;
  });
}

}  // namespace ps::invitations
