#pragma once
// ps_loadgen: the load generator of the benchmark suite (bench/run.sh drives it).
// This header is plain C++: only client.cpp sees Beast and Asio (one costly translation unit).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lg {

// Options of a subcommand, as --key value pairs.
class options {
 public:
  options(int argc, char** argv, int first);
  std::string str(const std::string& key, const std::string& fallback = "") const;
  std::string required(const std::string& key) const;
  long long integer(const std::string& key, long long fallback) const;
  double number(const std::string& key, double fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// What `setup` created, saved to a file that the other subcommands read.
struct bench_state {
  std::string slug;
  std::int64_t channel = 0;
  std::string owner_cookie;          // the value of the ps_session cookie
  std::string owner_token;           // a personal access token (for wrk)
  std::vector<std::string> members;  // session cookies of the members, in order
};
bench_state load_state(const std::string& file);
void save_state(const bench_state& s, const std::string& file);

// Timing and statistics.
std::int64_t now_ns();  // steady clock
struct summary {
  std::size_t n = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};
summary summarize(std::vector<std::int64_t>& samples_ns);

// A process as /proc sees it.
struct proc_sample {
  double cpu_seconds = 0;  // user + system
  long rss_kib = 0;
  long hwm_kib = 0;  // peak resident memory
};
proc_sample read_proc(int pid);

// Prints `RESULT {json}` on standard output: one line that bench/report.py collects.
void print_result(const std::string& scenario, const std::map<std::string, double>& numbers,
                  const std::map<std::string, std::string>& labels = {});

// Subcommands (each returns the process exit code).
int run_setup(const options& o);        // client.cpp
int run_fanout(const options& o);       // client.cpp
int run_ingest(const options& o);       // client.cpp
int run_connections(const options& o);  // client.cpp
int run_latency(const options& o);      // client.cpp
int run_start(const options& o);        // main.cpp (no Asio)

}  // namespace lg
