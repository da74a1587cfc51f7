#include "segment_decoder.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "json_document.h"
#include "utf8.h"

namespace pinsync::decode {
namespace {

using json::Fail;
using json::Member;

constexpr std::string_view kEntered = "Audience Entered";
constexpr std::string_view kExited = "Audience Exited";

// Reads a string member into out (absent/null leaves it empty); returns the error if any.
std::optional<DecodeError> ReadString(const rapidjson::Value* obj, std::string_view member,
                                      std::string_view name, std::string& out) {
  auto text = json::OptionalString(Member(obj, member), name);
  if (!text.ok()) return text.error();
  if (*text) out.assign(**text);
  return std::nullopt;
}

// Email from traits.email (identify) and context.traits.email, each once.
std::optional<DecodeError> ReadEmails(const rapidjson::Value& root, RawIdentifiers& ids) {
  if (auto err = json::AppendStrings(Member(Member(&root, "traits"), "email"), "traits.email",
                                     ids.email)) {
    return err;
  }
  IdentifierValues context_emails;
  if (auto err = json::AppendStrings(Member(Member(Member(&root, "context"), "traits"), "email"),
                                     "context.traits.email", context_emails)) {
    return err;
  }
  for (const std::string& email : context_emails) {
    if (std::find(ids.email.begin(), ids.email.end(), email) == ids.email.end()) {
      ids.email.push_back(email);
    }
  }
  return std::nullopt;
}

// context.device.advertisingId is an IDFA on iOS and a GAID on Android; other devices' ids are
// not ones Pinterest matches, so they are left out.
std::optional<DecodeError> ReadAdvertisingId(const rapidjson::Value& root, RawIdentifiers& ids) {
  const rapidjson::Value* device = Member(Member(&root, "context"), "device");
  std::string advertising_id, type;
  if (auto err =
          ReadString(device, "advertisingId", "context.device.advertisingId", advertising_id)) {
    return err;
  }
  if (advertising_id.empty()) return std::nullopt;
  if (auto err = ReadString(device, "type", "context.device.type", type)) return err;
  if (type == "ios") {
    ids.idfa.push_back(advertising_id);
  } else if (type == "android") {
    ids.gaid.push_back(advertising_id);
  }
  return std::nullopt;
}

}  // namespace

DecodeStatus SegmentDecoder::DecodeInto(std::string_view key, std::string_view value,
                                        MembershipEvent& event) {
  return MoveInto(DecodeFresh(key, value), event);
}

DecodeResult SegmentDecoder::DecodeFresh(std::string_view key, std::string_view value) {
  rapidjson::Document doc;
  if (auto err = json::ParseObject(key, value, max_message_bytes_, doc)) return Unexpected{*err};
  const rapidjson::Value& root = doc;

  std::string type;
  if (auto err = ReadString(&root, "type", "type", type)) return Unexpected{*err};
  if (type.empty()) {
    return Fail(DecodeErrc::kMissingField,
                "field type is required (a Segment call: identify or track)");
  }
  const rapidjson::Value* personas = Member(Member(&root, "context"), "personas");
  std::string computation_class, audience_key, audience_id;
  if (auto err = ReadString(personas, "computation_class", "context.personas.computation_class",
                            computation_class)) {
    return Unexpected{*err};
  }
  if (auto err = ReadString(personas, "computation_key", "context.personas.computation_key",
                            audience_key)) {
    return Unexpected{*err};
  }
  if (auto err =
          ReadString(personas, "computation_id", "context.personas.computation_id", audience_id)) {
    return Unexpected{*err};
  }
  // Computed traits also arrive as identify/track calls with context.personas: not audiences.
  const bool is_audience = computation_class.empty() || computation_class == "audience";

  MembershipEvent event;
  if (type == "identify") {
    // Only Engage's identify calls name their audience; a plain identify is about traits.
    if (audience_key.empty() || !is_audience) return Skip{SkipReason::kNoAudienceTrait};
    const rapidjson::Value* member = Member(Member(&root, "traits"), audience_key);
    if (member == nullptr || member->IsNull()) return Skip{SkipReason::kNoAudienceTrait};
    if (!member->IsBool()) {
      return Fail(DecodeErrc::kWrongType,
                  "the audience trait (traits.<context.personas.computation_key>) must be true "
                  "or false");
    }
    event.op = member->GetBool() ? MembershipOp::kAdd : MembershipOp::kRemove;
  } else if (type == "track") {
    std::string name;
    if (auto err = ReadString(&root, "event", "event", name)) return Unexpected{*err};
    if (name == kEntered) {
      event.op = MembershipOp::kAdd;
    } else if (name == kExited) {
      event.op = MembershipOp::kRemove;
    } else {
      return Skip{SkipReason::kNotAnAudienceEvent};
    }
    if (!is_audience) return Skip{SkipReason::kNotAnAudienceEvent};
    if (audience_key.empty()) {
      if (auto err = ReadString(Member(&root, "properties"), "audience_key",
                                "properties.audience_key", audience_key)) {
        return Unexpected{*err};
      }
    }
    if (audience_key.empty()) {
      return Fail(DecodeErrc::kMissingField,
                  "an audience track call needs context.personas.computation_key or "
                  "properties.audience_key");
    }
  } else {
    return Skip{SkipReason::kOtherCallType};
  }
  event.audience_name = audience_key;
  event.audience_id = audience_id.empty() ? audience_key : std::move(audience_id);

  for (std::string_view id_field : {"userId", "anonymousId"}) {
    if (!event.user_id.empty()) break;
    if (auto err = ReadString(&root, id_field, id_field, event.user_id)) return Unexpected{*err};
  }
  if (event.user_id.empty()) {
    if (key.empty()) {
      return Fail(DecodeErrc::kMissingField,
                  "userId and anonymousId are absent and the message has no key");
    }
    if (!IsValidUtf8(key)) {
      return Fail(DecodeErrc::kInvalidUtf8,
                  "message key (the user id fallback) is not valid UTF-8; send userId");
    }
    event.user_id.assign(key);
  }

  if (auto err = ReadEmails(root, event.identifiers)) return Unexpected{*err};
  if (auto err = ReadAdvertisingId(root, event.identifiers)) return Unexpected{*err};
  if (event.identifiers.empty()) {
    return Fail(DecodeErrc::kNoIdentifiers,
                "no identifier: the call needs traits.email, context.traits.email or "
                "context.device.advertisingId with context.device.type ios or android");
  }
  return event;
}

}  // namespace pinsync::decode
