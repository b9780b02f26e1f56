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

  // Where the request's handler should run (password hashing goes to the worker pool).
  runs_on where(const request& req) const;
  response handle(const request& req);
  // For routes that queue their write (runs_on::queued_write): `reply` is called once, on the
  // SQLite writer's thread after the commit, or at once when the request is refused first.
  // The handler's own continuation (building the reply) runs where continue_on puts it.
  void handle_queued(const request& req, std::function<void(response)> reply,
                     continuation continue_on = {});

 private:
  response route(const request& req);
  response metrics_text();

  ps::app& app_;
  router router_;
  web_assets assets_;
};

// True when a state-changing request rides on the session cookie without proof that our own
// app sent it (a JSON content type, which a foreign form cannot send, or X-Requested-With).
bool is_cross_site_risk(const request& req);

void add_security_headers(response& res);

}  // namespace ps::http
