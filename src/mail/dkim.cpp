#include "mail/dkim.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace ps::mail {

namespace {

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* p) const { Free(p); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, freer<EVP_MD_CTX, EVP_MD_CTX_free>>;
using bio = std::unique_ptr<BIO, freer<BIO, BIO_free_all>>;
using owned_key = std::unique_ptr<EVP_PKEY, dkim_key::release>;

// RFC 5322 §2.1.1 asks lines of 78 characters at most; folding happens between tags, between
// the names of h= and anywhere in b=, so only a domain or selector near that long exceeds it.
constexpr std::size_t max_line = 78;
// RFC 8301 §3.2: verifiers must not accept RSA keys under 1024 bits, and signers must not use
// them; 2048 is what it asks signers to use, and what dkim-keygen makes.
constexpr int min_rsa_bits = 1024;
constexpr int generated_rsa_bits = 2048;

// The fields signed when present, in the order h= lists them. From, To and Subject are named
// once more than they occur ("over-signing", RFC 6376 §8.15): a verifier then finds a
// field the signer saw as missing, and adding one breaks the signature.
// clang-format off
constexpr std::string_view signed_fields[] = {
    "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post",
    "List-Id", "Feedback-ID"};
// clang-format on
constexpr std::string_view over_signed_fields[] = {"From", "To", "Subject"};

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim_wsp_right(std::string_view s) {
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

// One field of the header: its name (as written, spaces before the colon dropped) and its
// whole text from the name to the end of its last line, without the final CRLF.
struct header_field {
  std::string_view name;
  std::string_view text;
};

struct parsed_message {
  std::vector<header_field> fields;
  std::string_view body;
};

parsed_message parse(std::string_view message) {
  parsed_message out;
  std::size_t pos = 0;
  while (pos < message.size()) {
    if (message.substr(pos, 2) == "\r\n") {
      out.body = message.substr(pos + 2);
      return out;
    }
    std::size_t end = message.find("\r\n", pos);
    if (end == std::string_view::npos) end = message.size();
    const std::string_view line = message.substr(pos, end - pos);
    // A lone CR or LF is a line end to some software and not to others: what they would read
    // as fields is not what is signed here, so such a message is refused, not signed.
    if (line.find_first_of("\r\n") != std::string_view::npos)
      throw std::invalid_argument("dkim: a lone CR or LF in the message's header");
    if (is_wsp(line.front())) {
      if (out.fields.empty()) throw std::invalid_argument("dkim: the header starts with a space");
      auto& last = out.fields.back();
      last.text = std::string_view(last.text.data(), message.data() + end - last.text.data());
    } else {
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos)
        throw std::invalid_argument("dkim: a header line without a colon");
      out.fields.push_back({trim_wsp_right(line.substr(0, colon)), line});
    }
    pos = std::min(end + 2, message.size());
  }
  return out;  // a header and no body
}

std::string sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("dkim: SHA-256 failed");
  return {reinterpret_cast<char*>(out), length};
}

// Builds a header field, starting a new line (CRLF and one space) before an atom that would
// take the line past max_line.
class folder {
 public:
  explicit folder(std::string_view start) : text_(start), line_(start.size()) {}
  // `spaced`: the atom follows a space (between tags), or directly (inside h=).
  void add(std::string_view atom, bool spaced = true) {
    const std::size_t needed = atom.size() + (spaced ? 1 : 0);
    if (line_ + needed > max_line && line_ > 1) {
      text_ += "\r\n ";
      line_ = 1;
    } else if (spaced) {
      text_ += ' ';
      ++line_;
    }
    text_ += atom;
    line_ += atom.size();
  }
  // Base64 may be folded anywhere (RFC 6376 §3.5, b=): fills each line to max_line.
  void add_split(std::string_view value) {
    while (!value.empty()) {
      if (line_ >= max_line) {
        text_ += "\r\n ";
        line_ = 1;
      }
      const std::size_t n = std::min(value.size(), max_line - line_);
      text_ += value.substr(0, n);
      line_ += n;
      value.remove_prefix(n);
    }
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::size_t line_;
};

// RFC 6376 §3.5 takes selectors and domains as DNS names: letters, digits and inner hyphens in
// labels of 63 characters at most. Both go into the signature and the DNS record as they are,
// so this also keeps ';', spaces and line breaks out of both.
void check_dns_name(std::string_view what, std::string_view name) {
  const auto bad = [&](std::string_view why) {
    throw std::runtime_error("DKIM " + std::string(what) + " \"" + std::string(name) +
                             "\": " + std::string(why));
  };
  if (name.empty()) bad("empty");
  if (name.size() > 253) bad("longer than a DNS name may be");
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63)
      bad("each dot-separated part must hold 1 to 63 characters");
    if (label.front() == '-' || label.back() == '-') bad("a part may not start or end with '-'");
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
        bad("only letters, digits, '-' and '.' may be used");
    start = dot + 1;
  }
}

