#pragma once
// A realistic, deterministic stream of membership events for the demo, the end-to-end tests and
// the benchmarks, with its ground truth: the net membership of every customer list.
//
// Identifiers arrive messy but valid (mixed case, surrounding spaces, upper-case IDFAs,
// pre-hashed emails); a small share of messages is malformed in each way the decoder and the
// normalizer reject. The ground truth hashes the canonical form of each identifier with OpenSSL
// directly, not through pinsync's normalizer, so a normalization bug shows up as a mismatch.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"

namespace pinsync::demo {

// How the stream's messages are written (docs/events.md): the native JSON contract, Segment
// Engage identify/track calls, or Avro records in the Confluent wire format.
enum class EventFormat { kNative, kSegment, kAvro };

std::string_view ToString(EventFormat format);
// The format named native, segment or avro; nullopt for any other text.
std::optional<EventFormat> ParseEventFormat(std::string_view name);

// The Avro schema of the stream's records in format kAvro: the native event's fields, read with
// the avro format's default (native) field names.
std::string_view MembershipAvroSchema();

struct StreamOptions {
  size_t events = 20000;
  int audiences = 4;  // 1..64; the first 8 have descriptive names
  size_t users = 0;   // 0: events / 4
  uint64_t seed = 42;
  double malformed_share = 0.005;
  double remove_share = 0.35;
  EventFormat format = EventFormat::kNative;
  int32_t avro_schema_id = 1;  // kAvro: the registry's id of MembershipAvroSchema()
};

struct Audience {
  std::string id;
  std::string name;
};

struct GeneratedMessage {
  std::string key;    // the user id
  std::string value;  // in the stream's format (or, for a malformed message, whatever it is)
  // For a malformed message: the reason the connector must dead-letter it with.
  std::optional<std::string> expected_reason;
};

// Per customer list (audience id + list type): members as lowercase hex SHA-256, and how many
// add and remove changes the stream carried for it.
struct ListTruth {
  std::set<std::string> members;
  uint64_t adds = 0;
  uint64_t removes = 0;

  friend bool operator==(const ListTruth&, const ListTruth&) = default;
};
using ListId = std::pair<std::string, ListType>;  // audience id, list type

class MembershipStream {
 public:
  explicit MembershipStream(StreamOptions options);

  // The next message, or nullopt after options.events messages.
  std::optional<GeneratedMessage> Next();

  const std::vector<Audience>& audiences() const { return audiences_; }
  const std::map<ListId, ListTruth>& truth() const { return truth_; }
  // Expected dead letters by reason.
  const std::map<std::string, uint64_t>& expected_dead_letters() const { return dead_letters_; }
  uint64_t malformed() const;
  // Messages the connector must skip, neither delivered nor dead-lettered (kSegment: identify
  // calls about other traits).
  uint64_t expected_skips() const { return skips_; }
  size_t produced() const { return produced_; }

 private:
  struct User {
    std::string id;
    std::string email;  // canonical: lowercase, no spaces
    std::string idfa;   // canonical lowercase, or empty
    std::string gaid;
    bool prehashed_email = false;
  };
  GeneratedMessage Valid();
  GeneratedMessage Malformed();
  // The other formats (membership_formats.cc): the same change as Valid() would make, written
  // as a Segment call or an Avro record, and each format's own malformed messages.
  GeneratedMessage SegmentCall(const User& user, const Audience& audience, bool add);
  GeneratedMessage SegmentOtherTraits(const User& user);
  GeneratedMessage SegmentMalformed(const User& user, const Audience& audience);
  GeneratedMessage AvroRecord(const User& user, const Audience& audience, bool add);
  GeneratedMessage AvroMalformed(const User& user, const Audience& audience);
  GeneratedMessage Rejected(const std::string& key, std::string value, const std::string& reason);
  void Apply(const std::string& audience, ListType type, const std::string& hex, bool add);
  std::string Messy(const std::string& canonical);

  StreamOptions options_;
  std::mt19937_64 rng_;
  std::vector<Audience> audiences_;
  std::vector<User> users_;
  std::map<ListId, ListTruth> truth_;
  std::map<std::string, uint64_t> dead_letters_;
  uint64_t skips_ = 0;
  size_t produced_ = 0;
};

// Lowercase hex SHA-256 of `text` (OpenSSL), the ground truth's hash.
std::string Sha256Hex(const std::string& text);

}  // namespace pinsync::demo
