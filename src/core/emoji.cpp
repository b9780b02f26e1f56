#include "core/emoji.hpp"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "core/text.hpp"

namespace ps::emoji {
namespace {

constexpr UChar32 emoji_presentation_selector = 0xFE0F;  // VS16

bool is_rgi(const std::u16string& s) {
  return u_stringHasBinaryProperty(s.data(), static_cast<int32_t>(s.size()), UCHAR_RGI_EMOJI);
}

std::optional<std::u16string> to_utf16(std::string_view s) {
  std::u16string out(s.size(), u'\0');  // never more UTF-16 units than UTF-8 bytes
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8(out.data(), static_cast<int32_t>(out.size()), &length, s.data(),
                static_cast<int32_t>(s.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string to_utf8(const std::u16string& s) {
  std::string out(s.size() * 3, '\0');  // at most 3 bytes per UTF-16 unit
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &length, s.data(),
              static_cast<int32_t>(s.size()), &status);
  out.resize(U_SUCCESS(status) ? static_cast<std::size_t>(length) : 0);
  return out;
}

// `s` with U+FE0F after every emoji that shows as text without it (U+2764 "❤", U+263A "☺",
// digits before U+20E3, the white flag before a ZWJ), unless one already follows or a skin tone
// does (a modifier asks for emoji presentation by itself).
std::u16string with_presentation_selectors(const std::u16string& s) {
  std::u16string out;
  out.reserve(s.size() + 4);
  const auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U16_NEXT(s.data(), i, length, c);
    UChar32 next = 0;
    if (i < length) {
      int32_t j = i;
      U16_NEXT(s.data(), j, length, next);
    }
    UChar units[U16_MAX_LENGTH];
    int32_t n = 0;
    U16_APPEND_UNSAFE(units, n, c);
    out.append(units, units + n);
    if (u_hasBinaryProperty(c, UCHAR_EMOJI) && !u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION) &&
        next != emoji_presentation_selector && !u_hasBinaryProperty(next, UCHAR_EMOJI_MODIFIER))
      out += static_cast<char16_t>(emoji_presentation_selector);
  }
  return out;
}

}  // namespace

std::optional<std::string> fully_qualified(std::string_view s) {
  if (s.empty() || s.size() > max_bytes || !text::is_valid_utf8(s)) return std::nullopt;
  auto utf16 = to_utf16(s);
  if (!utf16) return std::nullopt;
  if (is_rgi(*utf16)) return std::string(s);
  const std::u16string qualified = with_presentation_selectors(*utf16);
  if (qualified != *utf16 && is_rgi(qualified)) return to_utf8(qualified);
  return std::nullopt;
}

}  // namespace ps::emoji
