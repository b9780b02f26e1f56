#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;

// DKIM signing (RFC 6376) of the emails the outbox sends, with Ed25519 (RFC 8463) and RSA
// keys, relaxed/relaxed. Receivers that know Ed25519 check that signature; the others, most of
// them today, check the RSA one: signing with both is what RFC 8463 §5 suggests. OpenSSL's
// headers stay in dkim.cpp.
namespace ps::mail {

enum class dkim_algorithm { ed25519_sha256, rsa_sha256 };

// A private key that signs for `domain` (d=) under `selector` (s=): the public half is
// published at selector._domainkey.domain. Movable, not copyable: it owns the OpenSSL key.
struct dkim_key {
  std::string selector;
  std::string domain;
  dkim_algorithm algorithm = dkim_algorithm::ed25519_sha256;
  struct release {
    void operator()(evp_pkey_st* key) const;
  };
  std::unique_ptr<evp_pkey_st, release> private_key;
};

// Reads a PEM private key (PKCS#8 "BEGIN PRIVATE KEY", or "BEGIN RSA PRIVATE KEY"): Ed25519,
// or RSA of 1024 bits at least. Throws std::runtime_error saying what is wrong (no such file,
// not a key, an encrypted key, another type, an RSA key too short, a selector or domain that is
// not a DNS name), for an operator to read at startup.
dkim_key load_dkim_key(const std::filesystem::path& pem, std::string selector, std::string domain);

// `message` (an RFC 5322 message with CRLF line ends, as mail::format_rfc5322 writes it) with
// one DKIM-Signature field per key put before it, made at `unix_time` (t=). Each signs, relaxed,
// the body and those of From, To, Subject, Date, Message-ID, MIME-Version, Content-Type,
// Content-Transfer-Encoding, Reply-To, List-Unsubscribe, List-Unsubscribe-Post, List-Id and
// Feedback-ID that the message has; From, To and Subject are named once more than they occur,
// so that none can be added on the way without breaking the signature. No keys: `message` as
// it is. Throws std::invalid_argument when the header holds a CR or LF that is not part of a
// CRLF (a receiver could read it as a line end, and see fields other than those signed).
std::string dkim_sign(std::string_view message, const std::vector<dkim_key>& keys,
                      std::int64_t unix_time);

// A new key and what to publish for it. `zone_txt` is `dns_txt` as a zone file takes it: quoted
// strings of 255 characters at most (a 2048-bit RSA record is longer than one string may be).
struct dkim_generated {
  std::string private_pem;  // PKCS#8
  std::string dns_name;     // selector._domainkey.domain
  std::string dns_txt;      // v=DKIM1; k=ed25519|rsa; p=...
  std::string zone_txt;     // "v=DKIM1; k=rsa; p=..." "..."
};

// `algorithm`: "ed25519", or "rsa" (2048 bits). Throws std::runtime_error for another
// algorithm or a selector or domain that is not a DNS name.
dkim_generated generate_dkim_key(std::string_view algorithm, std::string selector,
                                 std::string domain);

// The steps of dkim_sign, apart so that tests can hold each to the RFCs' examples (whose
// signatures carry other tags and header lists than dkim_sign writes).
namespace dkim_detail {

// RFC 6376 §3.4.2: one header field (name, colon, value, folded or not, without its final CRLF)
// as "name:value", the name in lower case, unfolded, runs of spaces and tabs made one space,
// none around the colon or at the end.
std::string relaxed_header(std::string_view field);
// RFC 6376 §3.4.4: the body with runs of spaces and tabs made one space, none at line ends,
// no empty lines at the end; an empty body stays empty.
std::string relaxed_body(std::string_view body);
// bh=: base64 of the SHA-256 of the relaxed body.
std::string body_hash(std::string_view body);
// RFC 6376 §3.7 and §5.4.2: what the signature covers. For each name of `h` in turn, the last
// field of that name in `message`'s header not taken yet (none left: nothing), relaxed, with a
// CRLF; then `signature_field`, the DKIM-Signature field up to its empty "b=", relaxed, without
// a CRLF.
std::string signed_data(std::string_view message, const std::vector<std::string>& h,
                        std::string_view signature_field);
// The raw signature of `data`: Ed25519 over its SHA-256 (RFC 8463 §3), or RSASSA-PKCS1-v1_5
// with SHA-256.
std::string sign(const dkim_key& key, std::string_view data);
std::string base64(std::string_view bytes);  // with padding, as DKIM writes it

}  // namespace dkim_detail

}  // namespace ps::mail
