#pragma once
#include <cstddef>
#include <string>
#include <string_view>

// What a person is shown to recognise one of their sessions: "Firefox on Linux", from the
// User-Agent the browser sent when the session opened.
namespace ps::accounts {

// The most of a User-Agent that a session keeps, in bytes: real ones are 100 to 200 bytes, and a
// client may send up to the 32 KiB of the headers.
inline constexpr std::size_t max_user_agent_bytes = 256;

// The User-Agent as stored: valid UTF-8 (each stray byte becomes U+FFFD, since it goes into
// JSON), cut to at most max_user_agent_bytes on a character boundary.
std::string stored_user_agent(std::string_view user_agent);

// "Browser on System" ("Chrome on Android", "Safari on iPhone"), only one of the two when the
// other is not recognised, "Unknown device" when neither is. The names are proper nouns, the
// same in every language, so the summary is data, not a message to translate.
std::string device_of(std::string_view user_agent);

}  // namespace ps::accounts
