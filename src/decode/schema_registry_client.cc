#include "pinsync/decode/schema_registry_client.h"

#include <curl/curl.h>
#include <rapidjson/document.h>

#include <utility>

namespace pinsync::decode {
namespace {

size_t Append(char* data, size_t size, size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  constexpr size_t kMaxBody = size_t{4} << 20;  // a schema is small; a huge answer is not one
  if (body->size() + size * count > kMaxBody) return 0;
  body->append(data, size * count);
  return size * count;
}

// The URL for messages: credentials written into it (https://user:secret@host) are cut out.
std::string ShownUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t at = url.find('@', start);
  const size_t slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, start) + "<credentials>@" + url.substr(at + 1);
}

Unexpected<RegistryError> Fail(RegistryError::Kind kind, std::string message) {
  return Unexpected{RegistryError{kind, std::move(message)}};
}

}  // namespace

struct SchemaRegistryClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

SchemaRegistryClient::SchemaRegistryClient(config::SchemaRegistryConfig config)
    : config_(std::move(config)), handle_(std::make_unique<Handle>()) {
  while (!config_.url.empty() && config_.url.back() == '/') config_.url.pop_back();
}

SchemaRegistryClient::~SchemaRegistryClient() = default;

Result<std::string, RegistryError> SchemaRegistryClient::FetchSchema(int32_t id) {
  const std::string url = config_.url + "/schemas/ids/" + std::to_string(id);
  const std::string shown = ShownUrl(url);
  if (handle_->curl == nullptr) handle_->curl = curl_easy_init();
  CURL* curl = handle_->curl;
  if (curl == nullptr) {
    return Fail(RegistryError::Kind::kUnavailable, "libcurl could not start a request");
  }
  curl_easy_reset(curl);
  std::string body;
  const auto timeout_ms = static_cast<long>(config_.request_timeout.count());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!config_.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_bundle.c_str());
  if (!config_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    return Fail(RegistryError::Kind::kUnavailable,
                "schema registry " + shown + " unreachable: " + curl_easy_strerror(rc) +
                    "; check schema_registry.url and that the registry is up");
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status == 404) {
    return Fail(RegistryError::Kind::kUnknownSchema,
                "schema registry " + shown + " has no schema with id " + std::to_string(id) +
                    "; the producer used a registry other than schema_registry.url, or the "
                    "schema was deleted");
  }
  if (status == 401 || status == 403) {
    // Credentials fixed by an operator make it work again: hold rather than dead-letter.
    return Fail(RegistryError::Kind::kUnavailable,
                "schema registry " + shown + " refused the credentials (HTTP " +
                    std::to_string(status) +
                    "); check schema_registry.username and SCHEMA_REGISTRY_PASSWORD");
  }
  if (status != 200) {
    return Fail(RegistryError::Kind::kUnavailable, "schema registry " + shown + " answered HTTP " +
                                                       std::to_string(status) + "; retrying");
  }
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("schema") ||
      !doc["schema"].IsString()) {
    return Fail(RegistryError::Kind::kBadResponse,
                "schema registry " + shown +
                    " answered 200 without a \"schema\" string; is schema_registry.url a "
                    "Confluent-compatible registry?");
  }
  if (doc.HasMember("schemaType") && doc["schemaType"].IsString() &&
      std::string_view(doc["schemaType"].GetString()) != "AVRO") {
    return Fail(RegistryError::Kind::kUnknownSchema,
                "schema " + std::to_string(id) + " at " + shown +
                    " is not an Avro schema (schemaType " + doc["schemaType"].GetString() + ")");
  }
  return std::string(doc["schema"].GetString(), doc["schema"].GetStringLength());
}

}  // namespace pinsync::decode
