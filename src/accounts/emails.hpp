#pragma once
#include <string>

#include "accounts/model.hpp"
#include "mail/outbox.hpp"

// The emails the accounts send, in the person's language (each capability writes its own).
namespace ps::accounts {

// The one-time log-in link (15 minutes), to `to`.
mail::draft login_link_email(const account& to, const std::string& url);

}  // namespace ps::accounts
