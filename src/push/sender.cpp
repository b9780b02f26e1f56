#include "push/sender.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>

namespace ps::push {

namespace {

bool public_v4(std::uint32_t host_order) {
  const std::uint32_t a = host_order >> 24;
  const std::uint32_t b = (host_order >> 16) & 0xff;
  if (a == 0 || a == 10 || a == 127 || a >= 224) return false;  // this, private, loopback, multi
  if (a == 169 && b == 254) return false;                       // link-local
  if (a == 172 && b >= 16 && b <= 31) return false;
  if (a == 192 && b == 168) return false;
  if (a == 100 && b >= 64 && b <= 127) return false;  // shared address space (carrier NAT)
  return true;
}

bool public_v6(const in6_addr& a) {
  const unsigned char* b = a.s6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a)) {
    std::uint32_t v4 = 0;
    std::memcpy(&v4, b + 12, 4);
    return public_v4(ntohl(v4));
  }
  if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_MULTICAST(&a) ||
      IN6_IS_ADDR_LINKLOCAL(&a))
    return false;
  if ((b[0] & 0xfe) == 0xfc) return false;  // unique local, fc00::/7
  return true;
}

struct connect_rules {
  bool allow_loopback = false;
};

// libcurl asks this for every socket it opens, once the name is resolved: the address, not the
// name, is what is checked, so that a name resolving to 10.0.0.1 is refused too.
curl_socket_t open_checked(void* rules, curlsocktype purpose, curl_sockaddr* address) {
  const auto* r = static_cast<const connect_rules*>(rules);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  if (!r->allow_loopback && !is_public_address(&address->addr)) return CURL_SOCKET_BAD;
  return socket(address->family, address->socktype, address->protocol);
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;  // the answer's body says nothing the status does not
}

struct easy_deleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct list_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct multi_deleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};

}  // namespace

bool is_public_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return public_v4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6)
    return public_v6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  return false;
}

bool is_public_host(const std::string& host) {
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']')
    bare = bare.substr(1, bare.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, bare.c_str(), &v4) == 1) return public_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, bare.c_str(), &v6) == 1) return public_v6(v6);
  return bare != "localhost" && !bare.ends_with(".localhost");
}

std::vector<delivery> send_all(std::span<const outgoing> pushes, const send_options& options) {
  std::vector<delivery> out(pushes.size());
  if (pushes.empty()) return out;
  std::unique_ptr<CURLM, multi_deleter> multi(curl_multi_init());
  if (!multi) {
    for (auto& d : out) d.error = "curl_multi_init failed";
    return out;
  }
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, options.parallel);
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, options.parallel);
  connect_rules rules{options.allow_loopback};
  std::vector<std::unique_ptr<CURL, easy_deleter>> handles;
  std::vector<std::unique_ptr<curl_slist, list_deleter>> headers;
  for (std::size_t i = 0; i < pushes.size(); ++i) {
    const outgoing& p = pushes[i];
    CURL* easy = curl_easy_init();
    if (!easy) {
      out[i].error = "curl_easy_init failed";
      continue;
    }
    handles.emplace_back(easy);
    curl_slist* list = nullptr;
    for (const std::string& h :
         {std::string("Content-Type: application/octet-stream"),
          std::string("Content-Encoding: aes128gcm"), "TTL: " + std::to_string(p.ttl_seconds),
          "Urgency: " + p.urgency, "Authorization: " + p.authorization})
      list = curl_slist_append(list, h.c_str());
    headers.emplace_back(list);
    curl_easy_setopt(easy, CURLOPT_URL, p.endpoint.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, options.allow_loopback ? "http,https" : "https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, options.timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min(options.timeout_ms, 5000L));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(p.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, p.body.data());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_checked);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &rules);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_multi_add_handle(multi.get(), easy);
  }
  int running = 0;
  do {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
    if (running) curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
  } while (running);
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi.get(), &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    void* index = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &index);
    delivery& d = out[reinterpret_cast<std::size_t>(index)];
    if (m->data.result == CURLE_OK)
      curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &d.status);
    else
      d.error = curl_easy_strerror(m->data.result);
  }
  for (auto& h : handles) curl_multi_remove_handle(multi.get(), h.get());
  return out;
}

}  // namespace ps::push
