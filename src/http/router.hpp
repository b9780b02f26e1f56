#pragma once
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/continuation.hpp"
#include "core/result.hpp"
#include "http/message.hpp"
#include "http/temp_file.hpp"

namespace ps::http {

// What a handler gets: the request, the path parameters, the app, and the caller resolved
// lazily (most handlers need one; a few, like the invitation preview, do not).
class context {
 public:
  using parameters = std::vector<std::pair<std::string, std::string>>;
  context(ps::app& app, const request& req, parameters params)
      : app(app), req(req), params_(std::move(params)) {}
  // For a request whose caller was resolved already (an upload, checked before its body).
  context(ps::app& app, const request& req, parameters params, ps::caller known)
      : app(app), req(req), params_(std::move(params)), caller_(result<ps::caller>(known)) {}

  ps::app& app;
  const request& req;

  // A path parameter, percent-decoded (router::find checked it: see path_parameter).
  std::string param(std::string_view name) const;
  // A path parameter that must be a positive integer id; otherwise 404 `what`.
  result<std::int64_t> id_param(std::string_view name, std::string what) const;

  // The signed-in caller (cookie session or bearer token), or 401.
  result<ps::caller> caller();
  // The body as a JSON object, or 400 malformed_json.
  result<nlohmann::json> json_body() const;
  // The caller's language: the account's when signed in, else Accept-Language.
  locale lang() const;

  // Where work that finishes this request later runs (a queued write's reply): the request's
  // own network thread, as the server sets it; empty means whichever thread finishes it.
  continuation continue_on;

 private:
  parameters params_;
  std::optional<result<ps::caller>> caller_;
};

using handler = std::function<result<response>(context&)>;
// For a handler that queues its write: called once with the reply, on the SQLite writer's
// thread once the commit is durable, or at once when the request is refused before any write.
using reply_fn = std::function<void(result<response>)>;
using queued_handler = std::function<void(context&, reply_fn)>;

// What an upload handler gets beside its context: the body, received into a temporary file in
// DATA/tmp, and its declared type. The file is removed when the request ends, unless the
// handler moved it where it belongs (file.move_to).
struct upload {
  temp_file file;
  std::string content_type;
};
using upload_handler = std::function<result<response>(context&, upload&)>;

// Where a handler runs. Reads run on the network threads (SQLite reads take microseconds).
// Writes wait for their group commit (an fsync) on the blocking pool, so the network threads
// never wait; the more writes wait together, the more share one commit. Handlers that hash
// passwords run on the small hashing pool, whose size bounds argon2id's memory. The hottest
// writes (a chat post) queue theirs from the network thread and are answered when it commits
// (queued_write): no thread waits at all, and a post crosses threads twice instead of four times.
enum class runs_on { network, blocking_pool, hashing_pool, queued_write };

// The largest body any route takes. Bodies are read before their route's handler runs, so the
// limit is known from the request line and refused (413) before the body is read.
inline constexpr std::size_t max_body = 1024 * 1024;

// What a few routes take that others do not: another body type than JSON (a CSV import), or a
// request from another site (the one-click unsubscribe a mail provider posts, RFC 8058).
struct route_options {
  // The body's type, besides none at all. "application/x-www-form-urlencoded" also takes an
  // empty or JSON body.
  std::string_view content_type = "application/json";
  // The route reads no cookie: it acts on a secret token in its path, so another site posting
  // to it proves nothing it could not prove itself. Its handler never calls context::caller().
  bool cross_site = false;
  std::size_t body_limit = max_body;
};

struct route {
  verb method;
  std::vector<std::string> segments;  // "{name}" for a parameter
  handler fn;                         // empty for queued_write
  runs_on where;
  queued_handler queued;  // for queued_write only
  // A queued_write handler parses its body on a network thread: its limit keeps that parse
  // to microseconds (what one post can hold, not a megabyte).
  std::size_t body_limit = max_body;
  upload_handler upload;  // for upload routes only: their body is streamed to a file
  route_options options = {};
};

// The route a request names and its parameters. Found once per request, from the request line
// alone, as soon as the head is read (http/server.cpp keeps it with the request): its body
// limit, the thread its handler runs on and the handler itself all come from it.
struct route_match {
  const route* found = nullptr;
  std::vector<std::pair<std::string, std::string>> params;  // decoded
  bool path_exists = false;  // some route has this path with another method (405)
};

// A path parameter as handlers get it: percent-decoded, and only if it can name something: at
// most 256 bytes of valid UTF-8. Anything else names nothing (nullopt): the route does not
// match, the request is a 404, and no handler, service or SQL statement ever sees such a value.
// Control characters (NUL included) are valid UTF-8 and are left to the route, which answers
// 404 (a lookup that finds nothing) or 422 naming the field (a route that validates it: an
// emoji).
std::optional<std::string> path_parameter(std::string_view raw);
inline constexpr std::size_t max_path_parameter = 256;

class router {
 public:
  void add(verb method, std::string_view pattern, handler fn, runs_on where = runs_on::network);
  void add(verb method, std::string_view pattern, handler fn, runs_on where, route_options options);
  // `body_limit`: the largest body the handler accepts; it runs on a network thread, so this
  // bounds the work done there.
  void add_queued(verb method, std::string_view pattern, queued_handler fn, std::size_t body_limit);
  // A route whose body is streamed to a temporary file instead of memory (uploads): any content
  // type, at most `body_limit` bytes; its handler runs on the blocking pool once the whole body
  // is on disk. Only a signed-in caller from our own app gets that far: the CSRF rule and the
  // caller are checked from the head, before a byte of the body is read.
  void add_upload(verb method, std::string_view pattern, upload_handler fn, std::size_t body_limit);

  route_match find(verb method, std::string_view path) const;

 private:
  std::vector<route> routes_;
};

// Replies used by every handler.
response json_response(int status, const nlohmann::json& body);
// For bodies already written as JSON text (core/json_writer.hpp).
response raw_json_response(int status, std::string body);
response no_content();
response error_response(const api_error& error, locale lang);

}  // namespace ps::http
