// What the first page of a search costs on a community of a million messages (issue 13: under
// 50 ms on both databases). Seeds one community (20 rooms, 200 members) with messages drawn from
// a French and English vocabulary with a Zipf distribution (a few words in most messages, most
// words in few), then times search::search, the whole service as the route runs it: the access
// policy's rooms, the candidates of every kind, the ranking and the snippets. Prints one RESULT
// line per query with its number of matches, median and 95th percentile, in milliseconds.
//
//   ps_search_bench [messages] [runs]          (default 1000000 and 31)
//
// On SQLite in a temporary folder; on PostgreSQL when PETITESALLE_TEST_POSTGRES names a server
// (scripts/with-postgres.sh), on a database of its own dropped at the end.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "chat/service.hpp"
#include "chat/store.hpp"
#include "invitations/service.hpp"
#include "search/service.hpp"
#include "testing/test_app.hpp"

namespace {

using namespace ps;

// Common words of both languages first (the head of the distribution), then made-up words
// from syllables, accents included, for the long tail a real community's vocabulary has.
std::vector<std::string> vocabulary(std::size_t size) {
  std::vector<std::string> words = {
      "le",       "la",     "de",      "et",      "the",     "and",      "un",         "une",
      "est",      "pour",   "to",      "is",      "on",      "avec",     "merci",      "été",
      "demain",   "soir",   "show",    "tonight", "Québec",  "Montréal", "répétition", "spectacle",
      "billets",  "café",   "photo",   "guitare", "chanson", "album",    "tournée",    "samedi",
      "dimanche", "week",   "thanks",  "see",     "you",     "next",     "time",       "première",
      "fête",     "génial", "bientôt", "déjà",    "très",    "où",       "ça"};
  const char* onsets[] = {"b", "br", "ch", "d",  "f", "g", "gr", "j",  "l",
                          "m", "n",  "p",  "pl", "r", "s", "t",  "tr", "v"};
  const char* vowels[] = {"a", "e", "é", "è", "i", "o", "ou", "u", "ê", "on", "an", "in"};
  std::mt19937 rng(42);
  while (words.size() < size) {
    std::string w;
    const int syllables = 2 + static_cast<int>(rng() % 3);
    for (int s = 0; s < syllables; ++s) {
      w += onsets[rng() % std::size(onsets)];
      w += vowels[rng() % std::size(vowels)];
    }
    words.push_back(w);
  }
  return words;
}

struct zipf {
  std::vector<double> cumulative;
  explicit zipf(std::size_t n) {
    double sum = 0;
    for (std::size_t i = 1; i <= n; ++i) cumulative.push_back(sum += 1.0 / static_cast<double>(i));
    for (auto& c : cumulative) c /= sum;
  }
  std::size_t draw(std::mt19937& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), u) -
                                    cumulative.begin());
  }
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const long messages = argc > 1 ? std::max(1000L, std::atol(argv[1])) : 1'000'000L;
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 31;
  const bool on_postgresql = testing::testing_on_postgresql();

  testing::test_app t;
  const caller host = t.person("Hôte");
  const std::string slug = t.community(host, "Le Million");
  auto code = invitations::create_invitation(t.app(), host, slug, {})->code;
  std::vector<caller> members{host};
  for (int i = 1; i < 200; ++i) {
    members.push_back(t.person("Membre" + std::to_string(i)));
    (void)invitations::accept_invitation(t.app(), members.back(), code);
  }
  std::vector<std::int64_t> rooms;
  for (int i = 0; i < 20; ++i)
    rooms.push_back(
        chat::create_channel(t.app(), host, slug, "salle-" + std::to_string(i), "chat")->id);

  const auto words = vocabulary(20'000);
  const zipf pick(words.size());
  std::mt19937 rng(7);
  std::vector<std::int64_t> seqs(rooms.size(), 0);
  // How many messages hold each word the queries below ask for (by index in `words`), and each
  // pair of them: what the engine has to consider.
  const std::vector<std::size_t> asked_words = {8000, 300, 0, 120, 200, 22, 20};
  std::map<std::pair<std::size_t, std::size_t>, long> holding;
  const auto seed_start = std::chrono::steady_clock::now();
  millis at = testing::test_epoch - messages * 1000;
  constexpr long per_transaction = 5000;
  for (long done = 0; done < messages;) {
    const long n = std::min(per_transaction, messages - done);
    t.db->write([&](db::transaction& tx) {
      for (long i = 0; i < n; ++i) {
        chat::message m;
        const std::size_t room = rng() % rooms.size();
        m.channel_id = rooms[room];
        m.seq = ++seqs[room];
        m.author_id = members[rng() % members.size()].account_id;
        const int length = 4 + static_cast<int>(rng() % 20);
        std::set<std::size_t> in_it;
        for (int w = 0; w < length; ++w) {
          if (w) m.body += ' ';
          const std::size_t word = pick.draw(rng);
          m.body += words[word];
          if (std::ranges::find(asked_words, word) != asked_words.end()) in_it.insert(word);
        }
        for (auto a : in_it)
          for (auto b : in_it) ++holding[{a, b}];
        m.html = m.body;  // never shown here
        m.created_at = at += 1000;
        chat::store::insert_message(tx, m);
      }
    });
    done += n;
  }
  // What autovacuum does soon after a large write: fresh statistics, without which PostgreSQL
  // guesses how many rows a word matches and may walk the whole table newest first.
  t.db->write([](db::transaction& tx) { tx.execute_script("ANALYZE"); });
  const double seed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();
  std::printf("SEEDED engine=%s messages=%ld rooms=%zu members=%zu seconds=%.0f\n",
              on_postgresql ? "postgresql" : "sqlite", messages, rooms.size(), members.size(),
              seed_s);

  // One word of each frequency band, two words together, a prefix being typed, and the accented
  // words typed without accents.
  struct query {
    const char* name;
    std::string q;
    long matches;  // -1: not counted (a prefix)
    search::order sort = search::order::relevance;
  };
  auto held = [&](std::size_t a, std::size_t b) { return holding[{a, b}]; };
  const std::vector<query> queries = {
      {"rare_word", words[8000] + " ", held(8000, 8000)},
      {"medium_word", words[300] + " ", held(300, 300)},
      {"common_word", words[0] + " ", held(0, 0)},
      {"common_word_newest", words[0] + " ", held(0, 0), search::order::newest},
      {"two_words", words[120] + " " + words[200] + " ", held(120, 200)},
      {"prefix_typed", words[300].substr(0, 4), -1},
      {"accents_folded", "repetition quebec ", held(22, 20)},
      {"no_match", "introuvablexyz ", 0},
  };
  for (const auto& q : queries) {
    std::vector<double> ms;
    std::size_t found = 0;
    for (int i = 0; i < runs; ++i) {
      t.clock.advance(2000);  // the bench is one person: under the search rate limit
      const auto start = std::chrono::steady_clock::now();
      auto page = search::search(t.app(), members[1 + i % 10], slug, {.q = q.q, .sort = q.sort});
      const auto end = std::chrono::steady_clock::now();
      if (!page) {
        std::printf("FAIL %s: %s\n", q.name, std::string(code_name(page.error())).c_str());
        return 1;
      }
      found = page->results.size();
      ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::printf(
        "RESULT %s q=\"%s\" matches=%ld first_page=%zu median_ms=%.1f p95_ms=%.1f max_ms=%.1f "
        "runs=%d\n",
        q.name, q.q.c_str(), q.matches, found, percentile(ms, 0.5), percentile(ms, 0.95),
        percentile(ms, 1.0), runs);
  }
  return 0;
}
