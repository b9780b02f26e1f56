#include "mail/email.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "mail/transport.hpp"

namespace ps::mail {
namespace {

constexpr std::string_view crlf = "\r\n";
using text::replacement_char;

// RFC 2047 wants lines holding encoded words to stay within 76 characters.
constexpr std::size_t max_line = 76;
// UTF-8 bytes per encoded word: 39 bytes are 52 base64 characters, so a word
// "=?UTF-8?B?...?=" is 64 long and still fits after "Subject: ".
constexpr std::size_t encoded_word_bytes = 39;
// Longest raw token we leave unencoded: RFC 5322 forbids lines over 998.
constexpr std::size_t max_raw_token = 900;

bool is_control(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b < 0x20 || b == 0x7F;
}

bool is_printable_ascii(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b > 0x7E) return false;
  }
  return true;
}

// A header value on one line: CR and LF would start a new header (an injection), and other
// controls have no business there either.
std::string one_line(std::string_view s) {
  std::string out = text::to_valid_utf8(s);
  for (char& c : out) {
    if (is_control(c)) c = ' ';
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string base64(std::string_view in) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? alphabet[n & 63] : '=';
  }
  return out;
}

// RFC 2047 encoded words for valid UTF-8 text, each holding whole characters as the RFC
// requires (a character split across two words would decode to garbage).
std::vector<std::string> encoded_words(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    std::size_t take = 0;
    while (take < text.size()) {
      const std::size_t n = std::max<std::size_t>(1, text::valid_utf8_length(text.substr(take)));
      if (take + n > encoded_word_bytes) break;
      take += n;
    }
    words.push_back("=?UTF-8?B?" + base64(text.substr(0, take)) + "?=");
    text.remove_prefix(take);
  }
  return words;
}

std::vector<std::string> split_on_spaces(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  for (std::size_t space; (space = text.find(' ', start)) != std::string_view::npos;) {
    tokens.emplace_back(text.substr(start, space - start));
    start = space + 1;
  }
  tokens.emplace_back(text.substr(start));
  return tokens;
}

// Text worth sending as it is: printable ASCII, nothing a decoder could mistake for an
// encoded word, no token too long for a line.
bool can_stay_raw(std::string_view text) {
  if (!is_printable_ascii(text) || text.find("=?") != std::string_view::npos) return false;
  for (const auto& token : split_on_spaces(text)) {
    if (token.size() > max_raw_token) return false;
  }
  return true;
}

// "Name: token token ...", folded (CRLF + space in place of a space) before a token that
// would pass max_line. Unfolding gives back the tokens joined by single spaces.
std::string header(std::string_view name, const std::vector<std::string>& tokens) {
  std::string out(name);
  out += ':';
  std::size_t line_length = out.size();
  for (const auto& token : tokens) {
    if (line_length + 1 + token.size() > max_line && !token.empty() &&
        line_length > name.size() + 1) {
      out += crlf;
      line_length = 0;
    }
    out += ' ';
    out += token;
    line_length += 1 + token.size();
  }
  out += crlf;
  return out;
}

std::vector<std::string> text_tokens(std::string_view text) {
  return can_stay_raw(text) ? split_on_spaces(text) : encoded_words(text);
}

bool is_atext_or_space(char c) {
  static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~ ";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         specials.find(c) != std::string_view::npos;
}

// The display name as an RFC 5322 phrase: atoms as they are, other ASCII quoted, anything
// else in encoded words.
std::vector<std::string> display_name_tokens(std::string_view name) {
  if (!can_stay_raw(name)) return encoded_words(name);
  bool plain = true;
  for (const char c : name) plain = plain && is_atext_or_space(c);
  if (plain) return split_on_spaces(name);
  std::string quoted = "\"";
  for (const char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return {quoted + '"'};
}

std::string from_header(std::string_view from) {
  const std::string value = one_line(from);
  const std::string address = address_of(value);
  const std::size_t open = value.rfind('<');
  const std::string_view name = open == std::string::npos
                                    ? std::string_view()
                                    : trim(std::string_view(value).substr(0, open));
  if (name.empty()) return header("From", {address});
  auto tokens = display_name_tokens(name);
  tokens.push_back("<" + address + ">");
  return header("From", tokens);
}

// "Fri, 27 Nov 2026 00:05:03 +0000": RFC 5322 date-time, always in UTC.
std::string date_header(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = floor<std::chrono::seconds>(now);
  const auto day = floor<days>(seconds);
  const year_month_day ymd{day};
  const hh_mm_ss time{seconds - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "Date: %s, %02u %s %04d %02d:%02d:%02d +0000\r\n",
                weekdays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

// Quoted-printable (RFC 2045): lines of at most 76 characters, '=' and non-ASCII bytes as =XX,
// a space or tab that ends a line encoded so no relay strips it. A '.' opening a line is
// encoded too: a lone "." line ends an SMTP DATA section on relays that forget dot-stuffing.
std::string quoted_printable(std::string_view text) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  std::size_t line_length = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += crlf;
      line_length = 0;
      continue;
    }
    const auto b = static_cast<unsigned char>(c);
    const bool ends_line = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    bool encode = c == '=' || b > 126 || (b < 32 && c != '\t') ||
                  ((c == ' ' || c == '\t') && ends_line) || (c == '.' && line_length == 0);
    // Room for the '=' of a soft break, unless this is the line's last character.
    if (line_length + (encode ? 3 : 1) > (ends_line ? max_line : max_line - 1)) {
      out += "=\r\n";
      line_length = 0;
      encode = encode || c == '.';
    }
    const std::size_t width = encode ? 3 : 1;
    if (encode) {
      out += '=';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    } else {
      out += c;
    }
    line_length += width;
  }
  if (line_length > 0) out += crlf;
  return out;
}

}  // namespace

