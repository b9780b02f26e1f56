#include "push/crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

namespace ps::push {

namespace {

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("push crypto: ") + what);
}

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* p) const { Free(p); }
};
using pkey_ctx = std::unique_ptr<EVP_PKEY_CTX, freer<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using md_ctx = std::unique_ptr<EVP_MD_CTX, freer<EVP_MD_CTX, EVP_MD_CTX_free>>;
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, freer<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using param_bld = std::unique_ptr<OSSL_PARAM_BLD, freer<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params = std::unique_ptr<OSSL_PARAM, freer<OSSL_PARAM, OSSL_PARAM_free>>;
using bignum = std::unique_ptr<BIGNUM, freer<BIGNUM, BN_free>>;
using bio = std::unique_ptr<BIO, freer<BIO, BIO_free_all>>;
using ecdsa_sig = std::unique_ptr<ECDSA_SIG, freer<ECDSA_SIG, ECDSA_SIG_free>>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// A key from OSSL_PARAMs (a group, a public point, maybe a private scalar).
EVP_PKEY* key_from(std::string_view point, const BIGNUM* scalar) {
  param_bld bld(OSSL_PARAM_BLD_new());
  if (!bld) fail("OSSL_PARAM_BLD_new");
  if (!OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()) ||
      (scalar && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar)))
    fail("OSSL_PARAM_BLD_push");
  params p(OSSL_PARAM_BLD_to_param(bld.get()));
  pkey_ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!p || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) fail("EVP_PKEY_fromdata_init");
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, scalar ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        p.get()) <= 0)
    return nullptr;
  return key;
}

// A peer's point as a key, checked to lie on the curve (an invalid-curve point would leak bits
// of our scalar through ECDH).
EVP_PKEY* peer_key(std::string_view point) {
  if (point.size() != public_point_bytes || point[0] != 0x04) return nullptr;
  EVP_PKEY* key = key_from(point, nullptr);
  if (!key) return nullptr;
  pkey_ctx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return key;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out,
            &length))
    fail("HMAC");
  return {reinterpret_cast<char*>(out), length};
}

// HKDF-SHA-256 (RFC 5869) for outputs of at most one block, which is all RFC 8291 asks.
std::string hkdf(std::string_view salt, std::string_view ikm, std::string_view info,
                 std::size_t length) {
  const std::string prk = hmac_sha256(salt, ikm);
  std::string t(info);
  t += '\x01';
  return hmac_sha256(prk, t).substr(0, length);
}

std::string aes128gcm_seal(std::string_view key, std::string_view nonce,
                           std::string_view plaintext) {
  cipher_ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1)
    fail("AES-128-GCM init");
  std::string out(plaintext.size() + 16, '\0');
  int written = 0;
  int tail = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_EncryptUpdate(ctx.get(), dst, &written, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + written, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, dst + written + tail) != 1)
    fail("AES-128-GCM");
  out.resize(static_cast<std::size_t>(written + tail) + 16);
  return out;
}

}  // namespace

std::string base64url(std::string_view raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes(raw), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

void p256_key::release::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

p256_key p256_key::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) fail("EVP_PKEY_Q_keygen");
  return p256_key(key);
}

std::optional<p256_key> p256_key::from_pem(std::string_view pem) {
  bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!in) fail("BIO_new_mem_buf");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr);
  if (!key) return std::nullopt;
  if (!EVP_PKEY_is_a(key, "EC")) {
    EVP_PKEY_free(key);
    return std::nullopt;
  }
  return p256_key(key);
}

std::optional<p256_key> p256_key::from_parts(std::string_view scalar, std::string_view point) {
  if (scalar.size() != 32 || point.size() != public_point_bytes) return std::nullopt;
  bignum d(BN_bin2bn(bytes(scalar), 32, nullptr));
  if (!d) fail("BN_bin2bn");
  EVP_PKEY* key = key_from(point, d.get());
  if (!key) return std::nullopt;
  return p256_key(key);
}

