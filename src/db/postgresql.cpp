#include "db/postgresql.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/pg_listener.hpp"
#include "db/pooled.hpp"

namespace ps::db {

bool is_postgresql_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string redacted_url(std::string_view url) {
  // scheme://user:password@host… → scheme://user:***@host…
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(url);
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

namespace {

// Type OIDs of the columns read back (fixed since PostgreSQL 7; catalog/pg_type_d.h is a server
// header, not libpq's).
constexpr Oid bool_oid = 16, int8_oid = 20, int2_oid = 21, int4_oid = 23, text_oid = 25,
              oid_oid = 26, float4_oid = 700, float8_oid = 701, numeric_oid = 1700;

// SQLSTATEs the pool acts on (PostgreSQL's appendix A).
bool is_constraint(std::string_view state) {
  return state.starts_with("23");
}
bool means_unreachable(std::string_view state) {
  // connection_exception, admin_shutdown, crash_shutdown, cannot_connect_now
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

void log_notice(void*, const char* message) {
  spdlog::debug("postgresql: {}", message);
}

// NOTIFY payloads for a group's announcements: "NODE SENT_MS" then one message per line, as
// few payloads as fit under max_announcement bytes each.
std::vector<std::string> announcement_payloads(const std::string& node,
                                               const std::vector<std::string>& messages) {
  std::vector<std::string> out;
  const std::string head = fmt::format("{} {}", node, detail::wall_clock_ms());
  std::string payload = head;
  for (const auto& m : messages) {
    if (m.empty() || m.size() > max_announcement || m.find('\n') != std::string::npos) {
      spdlog::error("announcement dropped: empty, multi-line or over {} bytes", max_announcement);
      continue;
    }
    if (payload.size() + 1 + m.size() > max_announcement && payload.size() > head.size()) {
      out.push_back(std::move(payload));
      payload = head;
    }
    payload += '\n';
    payload += m;
  }
  if (payload.size() > head.size()) out.push_back(std::move(payload));
  return out;
}

// One libpq connection, with its prepared statements: every query is prepared once per
// connection, its parameter types taken from the first call's values.
class pg_session final : public detail::listening_connection {
 public:
  pg_session(const std::string& url, std::string node) : node_(std::move(node)) {
    // The URL's own settings come last, so that they win over these defaults.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"5", "petitesalle", url.c_str(), nullptr};
    conn_.reset(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (!conn_) throw unavailable("postgresql: out of memory while connecting");
    if (PQstatus(conn_.get()) != CONNECTION_OK)
      throw unavailable(fmt::format("postgresql: cannot connect to {}: {}", redacted_url(url),
                                    trimmed(PQerrorMessage(conn_.get()))));
    PQsetNoticeProcessor(conn_.get(), log_notice, nullptr);
  }

  std::vector<row> query_params(std::string_view sql, std::span<const param> params) override {
    auto res = run(sql, params);
    std::vector<row> rows;
    const int n = PQntuples(res.get()), columns = PQnfields(res.get());
    rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      std::vector<value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) values.push_back(column(res.get(), r, c));
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  std::int64_t execute_params(std::string_view sql, std::span<const param> params) override {
    auto res = run(sql, params);
    const char* changed = PQcmdTuples(res.get());
    return changed && *changed ? std::stoll(changed) : 0;
  }

  void execute_pipelined_params(std::string_view sql, std::span<const param> params) override {
    const std::string& name = prepare(sql, params);
    if (PQpipelineStatus(conn_.get()) == PQ_PIPELINE_OFF && !PQenterPipelineMode(conn_.get()))
      lose("cannot enter pipeline mode");
    const parameter_texts texts(params);
    if (!PQsendQueryPrepared(conn_.get(), name.c_str(), texts.count(), texts.values(), nullptr,
                             nullptr, /*text results*/ 0))
      lose("cannot send a statement");
    pending_.push_back(&statements_.find(sql)->first);
  }

  void settle() override {
    if (!pending_.empty()) drain(nullptr);
  }

  void execute_script(std::string_view sql) override {
    settle();
    const std::string text(sql);
    result_ptr res(PQexec(conn_.get(), text.c_str()));
    check(res.get(), "script");
  }

  dialect kind() const override { return dialect::postgresql; }
  void begin_group() override { execute("BEGIN"); }
  void send_announcements(const std::vector<std::string>& messages) override {
    // Pipelined: they travel with the COMMIT, which throws their error if they had one.
    for (const auto& payload : announcement_payloads(node_, messages))
      execute_pipelined("SELECT pg_notify('" + std::string(detail::announcement_channel) + "', $1)",
                        payload);
  }
  PGconn* handle() const override { return conn_.get(); }
  bool broken() const override { return lost_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  bool worth_retrying(const std::exception&) const override {
    // unique_violation: another node inserted the same key first; serialization_failure and
    // deadlock_detected: PostgreSQL chose this transaction to give way.
    return last_state_ == "23505" || last_state_ == "40001" || last_state_ == "40P01";
  }

 private:
  struct connection_closer {
    void operator()(PGconn* c) const { PQfinish(c); }
  };

  // libpq's message on one line (it spreads some over several, "\n\tIs the server running…"),
  // as every log line is.
  static std::string trimmed(const char* message) {
    std::string s;
    for (const char* c = message ? message : ""; *c; ++c) {
      const bool space = *c == '\n' || *c == '\t' || *c == ' ';
      if (!space)
        s += *c;
      else if (!s.empty() && s.back() != ' ')
        s += ' ';
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
  }

  // Parameters as libpq takes them: text, or a null pointer for NULL.
  class parameter_texts {
   public:
    explicit parameter_texts(std::span<const param> params)
        : texts_(params.size()), values_(params.size(), nullptr) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        const value& v = params[i].v;
        if (std::holds_alternative<std::nullptr_t>(v)) continue;
        if (auto n = std::get_if<std::int64_t>(&v))
          texts_[i] = std::to_string(*n);
        else if (auto d = std::get_if<double>(&v))
          texts_[i] = fmt::format("{:.17g}", *d);
        else
          texts_[i] = std::get<std::string>(v);
        values_[i] = texts_[i].c_str();
      }
    }
    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }

   private:
    std::vector<std::string> texts_;
    std::vector<const char*> values_;
  };

  result_ptr run(std::string_view sql, std::span<const param> params) {
    const std::string& name = prepare(sql, params);
    const parameter_texts texts(params);
    if (!pending_.empty()) {
      // Pipelined statements are waiting: this one goes after them, and one round trip
      // brings every answer back.
      if (!PQsendQueryPrepared(conn_.get(), name.c_str(), texts.count(), texts.values(), nullptr,
                               nullptr, /*text results*/ 0))
        lose("cannot send a statement");
      return drain(&statements_.find(sql)->first);
    }
    result_ptr res(PQexecPrepared(conn_.get(), name.c_str(), texts.count(), texts.values(), nullptr,
                                  nullptr, /*text results*/ 0));
    check(res.get(), sql);
    return res;
  }

  // Marks the end of the pipeline and reads every answer in the order sent: the pipelined
  // statements', then `last`'s (the statement whose result the caller wants) when given. Throws
  // the first error, as check() would; after an error the server skipped the rest.
  result_ptr drain(const std::string* last) {
    if (!PQpipelineSync(conn_.get())) lose("cannot end a pipeline");
    std::vector<const std::string*> sent;
    sent.swap(pending_);
    result_ptr failure;
    const std::string* failed_sql = nullptr;
    for (const std::string* sql : sent) {
      auto answer = take_answer();
      if (!failure && !answered_well(answer.get())) {
        failure = std::move(answer);
        failed_sql = sql;
      }
    }
    result_ptr mine = last ? take_answer() : nullptr;
    if (auto end = take_answer(); PQresultStatus(end.get()) != PGRES_PIPELINE_SYNC)
      lose("unexpected answer at the end of a pipeline");
    if (!PQexitPipelineMode(conn_.get())) lose("cannot leave pipeline mode");
    if (failure) check(failure.get(), *failed_sql);
    if (last) check(mine.get(), *last);
    return mine;
  }

  static bool answered_well(PGresult* res) {
    const auto status = PQresultStatus(res);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }

  // The answer to the oldest statement still owed (and the null that closes each query's).
  result_ptr take_answer() {
    result_ptr answer(PQgetResult(conn_.get()));
    if (!answer) lose("an answer is missing from the pipeline");
    if (PQresultStatus(answer.get()) != PGRES_PIPELINE_SYNC)
      while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
    return answer;
  }

  // The connection's state is no longer known: it is given up (broken() says so) and replaced.
  [[noreturn]] void lose(std::string_view what) {
    lost_ = true;
    pending_.clear();
    throw unavailable(
        fmt::format("postgresql: {}: {}", what, trimmed(PQerrorMessage(conn_.get()))));
  }

  const std::string& prepare(std::string_view sql, std::span<const param> params) {
    auto it = statements_.find(sql);  // by string_view: no copy of the SQL text per statement
    if (it != statements_.end()) return it->second;
    settle();  // PQprepare waits for its answer, which pipeline mode does not allow
    std::vector<Oid> types(params.size(), 0);  // 0: inferred from where the parameter stands
    for (std::size_t i = 0; i < params.size(); ++i) {
      const value& v = params[i].v;
      if (std::holds_alternative<std::int64_t>(v))
        types[i] = int8_oid;
      else if (std::holds_alternative<double>(v))
        types[i] = float8_oid;
      else if (std::holds_alternative<std::string>(v))
        types[i] = text_oid;
    }
    std::string name = "ps" + std::to_string(statements_.size() + 1);
    const std::string text(sql);
    result_ptr res(PQprepare(conn_.get(), name.c_str(), text.c_str(),
                             static_cast<int>(types.size()), types.data()));
    check(res.get(), sql);
    return statements_.emplace(text, std::move(name)).first->second;
  }

  void check(PGresult* res, std::string_view what) {
    const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    last_state_ = state ? state : "";
    const char* said = res ? PQresultErrorMessage(res) : "";
    const std::string message =
        fmt::format("postgresql: {} ({}): {}", trimmed(*said ? said : PQerrorMessage(conn_.get())),
                    last_state_.empty() ? "no state" : last_state_, what);
    if (broken() || means_unreachable(last_state_)) throw unavailable(message);
    if (is_constraint(last_state_)) throw constraint_violation(message);
    throw error(message);
  }

  static value column(PGresult* res, int r, int c) {
    if (PQgetisnull(res, r, c)) return nullptr;
    const char* text = PQgetvalue(res, r, c);
    const auto length = static_cast<std::size_t>(PQgetlength(res, r, c));
    switch (PQftype(res, c)) {
      case bool_oid:
        return static_cast<std::int64_t>(text[0] == 't' ? 1 : 0);
      case int8_oid:
      case int2_oid:
      case int4_oid:
      case oid_oid:
        return static_cast<std::int64_t>(std::stoll(text));
      case float4_oid:
      case float8_oid:
        return std::stod(text);
      case numeric_oid:  // SUM() of integers is numeric on PostgreSQL
        if (std::string_view(text, length).find_first_of(".eE") == std::string_view::npos)
          return static_cast<std::int64_t>(std::stoll(text));
        return std::stod(text);
      default:
        return std::string(text, length);
    }
  }

  std::unique_ptr<PGconn, connection_closer> conn_;
  std::unordered_map<std::string, std::string, detail::sql_hash, std::equal_to<>> statements_;
  std::string last_state_;
  std::string node_;  // this node's name, in front of what it announces
  // Pipelined statements sent and not yet answered (their SQL, keys of statements_), in order.
  std::vector<const std::string*> pending_;
  bool lost_ = false;
};

// A name for this node, unique among those sharing the database: what it announces is not
// handed back to it.
std::string new_node_name() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

class pg_database final : public detail::pooled_database {
 public:
  pg_database(const std::string& url, postgresql_options options, std::string node)
      : pooled_database([url, node] { return std::make_unique<pg_session>(url, node); },
                        options.max_readers),
        url_(url),
        node_(std::move(node)) {}
  ~pg_database() override { listener_.reset(); }

  dialect kind() const override { return dialect::postgresql; }
  bool has_other_nodes() const override { return true; }

  void listen(std::function<void(std::string_view)> on_message) override {
    listener_.reset();
    if (on_message)
      listener_ = std::make_unique<detail::pg_listener>(
          [url = url_, node = node_] { return std::make_unique<pg_session>(url, node); }, node_,
          std::move(on_message));
  }
  void announce_now(std::string message) override {
    if (listener_) listener_->send(std::move(message));
  }
  lag_summary announcement_lag() const override {
    return listener_ ? listener_->lag() : lag_summary{};
  }

  void backup_to(const std::string&) override {
    throw error("petitesalle backup copies an SQLite data folder; on PostgreSQL use pg_dump");
  }

 private:
  std::string url_, node_;
  std::unique_ptr<detail::pg_listener> listener_;
};

}  // namespace

std::string with_database_name(std::string_view url, std::string_view name) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  const auto query = url.find('?');
  std::string out(url.substr(0, std::min(path, query)));
  out += '/';
  out += name;
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

namespace {

// Runs one statement on its own connection, for the few that cannot run in a transaction.
void run_alone(const std::string& url, const std::string& sql) {
  pg_session admin(url, "admin");
  admin.execute_script(sql);
}

}  // namespace

scratch_database::scratch_database(const std::string& admin_url) : admin_url_(admin_url) {
  static std::atomic<unsigned> made{0};
  name_ = fmt::format("ps_test_{}_{}_{}", ::getpid(), made.fetch_add(1),
                      std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
  run_alone(admin_url_, "CREATE DATABASE " + name_);
  url_ = with_database_name(admin_url_, name_);
}

scratch_database::~scratch_database() {
  try {
    run_alone(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    spdlog::warn("could not drop the test database {}: {}", name_, e.what());
  }
}

std::unique_ptr<database> open_postgresql(const std::string& url, postgresql_options options) {
  return std::make_unique<pg_database>(url, options, new_node_name());
}

}  // namespace ps::db
