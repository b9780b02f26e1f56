#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

struct evp_pkey_st;

// The cryptography of Web Push, on OpenSSL (libcrypto): P-256 keys, the aes128gcm body of
// RFC 8291 and the VAPID authorization of RFC 8292. Libsodium, used elsewhere, has neither
// P-256 nor AES-128-GCM. OpenSSL's headers stay in crypto.cpp.
namespace ps::push {

std::string base64url(std::string_view bytes);  // without padding
// Accepts the padded form too (some browsers' toJSON() pads); nothing for anything else.
std::optional<std::string> from_base64url(std::string_view text);

// A P-256 (prime256v1) key pair.
class p256_key {
 public:
  static p256_key generate();
  static std::optional<p256_key> from_pem(std::string_view pem);
  // From its raw parts: the 32-byte private scalar and the 65-byte uncompressed public point
  // (the published test vectors give both).
  static std::optional<p256_key> from_parts(std::string_view scalar, std::string_view point);

  std::string pem() const;           // PKCS#8, what the database keeps
  std::string public_point() const;  // 65 bytes, 0x04 || x || y
  // ECDH with a peer's uncompressed point; nothing when the point is not on the curve.
  std::optional<std::string> shared_secret(std::string_view peer_point) const;
  // ECDSA over SHA-256, as JOSE's ES256 wants it: r || s, 32 bytes each.
  std::string sign_es256(std::string_view data) const;

 private:
  struct release {
    void operator()(evp_pkey_st* key) const;
  };
  explicit p256_key(evp_pkey_st* key) : key_(key) {}
  std::unique_ptr<evp_pkey_st, release> key_;
};

// Whether `point` is an uncompressed P-256 public point that lies on the curve.
bool valid_public_point(std::string_view point);

inline constexpr std::size_t auth_secret_bytes = 16;
inline constexpr std::size_t public_point_bytes = 65;
// The whole body a push service takes is 4,096 bytes; the header (86) and the AEAD tag and
// padding delimiter (17) leave this much for the message.
inline constexpr std::size_t max_plaintext_bytes = 4096 - 86 - 17;

// RFC 8291: `plaintext` for the browser that holds `ua_public` and `auth_secret`, as one
// aes128gcm record (RFC 8188) with a fresh key pair and salt. Nothing when ua_public is not a
// point on the curve.
std::optional<std::string> encrypt(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret);
// The same with the sender's key pair and salt given (tests, against RFC 8291's example).
std::optional<std::string> encrypt_with(const p256_key& sender, std::string_view salt,
                                        std::string_view plaintext, std::string_view ua_public,
                                        std::string_view auth_secret);

// RFC 8292: the Authorization header's value, "vapid t=<JWT>, k=<public key>", for a push
// service at `audience` (the endpoint's origin), valid until `expires_at` (at most 24 h away).
std::string vapid_authorization(const p256_key& key, std::string_view audience,
                                std::string_view subject, millis expires_at);

}  // namespace ps::push
