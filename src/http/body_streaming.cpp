#include "http/body_streaming.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "http/dispatcher.hpp"
#include "http/file_response.hpp"
#include "http/router.hpp"

namespace ps::http::streaming {
namespace {

using namespace net;
namespace bhttp = beast::http;
using asio::awaitable;
using asio::use_awaitable;

// A piece is read from the socket, or from the disk, before it is handed to the other side:
// large enough that the hand-overs between threads cost little beside the copying, small
// enough that a thousand transfers at once hold a hundred megabytes, not gigabytes.
constexpr std::size_t piece_size = 128 * 1024;

// Runs `f` on the blocking pool; the caller resumes on its own thread with what `f` returned,
// or what it threw.
template <class F>
auto on_pool(asio::thread_pool& pool, F f) -> awaitable<std::invoke_result_t<F&>> {
  using T = std::invoke_result_t<F&>;
  co_return co_await asio::co_spawn(
      pool, [&f]() -> awaitable<T> { co_return f(); }, use_awaitable);
}

// A file open for reading, with what fstat says of it.
class readable_file {
 public:
  static std::optional<readable_file> open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    readable_file f(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    f.facts.size = static_cast<std::uint64_t>(st.st_size);
    f.facts.mtime_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    f.facts.inode = static_cast<std::uint64_t>(st.st_ino);
    return std::optional<readable_file>(std::move(f));
  }
  readable_file(readable_file&& o) noexcept : facts(o.facts), fd_(std::exchange(o.fd_, -1)) {}
  readable_file& operator=(readable_file&& o) noexcept {
    std::swap(fd_, o.fd_);
    facts = o.facts;
    return *this;
  }
  // Closing a file opened for reading writes nothing back: it does not wait for the disk.
  ~readable_file() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Up to `size` bytes at `offset`; fewer only at the end of the file. Throws on a read error.
  std::size_t read_at(char* into, std::size_t size, std::uint64_t offset) const {
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::pread(fd_, into + got, size - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::generic_category(), "read");
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got;
  }

  file_facts facts;

