// The stream's membership changes written as Segment Engage calls or as Avro records in the
// Confluent wire format (docs/events.md, "Other formats"), with each format's malformed messages.
// Every valid message applies to the ground truth exactly the identifiers it carries.
#include "avro_binary.h"
#include "pinsync/demo/membership_stream.h"
#include "upper_case.h"

namespace pinsync::demo {
namespace {

constexpr std::string_view kAvroSchema =
    R"({"type":"record","name":"Membership","namespace":"pinsync.demo","fields":[)"
    R"({"name":"audience_id","type":"string"},)"
    R"({"name":"audience_name","type":["null","string"],"default":null},)"
    R"({"name":"op","type":{"type":"enum","name":"Op","symbols":["add","remove"]}},)"
    R"({"name":"user_id","type":["null","string"],"default":null},)"
    R"({"name":"ts","type":["null","long"],"default":null},)"
    R"({"name":"identifiers","type":{"type":"record","name":"Identifiers","fields":[)"
    R"({"name":"email","type":{"type":"array","items":"string"},"default":[]},)"
    R"({"name":"email_sha256","type":["null","string"],"default":null},)"
    R"({"name":"idfa","type":["null","string"],"default":null},)"
    R"({"name":"gaid","type":["null","string"],"default":null}]}}]})";

constexpr int64_t kFirstTs = 1732300000000;

// Engage puts the audience under context.personas: its key (the trait's name) and its id.
std::string Personas(const Audience& audience) {
  return R"("personas":{"computation_class":"audience","computation_key":")" + audience.name +
         R"(","computation_id":")" + audience.id + R"("})";
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// An Avro datum of kAvroSchema for an add with these identifiers (the malformed cases).
std::string AvroAdd(int32_t schema_id, const Audience& audience,
                    const std::vector<std::string>& emails, const std::string& idfa) {
  return AvroBinary(schema_id)
      .String(audience.id)
      .OptionalString(audience.name)
      .Long(0)  // Op: add
      .Null()   // user_id: the Kafka key
      .Null()   // ts
      .Strings(emails)
      .Null()  // email_sha256
      .OptionalString(idfa)
      .Null()  // gaid
      .Take();
}

}  // namespace

std::string_view ToString(EventFormat format) {
  switch (format) {
    case EventFormat::kNative:
      return "native";
    case EventFormat::kSegment:
      return "segment";
    case EventFormat::kAvro:
      return "avro";
  }
  return "native";
}

std::optional<EventFormat> ParseEventFormat(std::string_view name) {
  for (EventFormat format : {EventFormat::kNative, EventFormat::kSegment, EventFormat::kAvro}) {
    if (ToString(format) == name) return format;
  }
  return std::nullopt;
}

std::string_view MembershipAvroSchema() { return kAvroSchema; }

GeneratedMessage MembershipStream::SegmentCall(const User& user, const Audience& audience,
                                               bool add) {
  const std::string email = Messy(user.email);  // Segment carries plaintext emails only
  Apply(audience.id, ListType::kEmail, Sha256Hex(user.email), add);
  // One device per call: a user's IDFA if there is one, otherwise the GAID.
  std::string device;
  if (!user.idfa.empty()) {
    device = R"(,"device":{"type":"ios","advertisingId":")" + Upper(user.idfa) + R"("})";
    Apply(audience.id, ListType::kMaid, Sha256Hex(user.idfa), add);
  } else if (!user.gaid.empty()) {
    device = R"(,"device":{"type":"android","advertisingId":")" + Messy(user.gaid) + R"("})";
    Apply(audience.id, ListType::kMaid, Sha256Hex(user.gaid), add);
  }
  // Most calls name the user; some only anonymously, some not at all (the Kafka key is used).
  std::string user_field;
  if (produced_ % 4 == 1) {
    user_field = R"("anonymousId":")" + user.id + R"(",)";
  } else if (produced_ % 4 != 0) {
    user_field = R"("userId":")" + user.id + R"(",)";
  }
  const std::string tail = R"(,"messageId":"m-)" + std::to_string(produced_) +
                           R"(","timestamp":"2026-11-30T10:00:00.000Z"})";
  std::string value;
  if (rng_() % 5 == 0) {  // the track form
    value = R"({"type":"track","event":")" +
            std::string(add ? "Audience Entered" : "Audience Exited") + R"(",)" + user_field +
            R"("properties":{"audience_key":")" + audience.name + R"(",")" + audience.name +
            R"(":)" + Bool(add) + R"(},"context":{"traits":{"email":")" + email + R"("},)" +
            Personas(audience) + device + "}" + tail;
  } else {
    value = R"({"type":"identify",)" + user_field + R"("traits":{"email":")" + email + R"(",")" +
            audience.name + R"(":)" + Bool(add) + R"(},"context":{)" + Personas(audience) + device +
            "}" + tail;
  }
  return GeneratedMessage{user.id, std::move(value), std::nullopt};
}

