#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "mail/transport.hpp"

namespace ps::mail {
namespace {

struct curl_easy_deleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using curl_easy_ptr = std::unique_ptr<CURL, curl_easy_deleter>;

struct curl_slist_deleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using curl_slist_ptr = std::unique_ptr<curl_slist, curl_slist_deleter>;

// The message libcurl pulls as the DATA of the SMTP session.
struct upload {
  std::string_view remaining;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* userdata) {
  auto& data = static_cast<upload*>(userdata)->remaining;
  const std::size_t n = std::min(size * count, data.size());
  std::memcpy(buffer, data.data(), n);
  data.remove_prefix(n);
  return n;
}

class smtp_transport final : public transport {
 public:
  explicit smtp_transport(smtp_settings settings) : settings_(std::move(settings)) {}

  delivery_result deliver(const email& e) override {
    if (auto problem = find_problem(e)) return {false, false, *problem};
    const std::string message = format_rfc5322(e, std::chrono::system_clock::now());
    upload body{message};

    // A handle per delivery: deliveries are seconds apart, and a fresh handle cannot carry
    // a half-broken connection from the previous one.
    curl_easy_ptr curl(curl_easy_init());
    if (!curl) return {false, true, "smtp: curl_easy_init failed"};
    curl_slist_ptr recipients(curl_slist_append(nullptr, ("<" + e.to + ">").c_str()));
    if (!recipients) return {false, true, "smtp: out of memory"};
    const std::string mail_from = "<" + address_of(e.from) + ">";
    char error_buffer[CURL_ERROR_SIZE] = {};

    CURLcode rc = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl_easy_setopt(curl.get(), option, value);
    };
    set(CURLOPT_ERRORBUFFER, error_buffer);
    set(CURLOPT_URL, settings_.url.c_str());
    // Only SMTP: a mistyped setting must not turn this into an HTTP or file:// request.
    set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    set(CURLOPT_MAIL_FROM, mail_from.c_str());
    set(CURLOPT_MAIL_RCPT, recipients.get());
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_READFUNCTION, &read_upload);
    set(CURLOPT_READDATA, &body);
    set(CURLOPT_TIMEOUT, settings_.timeout_seconds);
    set(CURLOPT_CONNECTTIMEOUT, settings_.timeout_seconds);
    set(CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix; we run in a worker thread
    // No opportunistic STARTTLS when TLS is not required: a relay with a certificate we
    // cannot verify would then fail every delivery instead of working in clear.
    set(CURLOPT_USE_SSL, settings_.require_tls ? static_cast<long>(CURLUSESSL_ALL)
                                               : static_cast<long>(CURLUSESSL_NONE));
    if (!settings_.username.empty()) {
      set(CURLOPT_USERNAME, settings_.username.c_str());
      set(CURLOPT_PASSWORD, settings_.password.c_str());
    }
    if (rc != CURLE_OK) return {false, false, std::string("smtp: ") + curl_easy_strerror(rc)};

    rc = curl_easy_perform(curl.get());
    if (rc == CURLE_OK) return {true, false, {}};

    long reply = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply);
    std::string error = "smtp: ";
    error += error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    if (reply != 0) error += " (reply " + std::to_string(reply) + ")";
    // A 5xx reply is the relay's final word on this email. Everything else (4xx, a refused
    // or timed-out connection, a TLS failure) may go better later.
    const bool permanent = reply >= 500 && reply <= 599;
    return {false, !permanent, error};
  }

 private:
  const smtp_settings settings_;
};

}  // namespace

std::unique_ptr<transport> make_smtp_transport(smtp_settings settings) {
  return std::make_unique<smtp_transport>(std::move(settings));
}

}  // namespace ps::mail
