#pragma once
// A minimal Confluent Schema Registry for `pinsync demo --format avro`, on loopback: schemas are
// registered under a subject (POST /subjects/{subject}/versions, answering {"id": n}) and served by
// id (GET /schemas/ids/{id}, 404 for an id it never issued), the two calls a producer and
// pinsync's avro input make. State lives in memory for the life of the demo.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"

namespace pinsync::demo {

class SchemaRegistryServer {
 public:
  // Binds 127.0.0.1 on an ephemeral port and starts serving.
  static Result<std::unique_ptr<SchemaRegistryServer>> Start();
  ~SchemaRegistryServer();
  SchemaRegistryServer(const SchemaRegistryServer&) = delete;
  SchemaRegistryServer& operator=(const SchemaRegistryServer&) = delete;

  // http://127.0.0.1:PORT, pinsync's schema_registry.url.
  std::string url() const;

 private:
  struct Impl;
  explicit SchemaRegistryServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Registers `schema` (Avro schema JSON) under `subject` at the registry `url`, as a producer's
// serializer does, and returns the id messages carry.
Result<int32_t> RegisterSchema(const std::string& url, const std::string& subject,
                               std::string_view schema);

}  // namespace pinsync::demo
