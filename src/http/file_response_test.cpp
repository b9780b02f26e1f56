// Streamed bodies, both ways, through the real http::server on a loopback port, driven with
// plain sockets: uploads written to a temporary file in pieces, and files sent in pieces with
// ETag, Range and 304. The routes are the test's own (the product has no upload route yet).
#include "http/file_response.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "accounts/service.hpp"
#include "core/secrets.hpp"
#include "http/dispatcher.hpp"
#include "http/server.hpp"
#include "http/temp_file.hpp"
#include "testing/test_app.hpp"

namespace ps::http {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// --- the decisions, without sockets ----------------------------------------------------------

TEST(FileResponse, RangesOfEachForm) {
  using r = range_ask;
  EXPECT_EQ(parse_range("bytes=0-9", 100).range, (byte_range{0, 9}));
  EXPECT_EQ(parse_range("bytes=90-", 100).range, (byte_range{90, 99}));
  EXPECT_EQ(parse_range("bytes=-10", 100).range, (byte_range{90, 99}));
  EXPECT_EQ(parse_range("bytes=-1000", 100).range, (byte_range{0, 99}));  // more than there is
  EXPECT_EQ(parse_range("bytes=50-1000", 100).range, (byte_range{50, 99}));
  EXPECT_EQ(parse_range("bytes=0-9", 100).kind, r::part);
  EXPECT_EQ(parse_range("bytes=100-", 100).kind, r::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 100).kind, r::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-", 0).kind, r::unsatisfiable);
  // Several ranges, another unit, or nonsense: the whole file.
  for (const char* whole : {"bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=x-", "bytes=-",
                            "bytes=+1-2", "bytes=99999999999999999999999-", ""})
    EXPECT_EQ(parse_range(whole, 100).kind, r::whole) << whole;
}

TEST(FileResponse, PlanFollowsTheConditionalHeaders) {
  const file_facts f{1000, 1'700'000'000'123'456'789, 42};
  const std::string etag = file_etag(f);
  EXPECT_EQ(etag.front(), '"');
  request req;
  auto plan = plan_file_reply(req, f);
  EXPECT_EQ(plan.status, 200);
  EXPECT_EQ(plan.length, 1000u);
  req.headers = {{"if-none-match", "\"other\", W/" + etag}};
  EXPECT_EQ(plan_file_reply(req, f).status, 304);
  req.headers = {{"if-none-match", "*"}};
  EXPECT_EQ(plan_file_reply(req, f).status, 304);
  req.headers = {{"range", "bytes=10-19"}};
  plan = plan_file_reply(req, f);
  EXPECT_EQ(plan.status, 206);
  EXPECT_EQ(plan.offset, 10u);
  EXPECT_EQ(plan.length, 10u);
  req.headers = {{"range", "bytes=10-19"}, {"if-range", "\"an older version\""}};
  EXPECT_EQ(plan_file_reply(req, f).status, 200);
  req.headers = {{"range", "bytes=10-19"}, {"if-range", etag}};
  EXPECT_EQ(plan_file_reply(req, f).status, 206);
  req.headers = {{"range", "bytes=5000-"}};
  plan = plan_file_reply(req, f);
  EXPECT_EQ(plan.status, 416);
  EXPECT_EQ(plan.length, 0u);
  req.method = verb::head;  // ranges are for GET only: a HEAD tells the whole length
  req.headers = {{"range", "bytes=10-19"}};
  EXPECT_EQ(plan_file_reply(req, f).length, 1000u);
  // Another version of the file is another tag.
  EXPECT_NE(file_etag({1000, 1'700'000'000'123'456'790, 42}), etag);
  EXPECT_NE(file_etag({1000, 1'700'000'000'123'456'789, 43}), etag);
}

TEST(FileResponse, DatesAndDownloadNames) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(content_disposition("rapport 2026.pdf"),
            "attachment; filename=\"rapport 2026.pdf\"; filename*=UTF-8''rapport%202026.pdf");
  // Quotes, line breaks and other bytes cannot leave the header's parameter.
  EXPECT_EQ(content_disposition("a\"b\r\nc.txt"),
            "attachment; filename=\"a_b__c.txt\"; filename*=UTF-8''a%22b%0D%0Ac.txt");
  EXPECT_EQ(content_disposition("été"),
            "attachment; filename=\"__t__\"; filename*=UTF-8''%C3%A9t%C3%A9");
}

