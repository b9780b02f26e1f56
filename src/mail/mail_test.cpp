#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mail/email.hpp"
#include "mail/transport.hpp"

extern char** environ;

namespace ps::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// --- decoding, written from the RFCs (and how Python's email package reads them) ---------

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string base64_decode(std::string_view in) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : in) {
    const auto v = alphabet.find(c);
    if (v == std::string_view::npos) continue;  // '=' padding
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// RFC 2045 quoted-printable: "=\r\n" is a soft break, "=XX" a byte, trailing whitespace on a
// line is dropped (as Python's quopri does).
std::string qp_decode(std::string_view body) {
  std::string out;
  while (!body.empty()) {
    const auto eol = body.find("\r\n");
    std::string_view line = body.substr(0, eol);
    body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 2);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    bool soft = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '=') {
        out += line[i];
      } else if (i + 1 == line.size()) {
        soft = true;
      } else if (i + 2 < line.size() && hex_value(line[i + 1]) >= 0 &&
                 hex_value(line[i + 2]) >= 0) {
        out += static_cast<char>(hex_value(line[i + 1]) * 16 + hex_value(line[i + 2]));
        i += 2;
      } else {
        out += '=';  // malformed: kept as is, as lenient decoders do
      }
    }
    if (!soft && eol != std::string_view::npos) out += "\r\n";
  }
  return out;
}

// A header value unfolded, with its RFC 2047 encoded words decoded (whitespace between two
// encoded words is dropped, as the RFC says).
std::string decode_header(std::string value) {
  for (std::size_t p; (p = value.find("\r\n")) != std::string::npos;) value.erase(p, 2);
  for (std::size_t p; (p = value.find('\n')) != std::string::npos;) value.erase(p, 1);
  std::string out;
  std::size_t i = 0;
  bool last_was_word = false;
  std::string pending_space;
  while (i < value.size()) {
    if (value.compare(i, 2, "=?") == 0) {
      const auto q1 = value.find('?', i + 2);
      const auto q2 = q1 == std::string::npos ? q1 : value.find('?', q1 + 1);
      const auto end = q2 == std::string::npos ? q2 : value.find("?=", q2 + 1);
      if (end != std::string::npos) {
        const std::string encoding = value.substr(q1 + 1, q2 - q1 - 1);
        const std::string text = value.substr(q2 + 1, end - q2 - 1);
        if (!last_was_word) out += pending_space;
        pending_space.clear();
        if (encoding == "B" || encoding == "b") {
          out += base64_decode(text);
        } else {
          std::string q;
          for (std::size_t k = 0; k < text.size(); ++k) {
            if (text[k] == '_') {
              q += ' ';
            } else if (text[k] == '=' && k + 2 < text.size()) {
              q += static_cast<char>(hex_value(text[k + 1]) * 16 + hex_value(text[k + 2]));
              k += 2;
            } else {
              q += text[k];
            }
          }
          out += q;
        }
        last_was_word = true;
        i = end + 2;
        continue;
      }
    }
    if (value[i] == ' ' || value[i] == '\t') {
      pending_space += value[i++];
      continue;
    }
    out += pending_space;
    pending_space.clear();
    out += value[i++];
    last_was_word = false;
  }
  return out + pending_space;
}

struct parsed_message {
  std::vector<std::pair<std::string, std::string>> headers;  // raw (folded) values
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

// Headers until the first empty line; works with CRLF and with LF line ends.
parsed_message parse(std::string_view text) {
  parsed_message m;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !m.headers.empty()) {
      m.headers.back().second += "\r\n" + std::string(line);
      continue;
    }
    const auto colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    m.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  m.body = std::string(text);
  return m;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const auto eol = text.find("\r\n");
    lines.emplace_back(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 2);
  }
  return lines;
}

