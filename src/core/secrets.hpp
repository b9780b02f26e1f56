#pragma once
#include <string>
#include <string_view>

namespace ps::secrets {

// A fresh random token of `bytes` random bytes, URL-safe base64 without padding.
std::string random_token(std::size_t bytes = 32);

// The digest stored in place of a token (sessions, login links, personal tokens): a leaked
// database does not reveal usable tokens. BLAKE2b-256, hex.
std::string token_digest(std::string_view token);

// Both sides of an argon2id password hash. The limits are the interactive ones unless
// `fast` is set (only for tests: the minimum limits).
std::string hash_password(std::string_view password, bool fast);
bool verify_password(std::string_view password, std::string_view stored_hash);

// Constant-time comparison of two strings of possibly different length.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace ps::secrets
