#include "avro_decoder.h"

#include <avro.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "json_document.h"
#include "utf8.h"

namespace pinsync::decode {
namespace {

using json::Fail;

constexpr size_t kHeaderBytes = 5;
constexpr size_t kMaxDepth = 64;  // as the JSON formats: recursive schemas cannot nest deeper
constexpr std::chrono::milliseconds kMaxBackoff{30000};

// Avro C trusts the lengths and counts in the data: a string of length -2 or 2^40 in a 1 KiB
// message becomes one huge allocation, an array of 2^60 nulls endless appends. Its allocator is
// process-wide; this one refuses any single block larger than the largest message an avro
// decoder accepts, so such data fails to decode (malformed_avro) instead.
std::atomic<size_t> g_avro_allocation_limit{0};

// Avro C leaks the buffer of a string or bytes value whose data runs past the end of the input
// (read_bytes returns without freeing it). While a read that may fail is running, the blocks it
// allocates are tracked here; after a failed read and the release of the value, whatever is left
// is that leak and is freed.
thread_local std::set<void*>* t_tracked = nullptr;

void* BoundedAvroAllocator(void*, void* ptr, size_t, size_t nsize) {
  if (nsize == 0) {
    if (t_tracked != nullptr) t_tracked->erase(ptr);
    std::free(ptr);
    return nullptr;
  }
  if (nsize > g_avro_allocation_limit.load(std::memory_order_relaxed)) return nullptr;
  void* moved = std::realloc(ptr, nsize);
  if (t_tracked != nullptr && moved != nullptr) {
    if (ptr != nullptr) t_tracked->erase(ptr);
    t_tracked->insert(moved);
  }
  return moved;
}

// Tracks the blocks Avro C allocates in its scope (this thread only).
class TrackedAllocations {
 public:
  TrackedAllocations() { t_tracked = &live_; }
  ~TrackedAllocations() { t_tracked = nullptr; }
  TrackedAllocations(const TrackedAllocations&) = delete;
  TrackedAllocations& operator=(const TrackedAllocations&) = delete;
  // Frees what is still allocated: call once everything that owned those blocks is released.
  void FreeRemaining() {
    t_tracked = nullptr;
    for (void* p : live_) std::free(p);
    live_.clear();
  }