std::string p256_key::pem() const {
  bio out(BIO_new(BIO_s_mem()));
  if (!out ||
      PEM_write_bio_PrivateKey(out.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  return {data, static_cast<std::size_t>(length)};
}

std::string p256_key::public_point() const {
  std::string out(public_point_bytes, '\0');
  std::size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                      reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                      &length) != 1 ||
      length != public_point_bytes)
    fail("EVP_PKEY_get_octet_string_param");
  return out;
}

std::optional<std::string> p256_key::shared_secret(std::string_view peer_point) const {
  std::unique_ptr<EVP_PKEY, release> peer(peer_key(peer_point));
  if (!peer) return std::nullopt;
  pkey_ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
  std::size_t length = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1)
    fail("EVP_PKEY_derive_init");
  std::string out(length, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length) != 1)
    fail("EVP_PKEY_derive");
  out.resize(length);
  return out;
}

std::string p256_key::sign_es256(std::string_view data) const {
  md_ctx ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes(data), data.size()) != 1)
    fail("EVP_DigestSignInit");
  std::vector<unsigned char> der(length);
  if (EVP_DigestSign(ctx.get(), der.data(), &length, bytes(data), data.size()) != 1)
    fail("EVP_DigestSign");
  const unsigned char* cursor = der.data();
  ecdsa_sig sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(length)));
  if (!sig) fail("d2i_ECDSA_SIG");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(64, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, dst, 32) != 32 || BN_bn2binpad(s, dst + 32, 32) != 32) fail("BN_bn2binpad");
  return out;
}

bool valid_public_point(std::string_view point) {
  std::unique_ptr<EVP_PKEY, freer<EVP_PKEY, EVP_PKEY_free>> key(peer_key(point));
  return key != nullptr;
}

std::optional<std::string> encrypt_with(const p256_key& sender, std::string_view salt,
                                        std::string_view plaintext, std::string_view ua_public,
                                        std::string_view auth_secret) {
  if (plaintext.size() > max_plaintext_bytes) fail("payload too large");
  auto ecdh = sender.shared_secret(ua_public);
  if (!ecdh) return std::nullopt;
  const std::string as_public = sender.public_point();
  // RFC 8291 §3.4: the IKM binds the auth secret and both public keys to the shared secret.
  std::string key_info = "WebPush: info";
  key_info += '\0';
  key_info += ua_public;
  key_info += as_public;
  const std::string ikm = hkdf(auth_secret, *ecdh, key_info, 32);
  const std::string cek =
      hkdf(salt, ikm, std::string_view("Content-Encoding: aes128gcm\0", 28), 16);
  const std::string nonce = hkdf(salt, ikm, std::string_view("Content-Encoding: nonce\0", 24), 12);
  // One record, the last: the padding delimiter 0x02 and no padding.
  std::string record(plaintext);
  record += '\x02';
  // RFC 8188 §2.1: salt, record size (4096, big-endian), key id length, key id (our point).
  std::string body(salt);
  body += std::string_view("\x00\x00\x10\x00", 4);
  body += static_cast<char>(as_public.size());
  body += as_public;
  body += aes128gcm_seal(cek, nonce, record);
  return body;
}

std::optional<std::string> encrypt(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret) {
  std::string salt(16, '\0');
  randombytes_buf(salt.data(), salt.size());
  return encrypt_with(p256_key::generate(), salt, plaintext, ua_public, auth_secret);
}

std::string vapid_authorization(const p256_key& key, std::string_view audience,
                                std::string_view subject, millis expires_at) {
  const std::string header = base64url(R"({"typ":"JWT","alg":"ES256"})");
  const nlohmann::json claims = {{"aud", audience}, {"exp", expires_at / 1000}, {"sub", subject}};
  const std::string signing_input = header + "." + base64url(claims.dump());
  const std::string jwt = signing_input + "." + base64url(key.sign_es256(signing_input));
  return "vapid t=" + jwt + ", k=" + base64url(key.public_point());
}

}  // namespace ps::push
