#include "http/dispatcher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <nlohmann/json.hpp>

#include "accounts/auth.hpp"
#include "accounts/routes.hpp"
#include "board/routes.hpp"
#include "broadcast/routes.hpp"
#include "chat/routes.hpp"
#include "communities/routes.hpp"
#include "conversations/routes.hpp"
#include "core/secrets.hpp"
#include "db/database.hpp"
#include "db/errors.hpp"
#include "files/routes.hpp"
#include "http/temp_file.hpp"
#include "invitations/routes.hpp"
#include "jobs/runner.hpp"
#include "mail/outbox.hpp"
#include "mentions/routes.hpp"
#include "newsletter/image_routes.hpp"
#include "newsletter/routes.hpp"
#include "notifications/routes.hpp"
#include "push/routes.hpp"
#include "realtime/hub.hpp"
#include "search/routes.hpp"
#include "tiers/routes.hpp"

namespace ps::http {

dispatcher::dispatcher(ps::app& app, std::optional<std::filesystem::path> web_root)
    : app_(app), assets_(std::move(web_root)) {
  accounts::add_routes(router_);
  communities::add_routes(router_);
  invitations::add_routes(router_);
  chat::add_routes(router_);
  board::add_routes(router_);
  conversations::add_routes(router_);
  broadcast::add_routes(router_);
  files::add_routes(router_, app.cfg);
  search::add_routes(router_);
  mentions::add_routes(router_);
  notifications::add_routes(router_);
  push::add_routes(router_);
  newsletter::add_routes(router_);
  newsletter::add_image_routes(router_);
  tiers::add_routes(router_);
}

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto path = url.find('/', scheme_end + 3);
  std::string out(url.substr(0, path));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_own_origin(std::string_view origin, const config& cfg) {
  return !origin.empty() && origin == origin_of(cfg.public_url);
}

bool is_cross_site_risk(const request& req, const config& cfg) {
  if (req.method == verb::get || req.method == verb::head || req.method == verb::options)
    return false;
  // A bearer token is never attached by a browser on its own, so it proves the caller meant it.
  const std::string_view authorization = req.header("authorization");
  if (authorization.starts_with("Bearer ") || authorization.starts_with("bearer ")) return false;
  // What the browser says about the page that sent the request is checked first, and a foreign
  // page never passes, cookie or not (a foreign page must not log a browser in to its own
  // account any more than act in it), whatever else the request carries.
  const std::string_view origin = req.header("origin");
  if (!origin.empty() && !is_own_origin(origin, cfg)) return true;
  // Sec-Fetch-Site cannot be set by a page either. "same-site" is a sibling subdomain, which
  // is another origin (another tenant of the same domain, perhaps).
  const std::string_view fetch_site = req.header("sec-fetch-site");
  if (fetch_site == "cross-site" || fetch_site == "same-site") return true;
  // Then a proof that our own app sent it. The content type is no proof: uploads will not be
  // JSON, and a foreign form can send three types (form-urlencoded, multipart, text/plain) that
  // a route reading them would accept. Our Origin, or "same-origin", is one. "none" is not: a
  // browser sends it for what the person starts outside any page (the address bar, a bookmark),
  // which is a navigation, a GET; no state change of ours comes that way. A custom header is
  // one: a foreign page cannot add it without a CORS preflight, which we never grant. So a
  // script or a program without a token (curl signing up) sends X-Requested-With.
  if (!origin.empty()) return false;  // our own, checked above
  if (fetch_site == "same-origin") return false;
  if (req.has_header("x-requested-with")) return false;
  return true;
}

void add_security_headers(response& res, const config& cfg) {
  res.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
      "frame-ancestors 'none'; form-action 'self'");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  // Only when people reach us over https: otherwise it would be ignored, or lock out http.
  if (cfg.public_url.starts_with("https://"))
    res.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

bool may_read_metrics(const request& req, const config& cfg) {
  if (!cfg.metrics_token.empty()) {
    const std::string_view authorization = req.header("authorization");
    return authorization.starts_with("Bearer ") &&
           secrets::equal_constant_time(authorization.substr(7), cfg.metrics_token);
  }
  // A reverse proxy on this machine makes every visitor look local: what it forwarded (it says
  // so in these headers) is not local.
  if (!req.header("x-forwarded-for").empty() || !req.header("forwarded").empty()) return false;
  return is_loopback_address(req.remote_address);
}

bool is_loopback_address(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

route_match dispatcher::match(verb method, std::string_view path) const {
  if (!path.starts_with("/api/")) return {};
  return router_.find(method, path);
}

runs_on dispatcher::where(const request& req, const route_match& m) const {
  // Files read from a folder (development) are read off the network threads.
  if (!req.path.starts_with("/api/"))
    return assets_.reads_disk() ? runs_on::blocking_pool : runs_on::network;
  if (!m.found) return runs_on::network;
  if (m.found->where != runs_on::network) return m.found->where;
  const bool writes =
      req.method != verb::get && req.method != verb::head && req.method != verb::options;
  return writes ? runs_on::blocking_pool : runs_on::network;
}

namespace {

// What a handler's result becomes: errors as JSON in the caller's language, and no caching.
response api_reply(result<response> out, locale lang) {
  if (!out) return error_response(out.error(), lang);
  // A route that says how its answer may be kept (a file) is taken at its word.
  const bool says = std::any_of(out->headers.begin(), out->headers.end(),
                                [](const auto& h) { return h.first == "Cache-Control"; });
  if (!says) out->headers.emplace_back("Cache-Control", "no-store");
  return std::move(*out);
}

// What an exception out of a handler becomes: 503 database_unavailable when the database could
// not be reached (nothing was written; trying again later works), else an internal error.
api_error failure_of(const std::exception& e, const request& req) {
  if (dynamic_cast<const db::unavailable*>(&e)) {
    spdlog::warn("{} {}: {}", static_cast<int>(req.method), req.path, e.what());
    return errors::of(db::database_unavailable);
  }
  spdlog::error("unhandled error on {} {}: {}", static_cast<int>(req.method), req.path, e.what());
  return errors::make(error_code::internal);
}

// handle() adds the security headers to what it answers; a queued reply does not pass there.
response queued_reply(result<response> out, locale lang, const config& cfg) {
  response res = api_reply(std::move(out), lang);
  add_security_headers(res, cfg);
  return res;
}

// The checks of every API request before its handler runs.
std::optional<api_error> refusal(const request& req, const config& cfg,
                                 const route_options& options) {
  if (!options.cross_site && is_cross_site_risk(req, cfg))
    return errors::make(error_code::csrf_rejected);
  const std::string_view type = req.header("content-type");
  const bool form = options.content_type == "application/x-www-form-urlencoded";
  if (!req.body.empty() && !type.empty() && !type.starts_with(options.content_type) &&
      !(form && type.starts_with("application/json")))
    return errors::make(error_code::unsupported_media_type);
  return std::nullopt;
}

}  // namespace

void dispatcher::handle_queued(const request& req, const route_match& m,
                               std::function<void(response)> reply, continuation continue_on) {
  if (!m.found || !m.found->queued) return reply(handle(req, m));
  app_.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
  const locale fallback = locale_from_accept_language(req.header("accept-language"));
  if (auto refused = refusal(req, app_.cfg, m.found->options))
    return reply(queued_reply(*refused, fallback, app_.cfg));
  // The reply may come from the writer before the handler returns, or the handler may throw
  // before it queues anything: exactly one of them answers.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  try {
    context ctx(app_, req, m.params);
    ctx.continue_on = std::move(continue_on);
    (void)ctx.caller();  // resolved once here, so that the reply speaks the account's language
    const locale lang = ctx.lang();
    m.found->queued(ctx, [reply, lang, answered, &cfg = app_.cfg](result<response> out) {
      if (!answered->exchange(true)) reply(queued_reply(std::move(out), lang, cfg));
    });
  } catch (const std::exception& e) {
    if (!answered->exchange(true)) reply(queued_reply(failure_of(e, req), fallback, app_.cfg));
  }
}

response dispatcher::handle(const request& req, const route_match& m) {
  if (m.found && m.found->upload) return upload_from_memory(req, m);
  if (where(req, m) == runs_on::queued_write) {
    // A caller that can wait (a test, for one): the same path, waited for.
    std::promise<response> replied;
    auto answer = replied.get_future();
    handle_queued(req, m, [&replied](response r) { replied.set_value(std::move(r)); });
    return answer.get();
  }
  app_.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
  response res;
  try {
    res = route(req, m);
  } catch (const std::exception& e) {
    res = error_response(failure_of(e, req),
                         locale_from_accept_language(req.header("accept-language")));
  }
  add_security_headers(res, app_.cfg);
  return res;
}

result<caller> dispatcher::admit_upload(const request& head, const route_match&) {
  if (is_cross_site_risk(head, app_.cfg)) return errors::make(error_code::csrf_rejected);
  auto who = accounts::authenticate(app_, head);
  if (!who) return errors::unauthenticated();
  return *who;
}

response dispatcher::handle_upload(const request& head, const route_match& m, const caller& who,
                                   upload body) {
  app_.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
  response res;
  try {
    context ctx(app_, head, m.params, who);
    auto out = m.found->upload(ctx, body);
    res = api_reply(std::move(out), ctx.lang());
  } catch (const std::exception& e) {
    res = error_response(failure_of(e, head), who.lang);
  }
  add_security_headers(res, app_.cfg);
  return res;
}

response dispatcher::upload_from_memory(const request& req, const route_match& m) {
  const locale fallback = locale_from_accept_language(req.header("accept-language"));
  auto refuse = [&](const api_error& e) {
    response res = error_response(e, fallback);
    add_security_headers(res, app_.cfg);
    return res;
  };
  auto who = admit_upload(req, m);
  if (!who) return refuse(who.error());
  if (req.body.size() > m.found->body_limit)
    return refuse(errors::payload_too_large(static_cast<long>(m.found->body_limit)));
  try {
    const auto folder = temp_folder(app_.cfg.data_dir);
    std::filesystem::create_directories(folder);
    auto file = temp_file::create(folder);
    file.append(req.body);
    file.finish();
    return handle_upload(req, m, *who,
                         upload{std::move(file), std::string(req.header("content-type"))});
  } catch (const std::exception& e) {
    spdlog::error("upload to a temporary file: {}", e.what());
    return refuse(errors::make(error_code::internal));
  }
}

response dispatcher::route(const request& req, const route_match& m) {
  const locale fallback = locale_from_accept_language(req.header("accept-language"));
  if (req.path == "/healthz") {
    // A load balancer takes a node whose database does not answer out of its rotation.
    const bool answers = app_.db.answers();
    const char* engine = app_.db.kind() == db::dialect::postgresql ? "postgresql" : "sqlite";
    response r = json_response(answers ? 200 : 503,
                               {{"status", answers ? "ok" : "unavailable"},
                                {"database", {{"engine", engine}, {"answers", answers}}}});
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  if (req.path == "/metrics") {
    if (!may_read_metrics(req, app_.cfg)) return error_response(errors::forbidden(), fallback);
    return metrics_text();
  }
  if (req.path == "/api/v1/openapi.json" && req.method == verb::get) {
    response r;
    r.body = std::string(openapi_document());
    return r;
  }
  if (!req.path.starts_with("/api/")) {
    if (req.method == verb::get || req.method == verb::head)
      if (auto file = assets_.serve(req)) return std::move(*file);
    return error_response(errors::not_found(""), fallback);
  }

  if (!m.found) {
    // No route, or a path parameter that names nothing (path_parameter): 404 either way.
    return error_response(
        errors::make(m.path_exists ? error_code::method_not_allowed : error_code::not_found),
        fallback);
  }
  if (auto refused = refusal(req, app_.cfg, m.found->options))
    return error_response(*refused, fallback);
  context ctx(app_, req, m.params);
  auto out = m.found->fn(ctx);  // before ctx.lang(): the handler resolves the caller
  return api_reply(std::move(out), ctx.lang());
}

std::size_t dispatcher::body_limit(const route_match& m) const {
  return m.found ? m.found->body_limit : max_body;
}

response dispatcher::metrics_text() {
  response r;
  r.content_type = "text/plain; version=0.0.4";
  const auto pending = app_.outbox.pending();
  const auto writes = app_.db.counts();
  const auto pool = app_.db.pool();
  const auto lag = app_.db.announcement_lag();
  const auto jobs = app_.db.read([&](db::session& s) { return jobs::count(s, app_.clock.now()); });
  r.body = fmt::format(
      "# HELP petitesalle_http_requests_total HTTP requests handled.\n"
      "# TYPE petitesalle_http_requests_total counter\n"
      "petitesalle_http_requests_total {}\n"
      "# HELP petitesalle_ws_connections Open WebSocket connections.\n"
      "# TYPE petitesalle_ws_connections gauge\n"
      "petitesalle_ws_connections {}\n"
      "# HELP petitesalle_messages_total Chat messages posted since start.\n"
      "# TYPE petitesalle_messages_total counter\n"
      "petitesalle_messages_total {}\n"
      "# HELP petitesalle_outbox_pending Emails waiting in the outbox.\n"
      "# TYPE petitesalle_outbox_pending gauge\n"
      "petitesalle_outbox_pending {}\n"
      "# HELP petitesalle_outbox_sent_total Emails sent since start.\n"
      "# TYPE petitesalle_outbox_sent_total counter\n"
      "petitesalle_outbox_sent_total {}\n"
      "# HELP petitesalle_db_commits_total Write transactions committed since start (each a group "
      "of writes).\n"
      "# TYPE petitesalle_db_commits_total counter\n"
      "petitesalle_db_commits_total {}\n"
      "# HELP petitesalle_db_writes_total Writes committed since start; divided by commits, the "
      "mean group size.\n"
      "# TYPE petitesalle_db_writes_total counter\n"
      "petitesalle_db_writes_total {}\n"
      "# HELP petitesalle_db_batched_writes_total Of the writes, those run together with "
      "others of their kind (posts, in one set of statements).\n"
      "# TYPE petitesalle_db_batched_writes_total counter\n"
      "petitesalle_db_batched_writes_total {}\n"
      "# HELP petitesalle_db_readers Reader connections to the database: open, idle, and the "
      "most there may be.\n"
      "# TYPE petitesalle_db_readers gauge\n"
      "petitesalle_db_readers{{state=\"open\"}} {}\n"
      "petitesalle_db_readers{{state=\"idle\"}} {}\n"
      "petitesalle_db_readers{{state=\"max\"}} {}\n"
      "# HELP petitesalle_db_notification_lag_ms From another node's commit to its announcement "
      "arriving here: quantiles over the last 1000 announcements, sum and count since start "
      "(several nodes on PostgreSQL; 0 otherwise).\n"
      "# TYPE petitesalle_db_notification_lag_ms summary\n"
      "petitesalle_db_notification_lag_ms{{quantile=\"0.5\"}} {:.1f}\n"
      "petitesalle_db_notification_lag_ms{{quantile=\"0.99\"}} {:.1f}\n"
      "petitesalle_db_notification_lag_ms_sum {:.1f}\n"
      "petitesalle_db_notification_lag_ms_count {}\n"
      "# HELP petitesalle_pushes_total Web Push messages posted since start: accepted by the push "
      "service, or refused and failed.\n"
      "# TYPE petitesalle_pushes_total counter\n"
      "petitesalle_pushes_total{{result=\"sent\"}} {}\n"
      "petitesalle_pushes_total{{result=\"failed\"}} {}\n"
      "# HELP petitesalle_unseen_emails_total Emails of unseen mentions and direct messages queued "
      "since start.\n"
      "# TYPE petitesalle_unseen_emails_total counter\n"
      "petitesalle_unseen_emails_total {}\n"
      "# HELP petitesalle_outbox_failed_total Emails given up on since start (a 5xx reply, or the "
      "last retry failed).\n"
      "# TYPE petitesalle_outbox_failed_total counter\n"
      "petitesalle_outbox_failed_total {}\n"
      "# HELP petitesalle_jobs Scheduled work: due and not yet taken, running (taken by a node), "
      "scheduled for later, and failed (given up after the last retry).\n"
      "# TYPE petitesalle_jobs gauge\n"
      "petitesalle_jobs{{state=\"due\"}} {}\n"
      "petitesalle_jobs{{state=\"running\"}} {}\n"
      "petitesalle_jobs{{state=\"scheduled\"}} {}\n"
      "petitesalle_jobs{{state=\"failed\"}} {}\n",
      app_.stats.http_requests.load(), app_.hub.connection_count(), app_.stats.messages.load(),
      pending, app_.outbox.sent_total(), writes.commits, writes.writes, writes.batched, pool.open,
      pool.idle, pool.max, lag.p50_ms, lag.p99_ms, lag.sum_ms, lag.count,
      app_.stats.pushes_sent.load(), app_.stats.pushes_failed.load(),
      app_.stats.unseen_emails.load(), app_.outbox.failed_total(), jobs.due, jobs.running,
      jobs.scheduled, jobs.failed);
  return r;
}

}  // namespace ps::http