 private:
  std::set<void*> live_;
};

void BoundAvroAllocations(size_t max_message_bytes) {
  static std::once_flag installed;
  std::call_once(installed, [] { avro_set_allocator(&BoundedAvroAllocator, nullptr); });
  // Room for the schema structures and one message's largest field.
  const size_t limit = max_message_bytes + (size_t{1} << 16);
  size_t current = g_avro_allocation_limit.load();
  while (current < limit && !g_avro_allocation_limit.compare_exchange_weak(current, limit)) {
  }
}

std::string AvroError() {
  const char* text = avro_strerror();
  return text == nullptr ? std::string("unknown error") : std::string(text);
}

// One Avro value as a JSON value: records and maps become objects, arrays arrays, enums their
// symbol, unions their branch's value; bytes and fixed (never identifiers here) become null.
bool ToJson(avro_value_t& value, rapidjson::Value& out, rapidjson::Document::AllocatorType& alloc,
            size_t depth) {
  if (depth > kMaxDepth) return false;
  switch (avro_value_get_type(&value)) {
    case AVRO_STRING: {
      const char* text = nullptr;
      size_t size = 0;
      if (avro_value_get_string(&value, &text, &size) != 0) return false;
      const size_t length = size > 0 ? size - 1 : 0;  // size counts the terminating NUL
      out.SetString(text == nullptr ? "" : text, static_cast<rapidjson::SizeType>(length), alloc);
      return true;
    }
    case AVRO_INT32: {
      int32_t v = 0;
      if (avro_value_get_int(&value, &v) != 0) return false;
      out.SetInt(v);
      return true;
    }
    case AVRO_INT64: {
      int64_t v = 0;
      if (avro_value_get_long(&value, &v) != 0) return false;
      out.SetInt64(v);
      return true;
    }
    case AVRO_FLOAT: {
      float v = 0;
      if (avro_value_get_float(&value, &v) != 0) return false;
      out.SetDouble(v);
      return true;
    }
    case AVRO_DOUBLE: {
      double v = 0;
      if (avro_value_get_double(&value, &v) != 0) return false;
      out.SetDouble(v);
      return true;
    }
    case AVRO_BOOLEAN: {
      int v = 0;
      if (avro_value_get_boolean(&value, &v) != 0) return false;
      out.SetBool(v != 0);
      return true;
    }
    case AVRO_NULL:
    case AVRO_BYTES:
    case AVRO_FIXED:
    case AVRO_LINK:
      out.SetNull();
      return true;
    case AVRO_ENUM: {
      int symbol = 0;
      if (avro_value_get_enum(&value, &symbol) != 0) return false;
      const char* name = avro_schema_enum_get(avro_value_get_schema(&value), symbol);
      if (name == nullptr) return false;
      out.SetString(name, alloc);
      return true;
    }
    case AVRO_UNION: {
      avro_value_t branch;
      if (avro_value_get_current_branch(&value, &branch) != 0) return false;
      return ToJson(branch, out, alloc, depth + 1);
    }
    case AVRO_RECORD:
    case AVRO_MAP: {
      size_t count = 0;
      if (avro_value_get_size(&value, &count) != 0) return false;
      out.SetObject();
      for (size_t i = 0; i < count; ++i) {
        avro_value_t child;
        const char* name = nullptr;
        if (avro_value_get_by_index(&value, i, &child, &name) != 0 || name == nullptr) {
          return false;
        }
        rapidjson::Value member;
        if (!ToJson(child, member, alloc, depth + 1)) return false;
        out.AddMember(rapidjson::Value(name, alloc), member, alloc);
      }
      return true;
    }
    case AVRO_ARRAY: {
      size_t count = 0;
      if (avro_value_get_size(&value, &count) != 0) return false;
      out.SetArray();
      for (size_t i = 0; i < count; ++i) {
        avro_value_t child;
        if (avro_value_get_by_index(&value, i, &child, nullptr) != 0) return false;
        rapidjson::Value element;
        if (!ToJson(child, element, alloc, depth + 1)) return false;
        out.PushBack(element, alloc);
      }
      return true;
    }
  }
  return false;
}

}  // namespace

config::FieldMapping NativeFieldMapping() {
  config::FieldMapping m;
  m.audience_id = "/audience_id";
  m.audience_name = "/audience_name";
  m.user_id = "/user_id";
  m.ts = "/ts";
  m.op = "/op";
  m.email = "/identifiers/email";
  m.idfa = "/identifiers/idfa";
  m.gaid = "/identifiers/gaid";
  m.email_sha256 = "/identifiers/email_sha256";
  m.maid_sha256 = "/identifiers/maid_sha256";
  return m;
}

struct AvroDecoder::CachedSchema {
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value{};
  ~CachedSchema() {
    if (value.iface != nullptr) avro_value_decref(&value);
    if (iface != nullptr) avro_value_iface_decref(iface);
    if (schema != nullptr) avro_schema_decref(schema);
  }
};

AvroDecoder::AvroDecoder(const config::InputConfig& input, const config::Config& config,
                         Sleep sleep)
    : AvroDecoder(input, config, std::make_unique<SchemaRegistryClient>(config.schema_registry),
                  std::move(sleep)) {}

AvroDecoder::AvroDecoder(const config::InputConfig& input, const config::Config& config,
                         std::unique_ptr<SchemaSource> schemas, Sleep sleep)
    : mapping_(input.mapping.audience_id.empty() ? NativeFieldMapping() : input.mapping),
      max_message_bytes_(config.kafka.max_message_bytes),
      registry_(std::move(schemas)),
      max_retries_(std::max(1, config.schema_registry.max_retries)),
      first_backoff_(config.schema_registry.retry_backoff),
      sleep_(sleep ? std::move(sleep)
                   : Sleep([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); })) {
  BoundAvroAllocations(max_message_bytes_);
}

AvroDecoder::~AvroDecoder() = default;

