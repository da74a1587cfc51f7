#pragma once
// The fields of a native event as read from its JSON (EventFields), and the RapidJSON SAX handler
// that reads them: one pass over an in-place parse buffer collects the fields the contract names,
// with no DOM and no allocation besides the identifiers it keeps. It is EventDecoder's reference
// reader; the simdjson reader (simdjson_event_reader.h) fills the same EventFields faster and
// leaves every rejected value to it. Type rules are checked afterwards (event_decoder.cc), in the
// documented order.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/rapidjson.h>

#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/membership_event.h"

namespace pinsync::decode {

// Deepest nesting accepted anywhere in a message. RapidJSON's reader recurses once per level, so
// without a bound "[[[[..." would exhaust the stack; events are 2-3 levels deep.
inline constexpr size_t kMaxNestingDepth = 64;

// What a top-level scalar member held; strings point into the parse buffer.
struct ScalarField {
  enum class Kind : uint8_t { kAbsent, kNull, kString, kNonNegativeInt, kOther };
  Kind kind = Kind::kAbsent;
  std::string_view text;
  int64_t number = 0;

  bool present() const { return kind != Kind::kAbsent && kind != Kind::kNull; }
};

struct EventFields {
  bool root_is_object = false;
  bool too_deep = false;
  ScalarField audience_id, audience_name, op, user_id, ts;
  enum class Identifiers : uint8_t {
    kAbsent,
    kObject,
    kWrongType
  } identifiers = Identifiers::kAbsent;
  std::optional<DecodeError> identifiers_error;  // the first problem inside "identifiers"
};

// The top-level members the contract names; any other is ignored, for forward compatibility.
enum class EventMember : uint8_t {
  kUnknown,
  kAudienceId,
  kAudienceName,
  kOp,
  kUserId,
  kTs,
  kIdentifiers
};
EventMember EventMemberNamed(std::string_view name);
// The scalar field that holds a member; nullptr for kUnknown and kIdentifiers.
ScalarField* ScalarFieldOf(EventFields& fields, EventMember member);

// The list of an identifier kind ("email", "gaid", ...) with the kind's name as the contract
// spells it; list is nullptr for a kind the contract does not name (ignored).
struct IdentifierKindList {
  IdentifierValues* list = nullptr;
  std::string_view name;
};
IdentifierKindList IdentifierKindNamed(RawIdentifiers& raw, std::string_view name);
// The problem of an identifier value that is neither a string nor an array of strings.
DecodeError IdentifierTypeProblem(std::string_view kind_name);

// The contract's rules for "identifiers", in one place for both readers:
// a repeated "identifiers" replaces the earlier one entirely (`shape`: what the new value is);
void StartIdentifiers(RawIdentifiers& raw, EventFields& fields, EventFields::Identifiers shape);
// an empty string means "none";
void AddIdentifierValue(IdentifierValues& list, std::string_view text);
// the first problem inside "identifiers" is the one reported.
void NoteIdentifierProblem(EventFields& fields, DecodeError problem);

class EventFieldCollector {
 public:
  using Ch = char;

  // Identifier values are appended to raw as they are read. `escaped`: the message value holds a
  // backslash, so a string may hold an escaped lone surrogate and each identifier is checked
  // (without one, strings are slices of the already validated value; see ScanUtf8).
  EventFieldCollector(RawIdentifiers& raw, bool escaped) : raw_(raw), escaped_(escaped) {}

  const EventFields& fields() const { return fields_; }

  // The rapidjson::Handler concept.
  bool Null() { return OnValue(Token::kNull); }
  bool Bool(bool) { return OnValue(Token::kOtherScalar); }
  bool Int(int i) { return Integer(i >= 0, i); }
  bool Uint(unsigned u) { return Integer(true, u); }
  bool Int64(int64_t i) { return Integer(i >= 0, i); }
  bool Uint64(uint64_t u) { return Integer(u <= uint64_t{INT64_MAX}, static_cast<int64_t>(u)); }
  bool Double(double) { return OnValue(Token::kOtherScalar); }
  bool RawNumber(const Ch*, rapidjson::SizeType, bool) { return OnValue(Token::kOtherScalar); }
  bool String(const Ch* s, rapidjson::SizeType n, bool) { return OnValue(Token::kString, {s, n}); }
  bool StartObject() { return OnValue(Token::kObjectStart); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool);
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return OnValue(Token::kArrayStart); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

 private:
  enum class Token : uint8_t {
    kNull,
    kString,
    kNonNegativeInt,
    kOtherScalar,
    kObjectStart,
    kArrayStart
  };
  enum class Frame : uint8_t { kRoot, kIdentifiers, kIdentifierArray, kSkipped };

  static bool IsContainer(Token t) { return t == Token::kObjectStart || t == Token::kArrayStart; }

  bool Integer(bool non_negative, int64_t value) {
    return OnValue(non_negative ? Token::kNonNegativeInt : Token::kOtherScalar, {}, value);
  }
  bool OnValue(Token token, std::string_view text = {}, int64_t number = 0);
  bool OnMemberValue(Token token, std::string_view text, int64_t number);
  bool OnIdentifierValue(Token token, std::string_view text);
  bool OnIdentifierElement(Token token, std::string_view text);
  // A container whose content is not read: only its depth is tracked.
  bool SkipIfContainer(Token token) { return IsContainer(token) ? Push(Frame::kSkipped) : true; }
  bool Push(Frame frame);
  bool Close() {
    --depth_;
    return true;
  }
  void AddIdentifier(std::string_view text);

  RawIdentifiers& raw_;
  bool escaped_;
  EventFields fields_;
  std::array<Frame, kMaxNestingDepth> frames_{};
  size_t depth_ = 0;  // open containers
  EventMember member_ = EventMember::kUnknown;
  IdentifierKindList kind_;  // list null: an identifier kind we do not know
};

}  // namespace pinsync::decode