// OpenSSL asks for a passphrase on the terminal when none is given: a server must not wait for
// one. Encrypted keys are refused earlier with a clearer message; this is the safety net.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw std::runtime_error("DKIM key " + path.string() + ": no such file");
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error("DKIM key " + path.string() + ": is a folder, not a PEM file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf()))
    throw std::runtime_error("DKIM key " + path.string() + ": cannot be read (permissions?)");
  return std::move(text).str();
}

}  // namespace

void dkim_key::release::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

dkim_key load_dkim_key(const std::filesystem::path& pem, std::string selector, std::string domain) {
  check_dns_name("selector", selector);
  check_dns_name("domain", domain);
  const std::string text = read_file(pem);
  const auto fail = [&](const std::string& why) -> void {
    throw std::runtime_error("DKIM key " + pem.string() + ": " + why);
  };
  if (text.find("ENCRYPTED") != std::string::npos)
    fail("is encrypted; the server needs it unencrypted (mode 0600, readable by it alone)");
  bio in(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!in) throw std::bad_alloc();
  owned_key key(PEM_read_bio_PrivateKey(in.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();  // a failed read leaves its reasons in the thread's queue
  if (!key)
    fail(
        "not a PEM private key (expected \"-----BEGIN PRIVATE KEY-----\"; make one with "
        "petitesalle dkim-keygen)");
  dkim_key out;
  if (EVP_PKEY_is_a(key.get(), "ED25519")) {
    out.algorithm = dkim_algorithm::ed25519_sha256;
  } else if (EVP_PKEY_is_a(key.get(), "RSA")) {
    const int bits = EVP_PKEY_get_bits(key.get());
    if (bits < min_rsa_bits)
      fail("an RSA key of " + std::to_string(bits) +
           " bits; receivers ignore DKIM signatures by RSA keys under 1024 bits (RFC 8301): "
           "use 2048");
    out.algorithm = dkim_algorithm::rsa_sha256;
  } else {
    fail(std::string("a key of type ") + EVP_PKEY_get0_type_name(key.get()) +
         "; DKIM signs with Ed25519 or RSA keys only");
  }
  out.selector = std::move(selector);
  out.domain = std::move(domain);
  out.private_key = std::move(key);
  return out;
}

std::string dkim_sign(std::string_view message, const std::vector<dkim_key>& keys,
                      std::int64_t unix_time) {
  if (keys.empty()) return std::string(message);
  const parsed_message parsed = parse(message);
  const auto count = [&](std::string_view name) {
    return std::count_if(parsed.fields.begin(), parsed.fields.end(),
                         [&](const header_field& f) { return same_name(f.name, name); });
  };
  std::vector<std::string> h;
  for (std::string_view name : signed_fields)
    for (auto n = count(name); n > 0; --n) h.emplace_back(name);
  // Named once more than they occur: From is then always in h=, as RFC 6376 §5.4 requires.
  for (std::string_view name : over_signed_fields) h.emplace_back(name);
  const std::string bh = dkim_detail::body_hash(parsed.body);

  std::string signatures;
  for (const dkim_key& key : keys) {
    folder field("DKIM-Signature:");
    field.add("v=1;");
    field.add(key.algorithm == dkim_algorithm::ed25519_sha256 ? "a=ed25519-sha256;"
                                                              : "a=rsa-sha256;");
    field.add("c=relaxed/relaxed;");
    field.add("d=" + key.domain + ";");
    field.add("s=" + key.selector + ";");
    field.add("t=" + std::to_string(unix_time) + ";");
    for (std::size_t i = 0; i < h.size(); ++i)
      field.add((i == 0 ? "h=" : "") + h[i] + (i + 1 < h.size() ? ":" : ";"), i == 0);
    field.add("bh=" + bh + ";");
    field.add("b=");
    const std::string data = dkim_detail::signed_data(message, h, field.text());
    field.add_split(dkim_detail::base64(dkim_detail::sign(key, data)));
    signatures += field.text();
    signatures += "\r\n";
  }
  return signatures + std::string(message);
}

namespace dkim_detail {

std::string relaxed_header(std::string_view field) {
  const std::size_t colon = field.find(':');
  std::string out;
  for (char c : trim_wsp_right(field.substr(0, colon))) out += lower(c);
  out += ':';
  if (colon == std::string_view::npos) return out;
  bool in_space = false;
  bool started = false;  // no space between the colon and the value
  for (std::size_t i = colon + 1; i < field.size(); ++i) {
    const char c = field[i];
    if (c == '\r' && i + 1 < field.size() && field[i + 1] == '\n') {
      ++i;  // unfolding: the CRLF goes, the space after it stays (and is reduced below)
    } else if (is_wsp(c)) {
      in_space = true;
    } else {
      if (in_space && started) out += ' ';
      in_space = false;
      started = true;
      out += c;
    }
  }
  return out;  // spaces at the end were never written
}

std::string relaxed_body(std::string_view body) {
  std::string out;
  std::size_t keep = 0;  // the end of the last line that is not empty
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find("\r\n", pos);
    const std::size_t next = end == std::string_view::npos ? body.size() : end + 2;
    if (end == std::string_view::npos) end = body.size();  // a last line without CRLF gets one
    const std::size_t start = out.size();
    bool in_space = false;
    for (char c : body.substr(pos, end - pos)) {
      if (is_wsp(c)) {
        in_space = true;
        continue;
      }
      if (in_space) out += ' ';
      in_space = false;
      out += c;
    }
    out += "\r\n";
    if (out.size() > start + 2) keep = out.size();
    pos = next;
  }
  out.resize(keep);
  return out;
}

std::string body_hash(std::string_view body) {
  return base64(sha256(relaxed_body(body)));
}

std::string signed_data(std::string_view message, const std::vector<std::string>& h,
                        std::string_view signature_field) {
  const parsed_message parsed = parse(message);
  std::vector<bool> taken(parsed.fields.size(), false);
  std::string out;
  for (const std::string& name : h) {
    for (std::size_t i = parsed.fields.size(); i-- > 0;) {
      if (taken[i] || !same_name(parsed.fields[i].name, name)) continue;
      taken[i] = true;
      out += relaxed_header(parsed.fields[i].text);
      out += "\r\n";
      break;
    }
  }
  out += relaxed_header(signature_field);
  return out;
}

std::string sign(const dkim_key& key, std::string_view data) {
  // RFC 8463 §3: Ed25519 signs the SHA-256 of the data, itself hashed again inside Ed25519
  // (pure Ed25519, no digest given to OpenSSL); RSA signs the data with SHA-256 as usual.
  const bool ed25519 = key.algorithm == dkim_algorithm::ed25519_sha256;
  const std::string digest = ed25519 ? sha256(data) : std::string();
  const std::string_view input = ed25519 ? std::string_view(digest) : data;
  md_ctx ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, ed25519 ? nullptr : EVP_sha256(), nullptr,
                         key.private_key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes, input.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("dkim: signing failed");
  }
  std::string out(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, bytes,
                     input.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("dkim: signing failed");
  }
  out.resize(length);
  return out;
}

std::string base64(std::string_view raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace dkim_detail

dkim_generated generate_dkim_key(std::string_view algorithm, std::string selector,
                                 std::string domain) {
  check_dns_name("selector", selector);
  check_dns_name("domain", domain);
  const bool ed25519 = algorithm == "ed25519";
  if (!ed25519 && algorithm != "rsa")
    throw std::runtime_error("DKIM algorithm \"" + std::string(algorithm) +
                             "\": use ed25519 or rsa");
  owned_key key(ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                                            static_cast<std::size_t>(generated_rsa_bits)));
  if (!key) throw std::runtime_error("dkim: key generation failed");

  dkim_generated out;
  bio pem(BIO_new(BIO_s_mem()));
  if (!pem ||
      PEM_write_bio_PrivateKey(pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("dkim: PEM_write_bio_PrivateKey failed");
  char* pem_data = nullptr;
  const long pem_length = BIO_get_mem_data(pem.get(), &pem_data);
  out.private_pem.assign(pem_data, static_cast<std::size_t>(pem_length));

  // RFC 8463 §4: the raw 32-byte Ed25519 key; RFC 6376 §3.6.1: RSA as SubjectPublicKeyInfo.
  std::string public_key;
  if (ed25519) {
    std::size_t length = 32;
    public_key.resize(length);
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(public_key.data()),
                                    &length) != 1)
      throw std::runtime_error("dkim: EVP_PKEY_get_raw_public_key failed");
    public_key.resize(length);
  } else {
    const int length = i2d_PUBKEY(key.get(), nullptr);
    if (length <= 0) throw std::runtime_error("dkim: i2d_PUBKEY failed");
    public_key.resize(static_cast<std::size_t>(length));
    auto* cursor = reinterpret_cast<unsigned char*>(public_key.data());
    i2d_PUBKEY(key.get(), &cursor);
  }
  out.dns_name = selector + "._domainkey." + domain;
  out.dns_txt = std::string("v=DKIM1; k=") + (ed25519 ? "ed25519" : "rsa") +
                "; p=" + dkim_detail::base64(public_key);
  // RFC 1035 §3.3.14: one character-string holds 255 bytes; receivers join a record's strings.
  for (std::size_t i = 0; i < out.dns_txt.size(); i += 255) {
    if (i > 0) out.zone_txt += ' ';
    out.zone_txt += '"' + out.dns_txt.substr(i, 255) + '"';
  }
  return out;
}

}  // namespace ps::mail