GeneratedMessage MembershipStream::SegmentOtherTraits(const User& user) {
  ++skips_;
  return GeneratedMessage{user.id,
                          R"({"type":"identify","userId":")" + user.id +
                              R"(","traits":{"email":")" + user.email + R"(","plan":"pro"}})",
                          std::nullopt};
}

GeneratedMessage MembershipStream::SegmentMalformed(const User& user, const Audience& audience) {
  const std::string identify = R"({"type":"identify","userId":")" + user.id + R"(",)";
  const std::string trait = R"(")" + audience.name + R"(":true)";
  const std::string context = R"("context":{)" + Personas(audience) + "}}";
  switch (rng_() % 7) {
    case 0:
      return Rejected(user.id, identify + R"("traits":{"email":")", "malformed_json");
    case 1:
      return Rejected(user.id,
                      identify + R"("traits":{"email":")" + user.email + R"(",")" + audience.name +
                          R"(":"yes"},)" + context,
                      "wrong_type");
    case 2:
      return Rejected(user.id,
                      R"({"userId":")" + user.id + R"(","traits":{"email":")" + user.email +
                          R"(",)" + trait + "}," + context,
                      "missing_field");
    case 3:
      return Rejected(user.id,
                      identify + R"("traits":{"email":"not-an-email",)" + trait + "}," + context,
                      "invalid_email");
    case 4:
      return Rejected(user.id,
                      identify + R"("traits":{)" + trait + R"(},"context":{)" + Personas(audience) +
                          R"(,"device":{"type":"ios","advertisingId":"12345"}}})",
                      "invalid_maid");
    case 5:
      return Rejected(user.id, identify + R"("traits":{)" + trait + "}," + context,
                      "no_identifiers");
    default:
      return Rejected(
          user.id,
          identify + "\"traits\":{\"email\":\"caf\xC3\x28@example.com\"," + trait + "}," + context,
          "invalid_utf8");
  }
}

GeneratedMessage MembershipStream::AvroRecord(const User& user, const Audience& audience,
                                              bool add) {
  std::vector<std::string> emails;
  std::string email_sha256, idfa, gaid;
  const std::string email_hash = Sha256Hex(user.email);
  if (user.prehashed_email) {
    email_sha256 = Upper(email_hash);
  } else {
    emails.push_back(Messy(user.email));
  }
  Apply(audience.id, ListType::kEmail, email_hash, add);
  if (!user.idfa.empty()) {
    idfa = Upper(user.idfa);
    Apply(audience.id, ListType::kMaid, Sha256Hex(user.idfa), add);
  }
  if (!user.gaid.empty()) {
    gaid = Messy(user.gaid);
    Apply(audience.id, ListType::kMaid, Sha256Hex(user.gaid), add);
  }
  std::string value = AvroBinary(options_.avro_schema_id)
                          .String(audience.id)
                          .OptionalString(audience.name)
                          .Long(add ? 0 : 1)  // Op's symbol index
                          .OptionalString(produced_ % 3 == 0 ? user.id : "")
                          .Long(1)  // ts: the long branch
                          .Long(kFirstTs + static_cast<int64_t>(produced_))
                          .Strings(emails)
                          .OptionalString(email_sha256)
                          .OptionalString(idfa)
                          .OptionalString(gaid)
                          .Take();
  return GeneratedMessage{user.id, std::move(value), std::nullopt};
}

GeneratedMessage MembershipStream::AvroMalformed(const User& user, const Audience& audience) {
  const int32_t id = options_.avro_schema_id;
  switch (rng_() % 7) {
    case 0: {  // the audience name claims 400 bytes and three follow
      std::string cut = AvroBinary(id).String(audience.id).Long(1).Long(400).Take() + "abc";
      return Rejected(user.id, std::move(cut), "malformed_avro");
    }
    case 1:  // a schema id the registry never issued
      return Rejected(user.id, AvroAdd(id + 1000, audience, {user.email}, ""), "unknown_schema");
    case 2:
      return Rejected(user.id, AvroAdd(id, audience, {"not-an-email"}, ""), "invalid_email");
    case 3:
      return Rejected(user.id, AvroAdd(id, audience, {}, "12345"), "invalid_maid");
    case 4:
      return Rejected(user.id, AvroAdd(id, audience, {}, ""), "no_identifiers");
    case 5:
      return Rejected(user.id, AvroAdd(id, audience, {"caf\xC3\x28@example.com"}, ""),
                      "invalid_utf8");
    default: {  // JSON where the wire format's magic byte should be
      std::string value = "{\"audience_id\":\"" + audience.id + "\"}";
      return Rejected(user.id, std::move(value), "malformed_avro");
    }
  }
}

}  // namespace pinsync::demo