Result<const AvroDecoder::CachedSchema*, DecodeError> AvroDecoder::SchemaFor(int32_t id) {
  if (auto it = schemas_.find(id); it != schemas_.end()) return it->second.get();
  if (auto it = unusable_.find(id); it != unusable_.end()) return Unexpected{it->second};

  std::chrono::milliseconds backoff = first_backoff_;
  for (uint64_t attempt = 1;; ++attempt) {
    auto fetched = registry_->FetchSchema(id);
    if (fetched.ok()) {
      auto cached = std::make_unique<CachedSchema>();
      if (avro_schema_from_json_length(fetched->data(), fetched->size(), &cached->schema) != 0) {
        DecodeError err{DecodeErrc::kUnknownSchema, "schema id " + std::to_string(id) +
                                                        " from the registry is not a valid Avro "
                                                        "schema: " +
                                                        AvroError()};
        unusable_.emplace(id, err);
        return Unexpected{err};
      }
      cached->iface = avro_generic_class_from_schema(cached->schema);
      if (cached->iface == nullptr || avro_generic_value_new(cached->iface, &cached->value) != 0) {
        DecodeError err{
            DecodeErrc::kUnknownSchema,
            "schema id " + std::to_string(id) + " cannot be used for decoding: " + AvroError()};
        unusable_.emplace(id, err);
        return Unexpected{err};
      }
      if (attempt > 1) spdlog::info("schema registry reachable again; schema {} fetched", id);
      return schemas_.emplace(id, std::move(cached)).first->second.get();
    }
    if (fetched.error().kind != RegistryError::Kind::kUnavailable) {
      DecodeError err{DecodeErrc::kUnknownSchema, fetched.error().message};
      unusable_.emplace(id, err);
      return Unexpected{err};
    }
    // Unavailable: hold. The message stays unconsumed; nothing after it on this thread moves.
    ++registry_failures_;
    if (attempt % static_cast<uint64_t>(max_retries_) == 0) {
      spdlog::warn("{} (attempt {}); consumption holds until it answers", fetched.error().message,
                   attempt);
    }
    sleep_(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

DecodeStatus AvroDecoder::DecodeInto(std::string_view key, std::string_view value,
                                     MembershipEvent& event) {
  return MoveInto(DecodeFresh(key, value), event);
}

DecodeResult AvroDecoder::DecodeFresh(std::string_view key, std::string_view value) {
  if (value.size() > max_message_bytes_ || key.size() > max_message_bytes_ - value.size()) {
    return Fail(DecodeErrc::kTooLarge,
                "message key + value is " + std::to_string(key.size() + value.size()) +
                    " bytes, over the limit of " + std::to_string(max_message_bytes_) +
                    " (kafka.max_message_bytes); split the event or raise the limit");
  }
  if (value.size() < kHeaderBytes || value[0] != 0) {
    return Fail(DecodeErrc::kMalformedAvro,
                "message value is not in the Confluent wire format (magic byte 0, 4-byte schema "
                "id, Avro binary); produce with a Schema Registry serializer");
  }
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(value[i])); };
  const auto id = static_cast<int32_t>(byte(1) << 24 | byte(2) << 16 | byte(3) << 8 | byte(4));
  auto schema = SchemaFor(id);
  if (!schema.ok()) return Unexpected{schema.error()};
  CachedSchema& cached = *const_cast<CachedSchema*>(*schema);

  const std::string_view datum = value.substr(kHeaderBytes);
  avro_value_reset(&cached.value);
  avro_reader_t reader = avro_reader_memory(datum.data(), static_cast<int64_t>(datum.size()));
  if (reader == nullptr) return Fail(DecodeErrc::kMalformedAvro, "cannot read the Avro datum");
  // Bytes after the datum are ignored, as Confluent's deserializers do (Avro C's memory reader
  // does not tell how much it consumed).
  TrackedAllocations tracked;
  const int rc = avro_value_read(reader, &cached.value);
  avro_reader_free(reader);
  if (rc != 0) {
    // A failed read can leave the value half-built; start the next message from a fresh one,
    // then free what Avro C lost track of.
    avro_value_decref(&cached.value);
    tracked.FreeRemaining();
    cached.value = avro_value_t{};
    if (avro_generic_value_new(cached.iface, &cached.value) != 0) {
      schemas_.erase(id);  // fetched again on the next message of this id
    }
    return Fail(DecodeErrc::kMalformedAvro, "message value does not decode with schema id " +
                                                std::to_string(id) +
                                                "; produce with the schema the id names");
  }
  rapidjson::Document doc;
  if (!ToJson(cached.value, doc, doc.GetAllocator(), 0)) {
    return Fail(DecodeErrc::kMalformedAvro,
                "the Avro datum nests deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  if (!doc.IsObject()) {
    return Fail(DecodeErrc::kNotAnObject, "schema id " + std::to_string(id) +
                                              " is not a record; membership events are records");
  }
  return mapping_.Read(doc, key);
}

}  // namespace pinsync::decode
