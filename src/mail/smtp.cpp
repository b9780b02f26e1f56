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
  smtp_transport(smtp_settings settings, signer sign)
      : settings_(std::move(settings)), sign_(std::move(sign)) {}

  delivery_result deliver(const email& e) override {
    if (auto problem = find_problem(e)) return {false, false, *problem};
    const std::string message = render(e, sign_);
    delivery_result result = attempt(e, message, false);
    // An idle connection the relay closed is found out only by using it: once, on a fresh one.
    if (!result.delivered && result.retryable && reused_) result = attempt(e, message, true);
    return result;
  }

 private:
  delivery_result attempt(const email& e, std::string_view message, bool fresh_connection) {
    upload body{message};
    // One handle for the transport's life: libcurl keeps its connection open between emails
    // (no new TCP, TLS and EHLO each time), and curl_easy_reset() clears the options only.
    if (!curl_) curl_.reset(curl_easy_init());
    if (!curl_) return {false, true, "smtp: curl_easy_init failed"};
    CURL* curl = curl_.get();
    curl_easy_reset(curl);
    curl_slist_ptr recipients(curl_slist_append(nullptr, ("<" + e.to + ">").c_str()));
    if (!recipients) return {false, true, "smtp: out of memory"};
    const std::string mail_from = "<" + address_of(e.from) + ">";
    char error_buffer[CURL_ERROR_SIZE] = {};

    CURLcode rc = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
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
    // Relays close idle sessions (Postfix after 300 s); a connection idle 60 s is not reused.
    set(CURLOPT_MAXAGE_CONN, 60L);
    set(CURLOPT_FRESH_CONNECT, fresh_connection ? 1L : 0L);
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

    rc = curl_easy_perform(curl);
    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    reused_ = connects == 0;
    if (rc == CURLE_OK) return {true, false, {}};

    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    std::string error = "smtp: ";
    error += error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    if (reply != 0) error += " (reply " + std::to_string(reply) + ")";
    // A 5xx reply is the relay's final word on this email. Everything else (4xx, a refused
    // or timed-out connection, a TLS failure) may go better later.
    const bool permanent = reply >= 500 && reply <= 599;
    // A reply means the session was alive: nothing to try again on a fresh connection.
    if (reply != 0) reused_ = false;
    return {false, !permanent, error};
  }

  const smtp_settings settings_;
  const signer sign_;
  curl_easy_ptr curl_;
  bool reused_ = false;  // the last attempt went over a connection kept from an earlier one
};

}  // namespace

std::unique_ptr<transport> make_smtp_transport(smtp_settings settings, signer sign) {
  return std::make_unique<smtp_transport>(std::move(settings), std::move(sign));
}

}  // namespace ps::mail
