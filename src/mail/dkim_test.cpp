#include "mail/dkim.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mail/email.hpp"
#include "push/crypto.hpp"

namespace ps::mail {
namespace {

namespace fs = std::filesystem;
using namespace dkim_detail;

// --- helpers -----------------------------------------------------------------------------

struct pkey_free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using public_key = std::unique_ptr<EVP_PKEY, pkey_free>;

std::string from_base64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), " \t\r\n", &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    ADD_FAILURE() << "not base64: " << text;
  out.resize(length);
  return out;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

class temp_dir {
 public:
  temp_dir()
      : path_(fs::temp_directory_path() /
              ("dkim_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path write(const std::string& name, std::string_view text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return path_ / name;
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// The value of tag `name` in a DKIM-Signature or DNS record, white space removed.
std::string tag(std::string_view field, std::string_view name) {
  std::string key = std::string(name) + "=";
  std::size_t at = 0;
  while ((at = field.find(key, at)) != std::string_view::npos) {
    if (at == 0 || field[at - 1] == ' ' || field[at - 1] == ';' || field[at - 1] == ':') break;
    ++at;
  }
  if (at == std::string_view::npos) return {};
  std::string out;
  for (std::size_t i = at + key.size(); i < field.size() && field[i] != ';'; ++i)
    if (field[i] != ' ' && field[i] != '\t' && field[i] != '\r' && field[i] != '\n')
      out += field[i];
  return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(sep, start)) != std::string::npos; start = at + 1)
    out.push_back(text.substr(start, at - start));
  out.push_back(text.substr(start));
  return out;
}

// The `index`-th field of a message's header, with its continuation lines.
std::string nth_field(std::string_view message, std::size_t index) {
  std::size_t start = 0;
  for (std::size_t i = 0;; ++i) {
    std::size_t end = start;
    do end = message.find("\r\n", end) + 2;
    while (message[end] == ' ' || message[end] == '\t');
    if (i == index) return std::string(message.substr(start, end - 2 - start));
    start = end;
  }
}

// A verifier written here from RFC 6376 §6.1.3 for what dkim_sign writes: the body hash, then
// the signature over the fields h= names, with the published key.
bool verifies(std::string_view message, std::size_t index, EVP_PKEY* key) {
  const std::string field = nth_field(message, index);
  const std::string body(message.substr(message.find("\r\n\r\n") + 4));
  if (tag(field, "bh") != body_hash(body)) return false;
  const std::size_t b = field.rfind(" b=");
  const std::string signature = from_base64(tag(field, "b"));
  const std::string data =
      signed_data(message, split(tag(field, "h"), ':'), field.substr(0, b + 3));
  const bool ed25519 = tag(field, "a") == "ed25519-sha256";
  unsigned char digest[32];
  EVP_Digest(data.data(), data.size(), digest, nullptr, EVP_sha256(), nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, ed25519 ? nullptr : EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(),
                       ed25519 ? digest : reinterpret_cast<const unsigned char*>(data.data()),
                       ed25519 ? 32 : data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// The key a DNS record publishes, as a receiver reads it.
public_key published_key(const std::string& dns_txt) {
  const std::string raw = from_base64(tag(dns_txt, "p"));
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  if (tag(dns_txt, "k") == "ed25519")
    return public_key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, raw.size()));
  return public_key(d2i_PUBKEY(nullptr, &bytes, static_cast<long>(raw.size())));
}

// --- RFC 6376 §3.4.5 ---------------------------------------------------------------------

TEST(DkimCanonicalization, Rfc6376HeaderExample) {
  EXPECT_EQ(relaxed_header("A: X"), "a:X");
  EXPECT_EQ(relaxed_header("B : Y\t\r\n\tZ  "), "b:Y Z");
}

TEST(DkimCanonicalization, Rfc6376BodyExample) {
  EXPECT_EQ(relaxed_body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
}

TEST(DkimCanonicalization, EdgesOfTheBody) {
  // §3.4.4: an empty body stays empty under relaxed (simple would make it one CRLF), so its
  // hash is that of nothing; so is a body of empty or blank lines.
  EXPECT_EQ(relaxed_body(""), "");
  EXPECT_EQ(body_hash(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(relaxed_body("\r\n\r\n"), "");
  EXPECT_EQ(relaxed_body(" \t\r\n\t\r\n"), "");
  EXPECT_EQ(relaxed_body("last line"), "last line\r\n");
  EXPECT_EQ(relaxed_body("a  \r\n\r\nb\t\r\n \r\n"), "a\r\n\r\nb\r\n");
}

TEST(DkimCanonicalization, ValuesKeepTheirInnerColonsAndSpaces) {
  EXPECT_EQ(relaxed_header("Subject: Re: a\t\tb  "), "subject:Re: a b");
  EXPECT_EQ(relaxed_header("Date:Fri, 11 Jul 2003 21:00:37"), "date:Fri, 11 Jul 2003 21:00:37");
  EXPECT_EQ(relaxed_header("X-Empty:   "), "x-empty:");
}

// --- RFC 8463 Appendix A: its keys, its message, its two signatures ------------------------

constexpr std::string_view rfc_message =
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";
const std::vector<std::string> rfc_h = {"from",       "to",   "subject", "date",
                                        "message-id", "from", "subject", "date"};

// A.1 gives the Ed25519 key as its raw 32 bytes (RFC 8032's first test key); a PKCS#8 file holds
// them after this fixed DER prefix (RFC 8410 §7).
std::string ed25519_pem(std::string_view seed) {
  const std::string der = from_hex("302e020100300506032b657004220420") + std::string(seed);
  return "-----BEGIN PRIVATE KEY-----\n" + base64(der) + "\n-----END PRIVATE KEY-----\n";
}

// A.1's RSA key (1024 bits, the traditional PKCS#1 form).
constexpr std::string_view rfc_rsa_pem =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";

TEST(DkimRfc8463, BodyHash) {
  EXPECT_EQ(body_hash(rfc_message.substr(rfc_message.find("\r\n\r\n") + 4)),
            "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
}

TEST(DkimRfc8463, Ed25519SignatureByteForByte) {
  temp_dir dir;
  const std::string seed = from_base64("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
  const dkim_key key =
      load_dkim_key(dir.write("ed.pem", ed25519_pem(seed)), "brisbane", "football.example.com");
  EXPECT_EQ(key.algorithm, dkim_algorithm::ed25519_sha256);
  // A.3's field, as published, up to its b= (whose value a signer leaves out, §3.7).
  const std::string field =
      "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
      " d=football.example.com; i=@football.example.com;\r\n"
      " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
      " subject : date : message-id : from : subject : date;\r\n"
      " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
      " b=";
  EXPECT_EQ(base64(sign(key, signed_data(rfc_message, rfc_h, field))),
            "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus"
            "Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==");
}

TEST(DkimRfc8463, RsaSignatureByteForByte) {
  // RSASSA-PKCS1-v1_5 is deterministic too, so A.3's RSA signature can be matched as well.
  temp_dir dir;
  const dkim_key key =
      load_dkim_key(dir.write("rsa.pem", rfc_rsa_pem), "test", "football.example.com");
  EXPECT_EQ(key.algorithm, dkim_algorithm::rsa_sha256);
  const std::string field =
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
      " d=football.example.com; i=@football.example.com;\r\n"
      " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
      " date : message-id : from : subject : date;\r\n"
      " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
      " b=";
  EXPECT_EQ(base64(sign(key, signed_data(rfc_message, rfc_h, field))),
            "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3"
            "DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz"
            "dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=");
}

// --- dkim_sign -----------------------------------------------------------------------------

// Keys made once: a 2048-bit RSA key takes a while under the sanitizers.
struct generated_keys {
  dkim_generated ed25519 = generate_dkim_key("ed25519", "ed", "example.org");
  dkim_generated rsa = generate_dkim_key("rsa", "rsa", "example.org");
  temp_dir dir;
  std::vector<dkim_key> load() const {
    std::vector<dkim_key> keys;
    keys.push_back(load_dkim_key(dir.write("ed.pem", ed25519.private_pem), "ed", "example.org"));
    keys.push_back(load_dkim_key(dir.write("rsa.pem", rsa.private_pem), "rsa", "example.org"));
    return keys;
  }
};
const generated_keys& keys() {
  static const generated_keys k;
  return k;
}

email sample_email(std::string subject) {
  email e;
  e.from = "Petite Salle <noreply@example.org>";
  e.to = "ana@example.net";
  e.subject = std::move(subject);
  e.text_body = "Bonjour,\n\nUn nouveau message vous attend.  \n\n\n";
  e.message_id = "outbox-42@example.org";
  return e;
}
const auto sample_time = std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01

TEST(DkimSign, OneFieldPerKeyThatEachVerifiesWithItsPublishedKey) {
  const std::string message = format_rfc5322(sample_email("Réunion de jeudi"), sample_time);
  const std::string signed_message = dkim_sign(message, keys().load(), 1767225600);
  ASSERT_TRUE(signed_message.ends_with(message));
  EXPECT_TRUE(nth_field(signed_message, 0).starts_with("DKIM-Signature: v=1; a=ed25519-sha256;"));
  EXPECT_TRUE(nth_field(signed_message, 1).starts_with("DKIM-Signature: v=1; a=rsa-sha256;"));
  EXPECT_TRUE(verifies(signed_message, 0, published_key(keys().ed25519.dns_txt).get()));
  EXPECT_TRUE(verifies(signed_message, 1, published_key(keys().rsa.dns_txt).get()));
  // The keys are not swapped: each signature fails with the other key.
  EXPECT_FALSE(verifies(signed_message, 0, published_key(keys().rsa.dns_txt).get()));
}

TEST(DkimSign, TagsSignedFieldsAndFolding) {
  const std::string message = format_rfc5322(sample_email("Hello"), sample_time);
  const std::string signed_message = dkim_sign(message, keys().load(), 1767225600);
  const std::string field = nth_field(signed_message, 0);
  EXPECT_EQ(tag(field, "c"), "relaxed/relaxed");
  EXPECT_EQ(tag(field, "d"), "example.org");
  EXPECT_EQ(tag(field, "s"), "ed");
  EXPECT_EQ(tag(field, "t"), "1767225600");
  // Auto-Submitted is not in the list; From, To and Subject are over-signed.
  EXPECT_EQ(tag(field, "h"),
            "From:To:Subject:Date:Message-ID:MIME-Version:Content-Type:Content-Transfer-Encoding:"
            "From:To:Subject");
  for (const std::string& line :
       split(signed_message.substr(0, signed_message.size() - message.size()), '\n'))
    EXPECT_LE(line.size(), 79u) << line;  // 78 and the CR
  // Folded, each continuation line starting with one space.
  const auto lines = split(field, '\n');
  EXPECT_EQ(lines.size(), 5u);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_TRUE(lines[i].starts_with(" ")) << lines[i];
}

TEST(DkimSign, ListFieldsAndReplyToAreSigned) {
  email e = sample_email("Lettre");
  e.reply_to = "bureau@example.org";
  e.headers = {{"List-Unsubscribe", "<https://example.org/u/1>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
               {"List-Id", "<lettre.example.org>"}};
  const std::string signed_message =
      dkim_sign(format_rfc5322(e, sample_time), keys().load(), 1767225600);
  const auto names = split(tag(nth_field(signed_message, 0), "h"), ':');
  for (const char* name : {"Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"})
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name;
  EXPECT_TRUE(verifies(signed_message, 0, published_key(keys().ed25519.dns_txt).get()));
}

TEST(DkimSign, ChangingTheBodyOrAddingAnOverSignedFieldBreaksIt) {
  const std::string message = format_rfc5322(sample_email("Hello"), sample_time);
  const std::string signed_message = dkim_sign(message, keys().load(), 1767225600);
  const auto ed = published_key(keys().ed25519.dns_txt);
  std::string body_changed = signed_message;
  body_changed.replace(body_changed.find("Bonjour"), 7, "Bonsoir");
  EXPECT_FALSE(verifies(body_changed, 0, ed.get()));
  // A second Subject below the first: a verifier takes the bottom one for the first "subject"
  // of h=, which is not the one signed.
  std::string added = signed_message;
  added.insert(added.find("\r\n\r\n") + 2, "Subject: Send money\r\n");
  EXPECT_FALSE(verifies(added, 0, ed.get()));
  // Only white space changed: relaxed still verifies.
  std::string respaced = signed_message;
  respaced.replace(respaced.find("Subject: Hello"), 14, "Subject:   Hello  ");
  EXPECT_TRUE(verifies(respaced, 0, ed.get()));
}

TEST(DkimSign, NoKeysLeavesTheMessageAsItIs) {
  const std::string message = format_rfc5322(sample_email("Hello"), sample_time);
  EXPECT_EQ(dkim_sign(message, {}, 0), message);
}

TEST(DkimSign, LineBreaksCannotChangeWhatIsSigned) {
  // Through the formatter, a subject's line breaks are dropped: same fields signed as without.
  const std::string injected =
      format_rfc5322(sample_email("Hello\r\nFrom: boss@example.com\nBcc: x@y"), sample_time);
  const std::string signed_message = dkim_sign(injected, keys().load(), 1767225600);
  EXPECT_EQ(tag(nth_field(signed_message, 0), "h"),
            tag(nth_field(dkim_sign(format_rfc5322(sample_email("Hello"), sample_time),
                                    keys().load(), 1767225600),
                          0),
                "h"));
  EXPECT_TRUE(verifies(signed_message, 0, published_key(keys().ed25519.dns_txt).get()));
  // Given directly, a lone LF or CR in the header is refused, not signed: a receiver that ends
  // lines there would see a From that the signature does not cover.
  const std::vector<dkim_key> k = keys().load();
  for (const char* header : {"From: a@example.org\r\nSubject: hi\nFrom: boss@example.com\r\n",
                             "From: a@example.org\r\nSubject: hi\rFrom: boss@example.com\r\n",
                             "From: a@example.org\r\nSubject: hi\r\n\nFrom: boss@example.com\r\n"})
    EXPECT_THROW(dkim_sign(std::string(header) + "\r\nbody\r\n", k, 0), std::invalid_argument)
        << header;
}

// --- keys ------------------------------------------------------------------------------------

std::string load_error(const fs::path& path, std::string selector = "s",
                       std::string domain = "example.org") {
  try {
    load_dkim_key(path, std::move(selector), std::move(domain));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string pem_of(EVP_PKEY* key) {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(out);
  EVP_PKEY_free(key);
  return pem;
}

TEST(DkimKeys, LoadErrorsSayWhatIsWrong) {
  temp_dir dir;
  EXPECT_NE(load_error(dir.path() / "missing.pem").find("no such file"), std::string::npos);
  EXPECT_NE(load_error(dir.write("text.pem", "hello\n")).find("not a PEM private key"),
            std::string::npos);
  const std::string ec = load_error(dir.write("ec.pem", push::p256_key::generate().pem()));
  EXPECT_NE(ec.find("type EC"), std::string::npos) << ec;
  EXPECT_NE(ec.find("Ed25519 or RSA"), std::string::npos) << ec;
  const std::string small = load_error(dir.write(
      "rsa512.pem", pem_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{512}))));
  EXPECT_NE(small.find("512 bits"), std::string::npos) << small;
  EXPECT_NE(small.find("1024"), std::string::npos) << small;
}

TEST(DkimKeys, SelectorAndDomainMustBeDnsNames) {
  temp_dir dir;
  const fs::path pem = dir.write("ed.pem", keys().ed25519.private_pem);
  EXPECT_EQ(load_error(pem, "s2026", "mail.example.org"), "(loaded)");
  for (const char* bad : {"", "a;b", "a b", "a\r\nb", "-a", "a..b", "a_b"}) {
    EXPECT_NE(load_error(pem, bad), "(loaded)") << bad;
    EXPECT_NE(load_error(pem, "s", bad), "(loaded)") << bad;
  }
  EXPECT_THROW(generate_dkim_key("ed25519", "s;t=1", "example.org"), std::runtime_error);
  EXPECT_THROW(generate_dkim_key("dsa", "s", "example.org"), std::runtime_error);
}

TEST(DkimKeys, GeneratedRecords) {
  const dkim_generated& ed = keys().ed25519;
  EXPECT_EQ(ed.dns_name, "ed._domainkey.example.org");
  EXPECT_TRUE(ed.private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
  EXPECT_TRUE(ed.dns_txt.starts_with("v=DKIM1; k=ed25519; p="));
  EXPECT_EQ(from_base64(tag(ed.dns_txt, "p")).size(), 32u);
  EXPECT_EQ(ed.zone_txt, '"' + ed.dns_txt + '"');

  const dkim_generated& rsa = keys().rsa;
  EXPECT_TRUE(rsa.dns_txt.starts_with("v=DKIM1; k=rsa; p=MIIBIjAN"));  // SPKI, 2048 bits
  const public_key rsa_public = published_key(rsa.dns_txt);
  ASSERT_TRUE(rsa_public);
  EXPECT_EQ(EVP_PKEY_get_bits(rsa_public.get()), 2048);
  // The zone file form: quoted strings of 255 characters at most, the record once joined.
  std::string joined;
  std::size_t quoted = 0;
  for (std::size_t open = rsa.zone_txt.find('"'); open != std::string::npos;
       open = rsa.zone_txt.find('"', open + 1)) {
    const std::size_t close = rsa.zone_txt.find('"', open + 1);
    ASSERT_NE(close, std::string::npos);
    EXPECT_LE(close - open - 1, 255u);
    joined += rsa.zone_txt.substr(open + 1, close - open - 1);
    ++quoted;
    open = close;
  }
  EXPECT_EQ(joined, rsa.dns_txt);
  EXPECT_EQ(quoted, 2u);
}

}  // namespace
}  // namespace ps::mail
