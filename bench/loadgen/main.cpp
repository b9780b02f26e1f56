// ps_loadgen: command line, statistics, /proc readings, and the `start` scenario (plain POSIX).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "loadgen.hpp"

namespace lg {

options::options(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) throw std::runtime_error("expected --option, got " + key);
    key = key.substr(2);
    if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      values_[key] = argv[++i];
    } else {
      values_[key] = "1";
    }
  }
}

std::string options::str(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

std::string options::required(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::runtime_error("missing --" + key);
  return it->second;
}

long long options::integer(const std::string& key, long long fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : std::stoll(it->second);
}

double options::number(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : std::stod(it->second);
}

bench_state load_state(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  bench_state s;
  std::string key, value;
  while (in >> key >> value) {
    if (key == "slug")
      s.slug = value;
    else if (key == "channel")
      s.channel = std::stoll(value);
    else if (key == "owner_cookie")
      s.owner_cookie = value;
    else if (key == "owner_token")
      s.owner_token = value;
    else if (key == "member")
      s.members.push_back(value);
  }
  if (s.slug.empty() || s.channel == 0) throw std::runtime_error("incomplete state file " + file);
  return s;
}

void save_state(const bench_state& s, const std::string& file) {
  std::ofstream out(file);
  out << "slug " << s.slug << "\nchannel " << s.channel << "\nowner_cookie " << s.owner_cookie
      << "\nowner_token " << s.owner_token << "\n";
  for (const auto& m : s.members) out << "member " << m << "\n";
  if (!out) throw std::runtime_error("cannot write " + file);
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

summary summarize(std::vector<std::int64_t>& v) {
  summary s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    // Nearest rank: the smallest sample with at least q of the samples at or below it.
    std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    rank = std::clamp<std::size_t>(rank, 1, v.size());
    return static_cast<double>(v[rank - 1]) / 1e6;
  };
  s.p50_ms = at(0.50);
  s.p99_ms = at(0.99);
  s.max_ms = static_cast<double>(v.back()) / 1e6;
  long double total = 0;
  for (auto x : v) total += x;
  s.mean_ms = static_cast<double>(total / v.size() / 1e6);
  return s;
}

proc_sample read_proc(int pid) {
  proc_sample p;
  if (pid <= 0) return p;
  {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces) start after the last ')'.
    auto close = text.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(text.substr(close + 2));
      std::vector<std::string> f;
      std::string x;
      while (rest >> x) f.push_back(x);
      // f[0] is field 3 (state); utime is field 14, stime field 15.
      if (f.size() > 13) {
        const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
        p.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / tick;
      }
    }
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) p.rss_kib = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) p.hwm_kib = std::stol(line.substr(6));
  }
  return p;
}

void print_result(const std::string& scenario, const std::map<std::string, double>& numbers,
                  const std::map<std::string, std::string>& labels) {
  nlohmann::json j;
  j["scenario"] = scenario;
  for (const auto& [k, v] : numbers) j[k] = std::isfinite(v) ? v : 0.0;
  for (const auto& [k, v] : labels) j[k] = v;
  std::cout << "RESULT " << j.dump() << std::endl;
}

namespace {

// One blocking GET /healthz over loopback; true on a 200.
bool healthy(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof req - 1)) {
      char buf[64] = {};
      ssize_t got = 0;
      while (got < 12) {
        ssize_t r = ::recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (r <= 0) break;
        got += r;
      }
      ok = got >= 12 && std::strncmp(buf, "HTTP/1.1 200", 12) == 0;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

// Launches the server, measures the time to the first 200 on /healthz and the idle memory.
int run_start(const options& o) {
  const std::string exe = o.required("exe");
  const std::string data = o.required("data");
  const int port = static_cast<int>(o.integer("port", 18931));
  const std::string log = o.str("log", "/dev/null");
  const double settle = o.number("settle", 1.0);
  const std::string listen = "127.0.0.1:" + std::to_string(port);

  const auto t0 = now_ns();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a killed ps_loadgen leaves no server behind
    // The server logs on standard output and standard error: both to the log.
    if (std::freopen(log.c_str(), "a", stdout)) ::dup2(STDOUT_FILENO, STDERR_FILENO);
    std::vector<std::string> args = {
        exe, "serve", "--listen", listen, "--data", data, "--fast-password-hashing"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    _exit(127);
  }
  double ready_ms = -1;
  while (now_ns() - t0 < 20'000'000'000LL) {
    if (healthy(port)) {
      ready_ms = static_cast<double>(now_ns() - t0) / 1e6;
      break;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) break;  // the server died
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(settle));
  const proc_sample idle = read_proc(pid);
  ::kill(pid, SIGTERM);
  int status = 0;
  bool reaped = false;
  for (int i = 0; i < 500 && !reaped; ++i) {
    reaped = ::waitpid(pid, &status, WNOHANG) == pid;
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!reaped) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  if (ready_ms < 0) {
    std::cerr << "start: the server never answered 200 on /healthz\n";
    return 1;
  }
  print_result("start", {{"ready_ms", ready_ms}, {"idle_rss_mib", idle.rss_kib / 1024.0}},
               {{"db", o.str("label", "")}});
  return 0;
}

}  // namespace lg

int main(int argc, char** argv) {
  const char* usage =
      "usage: ps_loadgen COMMAND [--option value ...]\n"
      "  setup        --port P --members N --state FILE      accounts, community, channel\n"
      "  fanout       --port P --state FILE --members N --rate R --duration S --pid SERVER\n"
      "               [--member-port P2: every other member connects to a second node]\n"
      "  ingest       --port P --state FILE --posters C --duration S --pid SERVER [--client-ids "
      "0]\n"
      "  connections  --port P --state FILE --count N --sources K --pid SERVER\n"
      "  latency      --port P --state FILE --requests N --posts M\n"
      "  start        --exe PATH --data DIR --port P [--label L]\n"
      "See bench/run.sh and docs/benchmarks.md.\n";
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  const std::string cmd = argv[1];
  try {
    lg::options o(argc, argv, 2);
    if (cmd == "setup") return lg::run_setup(o);
    if (cmd == "fanout") return lg::run_fanout(o);
    if (cmd == "ingest") return lg::run_ingest(o);
    if (cmd == "connections") return lg::run_connections(o);
    if (cmd == "latency") return lg::run_latency(o);
    if (cmd == "start") return lg::run_start(o);
  } catch (const std::exception& e) {
    std::cerr << "ps_loadgen " << cmd << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << usage;
  return 2;
}