std::string address_of(const std::string& from) {
  const std::size_t open = from.rfind('<');
  if (open == std::string::npos) return std::string(trim(from));
  const std::size_t close = from.find('>', open);
  return from.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
}

std::optional<std::string> find_problem(const email& e) {
  const auto check_address = [](std::string_view what,
                                std::string_view address) -> std::optional<std::string> {
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
      return std::string(what) + " address has no local part, '@' and domain";
    }
    for (const char c : address) {
      const auto b = static_cast<unsigned char>(c);
      if (b <= 0x20 || b >= 0x7F ||
          std::string_view("<>()[],;:\\\"").find(c) != std::string_view::npos) {
        return std::string(what) + " address holds a character we do not send";
      }
    }
    return std::nullopt;
  };
  if (auto problem = check_address("recipient", e.to)) return problem;
  if (auto problem = check_address("sender", address_of(e.from))) return problem;
  if (!e.reply_to.empty())
    if (auto problem = check_address("reply-to", e.reply_to)) return problem;
  if (e.message_id.empty()) return "message id is empty";
  for (const char c : e.message_id) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || c == '<' || c == '>') {
      return "message id holds a character we do not send";
    }
  }
  return std::nullopt;
}

namespace {

bool is_header_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  return true;
}

// The separator of a multipart body. "=_" never occurs in quoted-printable text (an '=' there
// is followed by two hex digits or a line end), so the parts cannot contain it; the message id
// makes it differ between emails, which some filters like.
std::string boundary_for(const email& e) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a of the message id
  for (const char c : e.message_id)
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "=_ps_%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

}  // namespace

std::string format_rfc5322(const email& e, std::chrono::system_clock::time_point now) {
  std::string out = date_header(now);
  out += from_header(e.from);
  out += header("To", {one_line(e.to)});
  if (!e.reply_to.empty()) out += header("Reply-To", {one_line(e.reply_to)});
  out += header("Subject", text_tokens(one_line(e.subject)));
  out += header("Message-ID", {"<" + one_line(e.message_id) + ">"});
  for (const auto& [name, value] : e.headers)
    if (is_header_name(name)) out += header(name, split_on_spaces(one_line(value)));
  out += "MIME-Version: 1.0\r\n";
  const auto part_headers = [](std::string_view type) {
    return "Content-Type: " + std::string(type) +
           "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
  };
  // RFC 3834: tells vacation responders not to answer a machine.
  constexpr std::string_view auto_submitted = "Auto-Submitted: auto-generated\r\n";
  if (e.html_body.empty()) {
    out += part_headers("text/plain");
    out += auto_submitted;
    out += crlf;
    out += quoted_printable(text::to_valid_utf8(e.text_body));
    return out;
  }
  const std::string boundary = boundary_for(e);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  out += auto_submitted;
  out += crlf;
  out += "--" + boundary + "\r\n" + part_headers("text/plain") + "\r\n";
  out += quoted_printable(text::to_valid_utf8(e.text_body));
  out += "--" + boundary + "\r\n" + part_headers("text/html") + "\r\n";
  out += quoted_printable(text::to_valid_utf8(e.html_body));
  out += "--" + boundary + "--\r\n";
  return out;
}

std::string render(const email& e, const signer& sign) {
  std::string message = format_rfc5322(e, std::chrono::system_clock::now());
  return sign ? sign(std::move(message)) : message;
}

}  // namespace ps::mail