 private:
  explicit readable_file(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

awaitable<received> receive_to_file(http_stream& stream, beast::flat_buffer& buffer,
                                    head_parser& head, std::size_t limit,
                                    const std::filesystem::path& folder, asio::thread_pool& pool,
                                    std::chrono::milliseconds idle) {
  received out;
  // The head was read with the parser every request starts with; the body is read into pieces
  // of our own instead of a string.
  bhttp::request_parser<bhttp::buffer_body> parser(std::move(head));
  parser.body_limit(limit);  // a chunked body has no Content-Length to check beforehand
  std::optional<temp_file> file;
  std::vector<char> piece(piece_size);
  std::size_t filled = 0;
  try {
    // (An optional: what the pool hands back must have an empty state.)
    file = co_await on_pool(pool, [&] { return std::optional(temp_file::create(folder)); });
    while (!parser.is_done()) {
      auto& body = parser.get().body();
      body.data = piece.data() + filled;
      body.size = piece.size() - filled;
      // A wait per read, not per body: a large upload on a slow line takes as long as it
      // takes, while a client that stops sending is let go after `idle`.
      stream.expires_after(idle);
      co_await bhttp::async_read_some(stream, buffer, parser,
                                      asio::redirect_error(use_awaitable, out.read_error));
      if (out.read_error == bhttp::error::need_buffer) out.read_error = {};
      if (out.read_error) break;
      filled = piece.size() - parser.get().body().size;
      if (filled < piece.size()) continue;
      co_await on_pool(pool, [&] { file->append({piece.data(), filled}); });
      filled = 0;
    }
    if (!out.read_error) {
      co_await on_pool(pool, [&] {
        file->append({piece.data(), filled});
        file->finish();
      });
      out.file = std::move(file);
      co_return out;
    }
  } catch (const std::exception& e) {
    spdlog::error("upload to {}: {}", folder.string(), e.what());
    out.refusal = errors::make(error_code::internal);
  }
  // Refused, cut off or failed: the partial file goes now, from the pool, as it was written.
  if (file) co_await on_pool(pool, [&] { file.reset(); });
  co_return out;
}

awaitable<upload_outcome> serve_upload(http_stream& stream, beast::flat_buffer& buffer,
                                       head_parser& parser, const request& head,
                                       const route_match& m, dispatcher& routes,
                                       asio::thread_pool& pool, const std::filesystem::path& folder,
                                       std::chrono::milliseconds idle) {
  const locale lang = locale_from_accept_language(head.header("accept-language"));
  auto refuse = [&lang](const api_error& e) {
    return upload_outcome{error_response(e, lang), true, {}};
  };
  auto who = routes.admit_upload(head, m);
  if (!who) co_return refuse(who.error());
  // A client that asks for it waits for this before it sends the body (curl does, past 1 MiB).
  if (beast::iequals(head.header("expect"), "100-continue")) {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
    beast::error_code ec;
    co_await bhttp::async_write(stream, go_on, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return upload_outcome{{}, false, ec};
  }
  const std::size_t limit = m.found->body_limit;
  auto got = co_await receive_to_file(stream, buffer, parser, limit, folder, pool, idle);
  if (got.read_error == bhttp::error::body_limit)
    co_return refuse(errors::payload_too_large(static_cast<long>(limit)));
  if (got.read_error) co_return upload_outcome{{}, false, got.read_error};
  if (got.refusal) co_return refuse(*got.refusal);
  upload body{std::move(*got.file), std::string(head.header("content-type"))};
  response res = co_await asio::co_spawn(
      pool,
      [&]() -> awaitable<response> {
        co_return routes.handle_upload(head, m, *who, std::move(body));
      },
      use_awaitable);
  co_return upload_outcome{std::move(res), false, {}};
}

awaitable<sent> send_file(http_stream& stream, const request& req, response res, unsigned version,
                          bool keep_alive, asio::thread_pool& pool, std::chrono::milliseconds idle,
                          const config& cfg) {
  beast::error_code ec;
  std::optional<readable_file> file;
  try {
    file = co_await on_pool(pool, [&] { return readable_file::open(res.file->path); });
  } catch (const std::exception&) {
    file.reset();
  }
  if (!file) {
    // Gone between the handler's answer and now, or never there: a JSON 404 like any other.
    response missing = error_response(errors::not_found(""),
                                      locale_from_accept_language(req.header("accept-language")));
    add_security_headers(missing, cfg);
    bhttp::response<bhttp::string_body> out{bhttp::status::not_found, version};
    out.set(bhttp::field::server, "petitesalle");
    out.set(bhttp::field::content_type, missing.content_type);
    for (auto& [name, value] : missing.headers) out.insert(name, value);
    out.body() = std::move(missing.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    if (req.method == verb::head) out.body().clear();
    stream.expires_after(idle);
    co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
    co_return sent{404, keep_alive && !ec};
  }

  // `res` came through the dispatcher, which added the security headers already.
  const file_plan plan = plan_file_reply(req, file->facts);
  bhttp::response<bhttp::buffer_body> out{static_cast<bhttp::status>(plan.status), version};
  out.set(bhttp::field::server, "petitesalle");
  if (plan.status == 200 || plan.status == 206)
    out.set(bhttp::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) out.insert(name, value);
  for (auto& [name, value] : plan.headers) out.insert(name, value);
  if (!res.file->download_name.empty())
    out.set(bhttp::field::content_disposition, content_disposition(res.file->download_name));
  // No Content-Length on a 304: it would have to be the 200's, and tells nothing.
  if (plan.status != 304) out.content_length(plan.length);
  out.keep_alive(keep_alive);
  // The head alone goes through Beast's serializer; the bytes follow as they are, which is
  // what a body framed by Content-Length is.
  out.body().data = nullptr;
  out.body().more = false;
  bhttp::response_serializer<bhttp::buffer_body> head(out);
  stream.expires_after(idle);
  co_await bhttp::async_write_header(stream, head, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return sent{plan.status, false};
  if (req.method == verb::head) co_return sent{plan.status, keep_alive};

  std::vector<char> piece(std::min<std::uint64_t>(piece_size, plan.length));
  std::uint64_t offset = plan.offset, left = plan.length;
  while (left > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
    std::size_t got = 0;
    try {
      got = co_await on_pool(pool, [&] { return file->read_at(piece.data(), want, offset); });
    } catch (const std::exception& e) {
      spdlog::error("reading {}: {}", res.file->path.string(), e.what());
      co_return sent{plan.status, false};
    }
    // Shorter than it was when the head went out: the length promised cannot be kept, and
    // closing is how the client learns that the body is cut.
    if (got == 0) co_return sent{plan.status, false};
    stream.expires_after(idle);
    co_await asio::async_write(stream, asio::buffer(piece.data(), got),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return sent{plan.status, false};
    offset += got;
    left -= got;
  }
  co_return sent{plan.status, keep_alive};
}

}  // namespace ps::http::streaming