// What the body should decode to: line breaks as CRLF, and a final one.
std::string normalized(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

const auto fixed_now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 5min + 3s;

email sample() {
  return {"Petite Salle <noreply@localhost>", "alice@example.com", "Welcome",
          "Hello Alice,\nwelcome.\n", "outbox-42@petitesalle"};
}

void expect_well_formed(const std::string& message) {
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      ASSERT_TRUE(i > 0 && message[i - 1] == '\r') << "bare LF at " << i;
    }
    if (message[i] == '\r') {
      ASSERT_TRUE(i + 1 < message.size() && message[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  for (const auto& line : lines_of(message)) {
    EXPECT_LE(line.size(), 76u) << line;
  }
}

// --- format_rfc5322 -------------------------------------------------------------------

TEST(format_rfc5322, has_the_headers_in_order_and_crlf_line_ends) {
  const std::string message = format_rfc5322(sample(), fixed_now);
  expect_well_formed(message);
  EXPECT_EQ(message,
            "Date: Fri, 27 Nov 2026 00:05:03 +0000\r\n"
            "From: Petite Salle <noreply@localhost>\r\n"
            "To: alice@example.com\r\n"
            "Subject: Welcome\r\n"
            "Message-ID: <outbox-42@petitesalle>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "\r\n"
            "Hello Alice,\r\n"
            "welcome.\r\n");
}

TEST(format_rfc5322, date_is_utc_with_the_right_weekday) {
  using namespace std::chrono;
  const auto at = [](sys_days day) {
    return parse(format_rfc5322(sample(), day + 23h + 59min + 59s)).header("Date").value();
  };
  EXPECT_EQ(at(sys_days{year{2024} / 2 / 29}), "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(at(sys_days{year{2000} / 1 / 1}), "Sat, 01 Jan 2000 23:59:59 +0000");
  EXPECT_EQ(at(sys_days{year{1970} / 1 / 1}), "Thu, 01 Jan 1970 23:59:59 +0000");
}

TEST(format_rfc5322, bare_from_address) {
  email e = sample();
  e.from = "host@example.com";
  EXPECT_EQ(parse(format_rfc5322(e, fixed_now)).header("From"), "host@example.com");
}

TEST(format_rfc5322, from_display_name_is_quoted_or_encoded) {
  email e = sample();
  e.from = "Petite \"Salle\", Paris <noreply@localhost>";
  EXPECT_EQ(parse(format_rfc5322(e, fixed_now)).header("From"),
            "\"Petite \\\"Salle\\\", Paris\" <noreply@localhost>");
  e.from = "\xC3\x89quipe Petite Salle <noreply@localhost>";
  const auto from = parse(format_rfc5322(e, fixed_now)).header("From").value();
  EXPECT_TRUE(from.starts_with("=?UTF-8?B?")) << from;
  EXPECT_EQ(decode_header(from), "\xC3\x89quipe Petite Salle <noreply@localhost>");
}

TEST(format_rfc5322, non_ascii_subject_is_an_encoded_word) {
  email e = sample();
  e.subject = "Bienvenue \xC3\xA0 la Petite Salle \xE2\x80\x94 \xC3\xA9t\xC3\xA9";
  const std::string message = format_rfc5322(e, fixed_now);
  expect_well_formed(message);
  const auto subject = parse(message).header("Subject").value();
  EXPECT_TRUE(subject.starts_with("=?UTF-8?B?")) << subject;
  EXPECT_EQ(decode_header(subject), e.subject);
}

TEST(format_rfc5322, long_subjects_fold_without_splitting_characters) {
  email e = sample();
  for (int i = 0; i < 40; ++i) e.subject += " \xC3\xA9\xF0\x9F\x8E\x89 caf\xC3\xA9";
  std::string message = format_rfc5322(e, fixed_now);
  expect_well_formed(message);
  const auto subject = parse(message).header("Subject").value();
  EXPECT_EQ(decode_header(subject), e.subject);
  // Each encoded word alone decodes to whole characters: no word ends inside one.
  for (std::size_t p = 0; (p = subject.find("=?UTF-8?B?", p)) != std::string::npos;) {
    const auto end = subject.find("?=", p + 10);
    const std::string part = base64_decode(subject.substr(p + 10, end - p - 10));
    const auto last = static_cast<unsigned char>(part.back());
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80);
    const auto first = static_cast<unsigned char>(part.front());
    EXPECT_NE(first & 0xC0, 0x80) << "word starts inside a character";
    p = end;
  }

  e.subject.clear();
  for (int i = 0; i < 30; ++i) e.subject += "word" + std::to_string(i) + " ";
  message = format_rfc5322(e, fixed_now);
  expect_well_formed(message);
  EXPECT_EQ(decode_header(parse(message).header("Subject").value()), e.subject);
  EXPECT_EQ(message.find("=?"), std::string::npos) << "plain ASCII needs no encoding";
}

TEST(format_rfc5322, ascii_that_looks_encoded_is_encoded) {
  email e = sample();
  e.subject = "=?UTF-8?B?SGk=?=";
  EXPECT_EQ(decode_header(parse(format_rfc5322(e, fixed_now)).header("Subject").value()),
            e.subject);
}

TEST(format_rfc5322, line_breaks_cannot_inject_headers) {
  email e = sample();
  e.subject = "Hi\r\nBcc: mallory@example.com";
  e.from = "Evil\nBcc: x@y <noreply@localhost>";
  e.message_id = "a@b\r\nX-Evil: 1";
  const std::string message = format_rfc5322(e, fixed_now);
  expect_well_formed(message);
  for (const auto& [name, value] : parse(message).headers) {
    EXPECT_NE(name, "Bcc");
    EXPECT_NE(name, "X-Evil");
  }
}

TEST(format_rfc5322, quoted_printable_body_round_trips) {
  const std::vector<std::string> bodies = {
      "",
      "one line without a final break",
      "a = b, 100% s\xC3\xBBr\n",
      "trailing space \ntrailing tab\t\nend",
      "windows\r\nline\r\nends\r\n\r\nand\ra mac one",
      ".\n..\n.leading dot\n",
      std::string(300, 'x') + "\n" + std::string(200, '=') + "\n",
      std::string(75, 'y') + " \n" + std::string(74, 'z') + "\xC3\xA9\n",
      "Votre lien de connexion : https://example.com/login/abcdef0123456789abcdef0123456789abcd"
      "ef0123456789?x=1&y=2\n\xE2\x80\x94 L'\xC3\xA9quipe\n",
      std::string("nul\0inside\n", 11),
  };
  for (const auto& text : bodies) {
    email e = sample();
    e.text_body = text;
    const std::string message = format_rfc5322(e, fixed_now);
    expect_well_formed(message);
    const parsed_message m = parse(message);
    EXPECT_EQ(qp_decode(m.body), normalized(text)) << testing::PrintToString(text);
    for (const auto& line : lines_of(m.body)) {
      EXPECT_FALSE(line.ends_with(" ") || line.ends_with("\t")) << line;
      EXPECT_FALSE(line.starts_with(".")) << line;
    }
  }
}

TEST(format_rfc5322, random_bodies_round_trip) {
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           " ",
                                           "\t",
                                           "=",
                                           ".",
                                           "\n",
                                           "\r\n",
                                           "\r",
                                           "\xC3\xA9",
                                           "\xE2\x82\xAC",
                                           "\xF0\x9F\x98\x80",
                                           "word ",
                                           "=3D",
                                           "~",
                                           "\x01"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(0, 400);
  for (int round = 0; round < 500; ++round) {
    email e = sample();
    for (int n = count(rng); n > 0; --n) e.text_body += pieces[pick(rng)];
    const std::string message = format_rfc5322(e, fixed_now);
    expect_well_formed(message);
    ASSERT_EQ(qp_decode(parse(message).body), normalized(e.text_body))
        << testing::PrintToString(e.text_body);
  }
}

TEST(format_rfc5322, invalid_utf8_becomes_replacement_characters) {
  email e = sample();
  e.subject = "bad \xFF byte";
  e.text_body = "bad \xC3( pair\n";
  const parsed_message m = parse(format_rfc5322(e, fixed_now));
  EXPECT_EQ(decode_header(m.header("Subject").value()), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(qp_decode(m.body), "bad \xEF\xBF\xBD( pair\r\n");
}

TEST(find_problem, accepts_a_normal_email) {
  EXPECT_EQ(find_problem(sample()), std::nullopt);
}

TEST(find_problem, refuses_bad_addresses_and_ids) {
  for (const std::string to : {"", "alice", "@example.com", "alice@", "a b@example.com", "a@b\r\nc",
                               "<a@b.c>", "a@b.c, c@d.e", "\xC3\xA9@b.c"}) {
    email e = sample();
    e.to = to;
    EXPECT_NE(find_problem(e), std::nullopt) << testing::PrintToString(to);
  }
  email e = sample();
  e.from = "Name <not an address>";
  EXPECT_NE(find_problem(e), std::nullopt);
  e = sample();
  e.message_id = "";
  EXPECT_NE(find_problem(e), std::nullopt);
  e.message_id = "<a@b>";
  EXPECT_NE(find_problem(e), std::nullopt);
}

TEST(address_of, takes_the_address_out_of_a_from_field) {
  EXPECT_EQ(address_of("Petite Salle <noreply@localhost>"), "noreply@localhost");
  EXPECT_EQ(address_of("  noreply@localhost "), "noreply@localhost");
}

// --- test helpers for the transports ----------------------------------------------------

// A fresh directory, removed with everything in it at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "ps-mail-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(dir, ignored)) files.push_back(entry.path());
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A child process, ended (SIGTERM, then SIGKILL after 5 s) when the guard goes.
class child_process {
 public:
  child_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                const fs::path& log) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_storage(extra_env);
    for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
    std::vector<char*> env;
    for (auto& e : env_storage) env.push_back(e.data());
    env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (pid_ <= 0 || exited()) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100 && !exited(); ++i) std::this_thread::sleep_for(50ms);
    if (!exited()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return pid_ > 0; }
  // Reaps the child if it has ended.
  bool exited() {
    if (exit_status_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) exit_status_ = status;
    return exit_status_.has_value();
  }
  // Blocks until the child ends; its exit code, or -1 when a signal ended it.
  int wait() {
    if (!exit_status_) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_status_ = status;
    }
    return WIFEXITED(*exit_status_) ? WEXITSTATUS(*exit_status_) : -1;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

// A port nobody listens on right now: the kernel picks it for a socket we then close.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool can_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

constexpr const char* python = "/usr/bin/python3";

bool python_has_aiosmtpd(const temp_dir& dir) {
  child_process probe({python, "-c", "import aiosmtpd"}, {}, dir.path() / "probe.log");
  return probe.started() && probe.wait() == 0;
}

// Handlers for aiosmtpd's -c option that refuse every recipient.
constexpr std::string_view refusing_handlers = R"(
class Reject:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such user"

class Defer:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "451 4.7.1 Try again later"
)";

// aiosmtpd listening on a free loopback port with the given handler class and arguments.
class smtp_sink {
 public:
  smtp_sink(const temp_dir& dir, const std::vector<std::string>& handler)
      : port_(free_port()),
        process_(command(handler, port_), {"PYTHONPATH=" + dir.path().string()},
                 dir.path() / "aiosmtpd.log") {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (process_.started() && !process_.exited() &&
           std::chrono::steady_clock::now() < deadline) {
      if (can_connect(port_)) {
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  bool ready() const { return ready_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

 private:
  static std::vector<std::string> command(const std::vector<std::string>& handler, int port) {
    std::vector<std::string> argv = {
        python, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c"};
    argv.insert(argv.end(), handler.begin(), handler.end());
    return argv;
  }

  int port_;
  child_process process_;
  bool ready_ = false;
};

// --- multipart/alternative and more header fields --------------------------------------------

TEST(format_rfc5322, an_html_body_makes_a_multipart_alternative_of_both_parts) {
  email e = sample();
  e.html_body = "<p>Bonjour <strong>Zo\xC3\xA9</strong></p>";
  e.text_body = "Bonjour Zo\xC3\xA9";
  e.reply_to = "host@example.com";
  e.headers = {{"List-Unsubscribe", "<https://petite.test/api/v1/unsubscribe/abc>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  const std::string message = format_rfc5322(e, fixed_now);
  expect_well_formed(message);
  const parsed_message m = parse(message);
  EXPECT_EQ(m.header("Reply-To"), "host@example.com");
  EXPECT_EQ(m.header("List-Unsubscribe"), "<https://petite.test/api/v1/unsubscribe/abc>");
  EXPECT_EQ(m.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  const std::string type = m.header("Content-Type").value();
  ASSERT_TRUE(type.starts_with("multipart/alternative; boundary=\"")) << type;
  const std::string boundary =
      type.substr(type.find('"') + 1, type.rfind('"') - type.find('"') - 1);
  // Text first, HTML last (RFC 2046: the last is the one preferred), then the closing line.
  const auto text_at = m.body.find("--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8");
  const auto html_at = m.body.find("--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8");
  ASSERT_NE(text_at, std::string::npos);
  ASSERT_NE(html_at, std::string::npos);
  EXPECT_LT(text_at, html_at);
  EXPECT_NE(m.body.find("--" + boundary + "--\r\n"), std::string::npos);
  EXPECT_NE(m.body.find("Zo=C3=A9</strong>"), std::string::npos) << "quoted-printable";
  // The boundary never occurs inside a part.
  EXPECT_EQ(m.body.find(boundary, html_at + boundary.size() + 2),
            m.body.find("--" + boundary + "--") + 2);
}

TEST(format_rfc5322, extra_header_fields_cannot_inject_lines) {
  email e = sample();
  e.headers = {{"List-Id", "<a>\r\nBcc: victim@example.com"}, {"Bad Name:", "x"}, {"X-Ok", "y"}};
  const parsed_message m = parse(format_rfc5322(e, fixed_now));
  EXPECT_EQ(m.header("Bcc"), std::nullopt);
  EXPECT_EQ(m.header("Bad Name:"), std::nullopt);
  EXPECT_EQ(m.header("X-Ok"), "y");
  EXPECT_NE(m.header("List-Id").value().find("Bcc:"), std::string::npos) << "kept, on one line";
}

TEST(find_problem, a_reply_to_must_be_an_address) {
  email e = sample();
  e.reply_to = "not an address";
  EXPECT_TRUE(find_problem(e).has_value());
}

// --- maildir ------------------------------------------------------------------------------

TEST(maildir_transport, delivers_into_new_and_leaves_tmp_empty) {
  temp_dir dir;
  const fs::path box = dir.path() / "mail";  // does not exist yet
  auto transport = make_maildir_transport(box);
  email e = sample();
  e.subject = "R\xC3\xA9union";
  const delivery_result result = transport->deliver(e);
  EXPECT_TRUE(result.delivered) << result.error;
  EXPECT_TRUE(result.error.empty());
  EXPECT_TRUE(fs::is_directory(box / "cur"));
  EXPECT_TRUE(files_in(box / "tmp").empty());
  const auto delivered = files_in(box / "new");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(fs::status(delivered[0]).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write)
      << "login links are secrets: the file is the owner's only";
  const std::string text = read_file(delivered[0]);
  EXPECT_EQ(text.find('\r'), std::string::npos) << "maildir files have LF line ends";
  const parsed_message m = parse(text);
  EXPECT_EQ(decode_header(m.header("Subject").value()), "R\xC3\xA9union");
  EXPECT_EQ(m.header("To"), "alice@example.com");
}

TEST(maildir_transport, gives_each_email_its_own_file) {
  temp_dir dir;
  auto first = make_maildir_transport(dir.path());
  auto second = make_maildir_transport(dir.path());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(first->deliver(sample()).delivered);
    ASSERT_TRUE(second->deliver(sample()).delivered);
  }
  EXPECT_EQ(files_in(dir.path() / "new").size(), 40u);
  EXPECT_TRUE(files_in(dir.path() / "tmp").empty());
}

TEST(maildir_transport, refuses_an_invalid_email_for_good) {
  temp_dir dir;
  email e = sample();
  e.to = "not an address";
  const delivery_result result = make_maildir_transport(dir.path())->deliver(e);
  EXPECT_FALSE(result.delivered);
  EXPECT_FALSE(result.retryable);
  EXPECT_FALSE(result.error.empty());
}

TEST(maildir_transport, a_file_in_the_way_is_a_retryable_failure) {
  temp_dir dir;
  std::ofstream(dir.path() / "blocker") << "x";
  const delivery_result result =
      make_maildir_transport(dir.path() / "blocker" / "mail")->deliver(sample());
  EXPECT_FALSE(result.delivered);
  EXPECT_TRUE(result.retryable);
  EXPECT_NE(result.error.find("blocker"), std::string::npos) << result.error;
}

// --- SMTP -----------------------------------------------------------------------------------

class smtp_transport_test : public testing::Test {
 protected:
  // The program's main() does this; the test binary has no main of ours.
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  static void TearDownTestSuite() { curl_global_cleanup(); }

  void SetUp() override {
    if (!python_has_aiosmtpd(dir_)) GTEST_SKIP() << python << " cannot import aiosmtpd";
  }

  static smtp_settings settings(std::string url) {
    smtp_settings s;
    s.url = std::move(url);
    s.timeout_seconds = 10;
    return s;
  }

  temp_dir dir_;
};

TEST_F(smtp_transport_test, delivers_to_a_real_smtp_server) {
  const fs::path box = dir_.path() / "box";
  smtp_sink sink(dir_, {"aiosmtpd.handlers.Mailbox", box.string()});
  ASSERT_TRUE(sink.ready()) << read_file(dir_.path() / "aiosmtpd.log");

  email e = sample();
  e.subject = "Votre lien de connexion \xE2\x80\x94 Petite Salle";
  e.text_body = "Bonjour,\n\nhttps://example.com/login/" + std::string(80, 'a') + "\n.\n";
  const delivery_result result = make_smtp_transport(settings(sink.url()))->deliver(e);
  ASSERT_TRUE(result.delivered) << result.error;

  const auto delivered = files_in(box / "new");
  ASSERT_EQ(delivered.size(), 1u);
  const parsed_message m = parse(read_file(delivered[0]));
  EXPECT_EQ(decode_header(m.header("Subject").value()), e.subject);
  EXPECT_EQ(m.header("To"), "alice@example.com");
  EXPECT_EQ(m.header("X-MailFrom"), "noreply@localhost");
  EXPECT_EQ(m.header("X-RcptTo"), "alice@example.com");
  // Python writes LF line ends; put CRLF back before decoding.
  std::string body;
  for (const char c : m.body) body += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(qp_decode(body), normalized(e.text_body));
}

TEST_F(smtp_transport_test, unreachable_server_is_retryable) {
  const delivery_result result =
      make_smtp_transport(settings("smtp://127.0.0.1:" + std::to_string(free_port())))
          ->deliver(sample());
  EXPECT_FALSE(result.delivered);
  EXPECT_TRUE(result.retryable);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(smtp_transport_test, a_5xx_reply_is_final) {
  std::ofstream(dir_.path() / "ps_refusing_handlers.py") << refusing_handlers;
  smtp_sink sink(dir_, {"ps_refusing_handlers.Reject"});
  ASSERT_TRUE(sink.ready()) << read_file(dir_.path() / "aiosmtpd.log");
  const delivery_result result = make_smtp_transport(settings(sink.url()))->deliver(sample());
  EXPECT_FALSE(result.delivered);
  EXPECT_FALSE(result.retryable);
  EXPECT_NE(result.error.find("550"), std::string::npos) << result.error;
}

TEST_F(smtp_transport_test, a_4xx_reply_is_retryable) {
  std::ofstream(dir_.path() / "ps_refusing_handlers.py") << refusing_handlers;
  smtp_sink sink(dir_, {"ps_refusing_handlers.Defer"});
  ASSERT_TRUE(sink.ready()) << read_file(dir_.path() / "aiosmtpd.log");
  const delivery_result result = make_smtp_transport(settings(sink.url()))->deliver(sample());
  EXPECT_FALSE(result.delivered);
  EXPECT_TRUE(result.retryable);
  EXPECT_NE(result.error.find("451"), std::string::npos) << result.error;
}

TEST_F(smtp_transport_test, tls_required_but_not_offered_is_not_delivered) {
  const fs::path box = dir_.path() / "box";
  smtp_sink sink(dir_, {"aiosmtpd.handlers.Mailbox", box.string()});
  ASSERT_TRUE(sink.ready()) << read_file(dir_.path() / "aiosmtpd.log");
  smtp_settings s = settings(sink.url());
  s.require_tls = true;
  const delivery_result result = make_smtp_transport(s)->deliver(sample());
  EXPECT_FALSE(result.delivered);
  EXPECT_TRUE(files_in(box / "new").empty()) << "sent in clear although TLS was required";
}

TEST_F(smtp_transport_test, refuses_an_invalid_email_for_good) {
  email e = sample();
  e.to = "a@b\r\nRCPT TO:<x@y>";
  const delivery_result result = make_smtp_transport(settings("smtp://127.0.0.1:1"))->deliver(e);
  EXPECT_FALSE(result.delivered);
  EXPECT_FALSE(result.retryable);
}

}  // namespace
}  // namespace ps::mail
