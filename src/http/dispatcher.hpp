#pragma once
#include <functional>
#include <memory>

#include "app/app.hpp"
#include "http/router.hpp"
#include "http/static_assets.hpp"

namespace ps::http {

// Turns a plain request into a plain response: the API routes, the web app, /healthz,
// /metrics, and the rules every response follows (security headers, CSRF, JSON errors).
// It knows nothing of sockets; http/server.cpp feeds it.
class dispatcher {
 public:
  dispatcher(ps::app& app, std::optional<std::filesystem::path> web_root);

  // The API route a request line names (none for other paths), found once per request as soon
  // as its head is read; every call below takes it instead of looking the route up again.
  route_match match(verb method, std::string_view path) const;
  // Where the request's handler should run (password hashing goes to the worker pool).
  runs_on where(const request& req, const route_match& m) const;
  // The largest body the request's route takes, known from its method and path alone, so that
  // the server refuses a larger one (413) before reading it.
  std::size_t body_limit(const route_match& m) const;
  response handle(const request& req, const route_match& m);
  // For a caller holding a whole request (a test): finds its route, then handles it.
  response handle(const request& req) { return handle(req, match(req.method, req.path)); }
  // For routes that queue their write (runs_on::queued_write): `reply` is called once, on the
  // SQLite writer's thread after the commit, or at once when the request is refused first.
  // The handler's own continuation (building the reply) runs where continue_on puts it.
  void handle_queued(const request& req, const route_match& m, std::function<void(response)> reply,
                     continuation continue_on = {});

  // An upload route's checks, made from the head alone, before http/server.cpp streams the body
  // to a file: the CSRF rule and a signed-in caller. The caller, or the error to answer.
  result<caller> admit_upload(const request& head, const route_match& m);
  // Runs an upload route's handler (on the blocking pool) once its body is in `body`; the file
  // goes with `body` when this returns, unless the handler moved it.
  response handle_upload(const request& head, const route_match& m, const caller& who, upload body);

  // Routes beside the product's, which the constructor adds: for tests.
  void add_routes(const std::function<void(router&)>& add) { add(router_); }

 private:
  response route(const request& req, const route_match& m);
  // An upload route called with its body in memory (a test without sockets): the same checks
  // and handler, through a temporary file as the server would.
  response upload_from_memory(const request& req, const route_match& m);
  response metrics_text();

  ps::app& app_;
  router router_;
  web_assets assets_;
};

// "https://salle.example.com:8443/x" -> "https://salle.example.com:8443", as browsers send it.
std::string origin_of(std::string_view url);
// True when a browser's Origin header names the configured public URL (never the Host header,
// which the client chooses).
bool is_own_origin(std::string_view origin, const config& cfg);

// True when a state-changing request may come from another site's page: it names a foreign
// Origin, or Sec-Fetch-Site says cross-site or same-site, or it lacks every proof that our own
// app sent it (our Origin, Sec-Fetch-Site: same-origin, or an X-Requested-With header). Bearer-
// token requests are exempt. The content type plays no part.
bool is_cross_site_risk(const request& req, const config& cfg);

void add_security_headers(response& res, const config& cfg);

// /metrics: with a metrics_token configured, only to its bearer; otherwise only to this machine
// (and not through a reverse proxy, which says so in Forwarded / X-Forwarded-For).
bool may_read_metrics(const request& req, const config& cfg);
bool is_loopback_address(std::string_view address);

}  // namespace ps::http