TEST(TempFile, RemovedUnlessMovedAway) {
  testing::temp_dir dir;
  std::filesystem::path first;
  {
    auto f = temp_file::create(dir.path());
    first = f.path();
    f.append("hello");
    EXPECT_EQ(f.size(), 5u);
    EXPECT_TRUE(std::filesystem::exists(first));
  }
  EXPECT_FALSE(std::filesystem::exists(first));
  auto kept = temp_file::create(dir.path());
  kept.append("kept");
  kept.move_to(dir.path() / "kept.txt");
  EXPECT_TRUE(kept.path().empty());
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "kept.txt"), 4u);
  // What a crash left behind goes at the next start.
  std::filesystem::create_directories(dir.path() / "tmp");
  std::ofstream(dir.path() / "tmp" / "upload-left-by-a-crash") << "x";
  prepare_temp_folder(dir.path() / "tmp");
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "tmp"));
}

// --- a real server and plain sockets -----------------------------------------------------------

struct reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

int connect_to(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect");
  timeval tv{10, 0};  // a test that hangs fails instead
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Everything until the server closes (every request here says Connection: close).
std::string read_all(int fd) {
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

reply parse(const std::string& raw) {
  reply r;
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return r;
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = line.substr(colon + 2);
  }
  r.body = raw.substr(end + 4);
  return r;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr std::size_t upload_limit = 4 * 1024 * 1024;

class Served : public ::testing::Test {
 protected:
  testing::test_app t;
  dispatcher d{t.app(), std::nullopt};
  std::filesystem::path served_file = t.dir.path() / "served.bin";
  std::string served_content = random_bytes(300 * 1024 + 7, 1);  // several pieces, and a bit
  std::mutex seen_mutex;
  std::vector<std::filesystem::path> seen_uploads;  // the temporary files handlers were given
  std::unique_ptr<server> srv;
  std::thread runner;
  std::string cookie;

  void SetUp() override {
    std::ofstream(served_file, std::ios::binary) << served_content;
    d.add_routes([this](router& r) {
      // Answers what it received; leaves the file where it is (so it must be removed).
      r.add_upload(
          verb::post, "/api/v1/test/uploads",
          [this](context&, upload& body) -> result<response> {
            {
              std::lock_guard lock(seen_mutex);
              seen_uploads.push_back(body.file.path());
            }
            const std::string content = read_file(body.file.path());
            return json_response(
                200, {{"size", body.file.size()},
                      {"read", content.size()},
                      {"digest", secrets::token_digest(content)},
                      {"type", body.content_type},
                      {"in_tmp", body.file.path().parent_path() == temp_folder(t.cfg.data_dir)}});
          },
          upload_limit);
      // Keeps the file, as a real upload would.
      r.add_upload(
          verb::put, "/api/v1/test/uploads/{name}",
          [this](context& ctx, upload& body) -> result<response> {
            body.file.move_to(t.dir.path() / ctx.param("name"));
            return no_content();
          },
          upload_limit);
      r.add(verb::get, "/api/v1/test/file", [this](context&) -> result<response> {
        return file_response(served_file, "application/octet-stream", "rapport été.bin");
      });
      r.add(verb::get, "/api/v1/test/missing", [this](context&) -> result<response> {
        return file_response(t.dir.path() / "nothing-here", "text/plain");
      });
    });
    server_timeouts quick;
    quick.body = 1s;  // so that a client that stops sending is let go within the test
    srv = std::make_unique<server>(t.app(), d, "127.0.0.1:0", 1, quick);
    runner = std::thread([this] { srv->run(); });
    auto signed_up = accounts::sign_up(
        t.app(), {"ana@example.com", "un mot de passe sûr", "Ana", "fr"}, locale::fr);
    ASSERT_TRUE(signed_up);
    cookie = "ps_session=" + signed_up->session_token;
  }

  void TearDown() override {
    srv->stop();
    runner.join();
  }

  reply call(const std::string& head_lines, std::string_view body = {}) {
    const int fd = connect_to(srv->port());
    send_all(fd, head_lines + "Connection: close\r\n\r\n");
    send_all(fd, body);
    reply r = parse(read_all(fd));
    ::close(fd);
    return r;
  }

  std::string upload_head(std::size_t length, const std::string& path = "/api/v1/test/uploads",
                          const std::string& method = "POST") {
    return method + " " + path + " HTTP/1.1\r\nHost: x\r\nCookie: " + cookie +
           "\r\nX-Requested-With: test\r\nContent-Type: image/png\r\nContent-Length: " +
           std::to_string(length) + "\r\n";
  }

  // The temporary folder empties once the server has let go of what it held; waits for it.
  bool tmp_empties() {
    const auto folder = temp_folder(t.cfg.data_dir);
    for (int i = 0; i < 100; ++i) {
      if (std::filesystem::is_empty(folder)) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
};

TEST_F(Served, AnUploadInPiecesArrivesIntactAndIsRemovedAfterwards) {
  const std::string content = random_bytes(3 * 1024 * 1024, 2);
  const int fd = connect_to(srv->port());
  ASSERT_TRUE(send_all(fd, upload_head(content.size()) + "Connection: close\r\n\r\n"));
  for (std::size_t at = 0; at < content.size(); at += 50'000)
    ASSERT_TRUE(send_all(fd, std::string_view(content).substr(at, 50'000)));
  const reply r = parse(read_all(fd));
  ::close(fd);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto got = json::parse(r.body);
  EXPECT_EQ(got["size"], content.size());
  EXPECT_EQ(got["read"], content.size());
  EXPECT_EQ(got["digest"], secrets::token_digest(content));
  EXPECT_EQ(got["type"], "image/png");
  EXPECT_TRUE(got["in_tmp"].get<bool>());
  // The handler did not keep it: gone when the request ended.
  ASSERT_EQ(seen_uploads.size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(seen_uploads[0]));
  EXPECT_TRUE(tmp_empties());
}

TEST_F(Served, AChunkedUploadArrivesIntact) {
  const std::string content = random_bytes(1024 * 1024 + 3, 3);
  std::string body;
  for (std::size_t at = 0; at < content.size(); at += 100'000) {
    const auto part = std::string_view(content).substr(at, 100'000);
    std::ostringstream size;
    size << std::hex << part.size();
    body += size.str() + "\r\n" + std::string(part) + "\r\n";
  }
  body += "0\r\n\r\n";
  const reply r = call(
      "POST /api/v1/test/uploads HTTP/1.1\r\nHost: x\r\nCookie: " + cookie +
          "\r\nX-Requested-With: test\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n",
      body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["digest"], secrets::token_digest(content));
  EXPECT_TRUE(tmp_empties());
}

TEST_F(Served, AHandlerMayKeepTheFile) {
  const std::string content = random_bytes(200'000, 4);
  const reply r =
      call(upload_head(content.size(), "/api/v1/test/uploads/kept.bin", "PUT"), content);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(read_file(t.dir.path() / "kept.bin"), content);
  EXPECT_TRUE(tmp_empties());
}

TEST_F(Served, AnUploadOverTheLimitIs413AndLeavesNoFile) {
  // Declared too large: refused from the head, naming the limit.
  const reply declared = call(upload_head(upload_limit + 1));
  EXPECT_EQ(declared.status, 413);
  EXPECT_EQ(json::parse(declared.body)["error"]["code"], "payload_too_large");
  EXPECT_NE(json::parse(declared.body)["error"]["message"].get<std::string>().find("4 Mio"),
            std::string::npos)
      << declared.body;
  // Chunked, with no length to check first: refused once it passes the limit.
  const std::string piece = random_bytes(512 * 1024, 5);
  std::ostringstream size;
  size << std::hex << piece.size();
  std::string body;
  for (int i = 0; i < 9; ++i) body += size.str() + "\r\n" + piece + "\r\n";
  body += "0\r\n\r\n";
  const reply chunked = call(
      "POST /api/v1/test/uploads HTTP/1.1\r\nHost: x\r\nCookie: " + cookie +
          "\r\nX-Requested-With: test\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n",
      body);
  EXPECT_EQ(chunked.status, 413);
  EXPECT_TRUE(seen_uploads.empty());
  EXPECT_TRUE(tmp_empties());
}

TEST_F(Served, AnUploadCutOffOrStalledLeavesNoFile) {
  const std::string half = random_bytes(1024 * 1024, 6);
  {
    const int fd = connect_to(srv->port());
    send_all(fd, upload_head(3 * half.size()) + "\r\n");
    send_all(fd, half);
    ::close(fd);  // gone mid-body
  }
  EXPECT_TRUE(tmp_empties());
  {
    const int fd = connect_to(srv->port());
    send_all(fd, upload_head(3 * half.size()) + "\r\n");
    send_all(fd, half);
    // Sends nothing more: after the body timeout (1 s here) the server closes.
    const auto started = std::chrono::steady_clock::now();
    const std::string answer = read_all(fd);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 8s);
    EXPECT_EQ(answer, "");
    ::close(fd);
  }
  EXPECT_TRUE(tmp_empties());
  EXPECT_TRUE(seen_uploads.empty());
}

TEST_F(Served, AnUploadIsRefusedBeforeItsBodyWithoutACallerOrFromAnotherSite) {
  const std::string head =
      "POST /api/v1/test/uploads HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "image/png\r\nContent-Length: 1000000\r\n";
  const reply anonymous = call(head + "X-Requested-With: test\r\n");
  EXPECT_EQ(anonymous.status, 401);
  const reply forged = call(head + "Cookie: " + cookie + "\r\nOrigin: http://evil.example\r\n");
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(json::parse(forged.body)["error"]["code"], "csrf_rejected");
  EXPECT_TRUE(seen_uploads.empty());
  // A JSON route keeps its rules: another type is 415.
  const reply json_route =
      call("POST /api/v1/communities HTTP/1.1\r\nHost: x\r\nCookie: " + cookie +
               "\r\nX-Requested-With: test\r\nContent-Type: image/png\r\nContent-Length: 4\r\n",
           "abcd");
  EXPECT_EQ(json_route.status, 415);
}

TEST_F(Served, AFileIsSentWholeWithItsValidators) {
  const reply r = call("GET /api/v1/test/file HTTP/1.1\r\nHost: x\r\n");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, served_content);
  EXPECT_EQ(r.header("content-length"), std::to_string(served_content.size()));
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
  EXPECT_EQ(r.header("accept-ranges"), "bytes");
  EXPECT_EQ(r.header("etag").front(), '"');
  EXPECT_NE(r.header("last-modified").find(" GMT"), std::string::npos);
  EXPECT_NE(r.header("content-disposition").find("filename*=UTF-8''rapport%20%C3%A9t%C3%A9.bin"),
            std::string::npos);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_FALSE(r.header("content-security-policy").empty());

  const reply again = call(
      "GET /api/v1/test/file HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + r.header("etag") + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("etag"), r.header("etag"));

  const reply head = call("HEAD /api/v1/test/file HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-length"), std::to_string(served_content.size()));
  EXPECT_EQ(head.header("etag"), r.header("etag"));

  const reply missing = call("GET /api/v1/test/missing HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "not_found");
}

TEST_F(Served, AFileIsSentInTheRangeAsked) {
  const std::size_t size = served_content.size();
  auto ranged = [&](const std::string& range) {
    return call("GET /api/v1/test/file HTTP/1.1\r\nHost: x\r\nRange: " + range + "\r\n");
  };
  reply r = ranged("bytes=10-19");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, served_content.substr(10, 10));
  EXPECT_EQ(r.header("content-range"), "bytes 10-19/" + std::to_string(size));
  r = ranged("bytes=200000-");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, served_content.substr(200000));
  EXPECT_EQ(r.header("content-length"), std::to_string(size - 200000));
  r = ranged("bytes=-500");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, served_content.substr(size - 500));
  EXPECT_EQ(r.header("content-range"), "bytes " + std::to_string(size - 500) + "-" +
                                           std::to_string(size - 1) + "/" + std::to_string(size));
  r = ranged("bytes=" + std::to_string(size) + "-");
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("content-range"), "bytes */" + std::to_string(size));
  EXPECT_EQ(r.body, "");
  r = ranged("bytes=0-1,5-6");  // several ranges: the whole file
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, served_content);
}

}  // namespace
}  // namespace ps::http
