#pragma once
// Fetches Avro schemas by id from a Confluent-compatible Schema Registry (GET /schemas/ids/{id})
// over libcurl, with basic auth and TLS verification always on. One blocking request per call;
// the Avro decoder caches what it returns and decides how long to retry.

#include <cstdint>
#include <memory>
#include <string>

#include "pinsync/common/result.h"
#include "pinsync/config/config.h"

namespace pinsync::decode {

struct RegistryError {
  enum class Kind {
    kUnavailable,    // no answer, a timeout, 5xx or 429: try again later
    kUnknownSchema,  // the registry answered that it has no schema with this id
    kBadResponse,    // an answer that is not a schema (not JSON, no "schema" string)
  };
  Kind kind;
  std::string message;  // what, where (the URL without credentials), what to do
};

// Where the Avro decoder gets schemas: the registry in production, a fixed set in the fuzzer.
class SchemaSource {
 public:
  virtual ~SchemaSource() = default;
  // The schema's JSON text.
  virtual Result<std::string, RegistryError> FetchSchema(int32_t id) = 0;
};

class SchemaRegistryClient final : public SchemaSource {
 public:
  explicit SchemaRegistryClient(config::SchemaRegistryConfig config);
  ~SchemaRegistryClient() override;
  SchemaRegistryClient(const SchemaRegistryClient&) = delete;
  SchemaRegistryClient& operator=(const SchemaRegistryClient&) = delete;

  Result<std::string, RegistryError> FetchSchema(int32_t id) override;

 private:
  struct Handle;
  config::SchemaRegistryConfig config_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace pinsync::decode
