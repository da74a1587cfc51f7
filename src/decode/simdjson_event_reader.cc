#include "simdjson_event_reader.h"

#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <memory>

namespace pinsync::decode {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The container a value of that type holds, by value: ranging over a member of the temporary
// simdjson_result would dangle.
simdjson::dom::array AsArray(element value) { return value.get_array().value_unsafe(); }
simdjson::dom::object AsObject(element value) { return value.get_object().value_unsafe(); }

// The parser of the calling thread, sized for kSimdjsonReaderMaxBytes; nullptr if it could not
// allocate (then every read declines).
simdjson::dom::parser* ThreadParser() {
  thread_local std::unique_ptr<simdjson::dom::parser> parser = [] {
    auto p = std::make_unique<simdjson::dom::parser>(kSimdjsonReaderMaxBytes);
    if (p->allocate(kSimdjsonReaderMaxBytes, kMaxNestingDepth) != simdjson::SUCCESS) p.reset();
    return p;
  }();
  return parser.get();
}

// A number with a fraction or an exponent anywhere in the value. The two parsers' number grammars
// differ at such edges (RapidJSON rejects 0e400, which simdjson reads as 0), so a value holding
// one is left to the reference. Events hold integers only: in practice this declines nothing.
bool HoldsNonInteger(element value) {
  switch (value.type()) {
    case element_type::DOUBLE:
      return true;
    case element_type::ARRAY:
      for (element item : AsArray(value)) {
        if (HoldsNonInteger(item)) return true;
      }
      return false;
    case element_type::OBJECT:
      for (const auto member : AsObject(value)) {
        if (HoldsNonInteger(member.value)) return true;
      }
      return false;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::STRING:
    case element_type::BOOL:
    case element_type::NULL_VALUE:
      break;
  }
  return false;
}

// The same classification as the collector's SAX callbacks (event_fields.h): integers that fit
// int64 and are not negative are numbers, every other non-string value is kOther.
ScalarField ScalarOf(element value) {
  using Kind = ScalarField::Kind;
  switch (value.type()) {
    case element_type::NULL_VALUE:
      return {Kind::kNull, {}, 0};
    case element_type::STRING:
      return {Kind::kString, value.get_string().value_unsafe(), 0};
    case element_type::INT64: {
      const int64_t number = value.get_int64().value_unsafe();
      return number >= 0 ? ScalarField{Kind::kNonNegativeInt, {}, number}
                         : ScalarField{Kind::kOther, {}, 0};
    }
    case element_type::UINT64: {
      const uint64_t number = value.get_uint64().value_unsafe();
      if (number <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return {Kind::kNonNegativeInt, {}, static_cast<int64_t>(number)};
      }
      return {Kind::kOther, {}, 0};
    }
    case element_type::ARRAY:
    case element_type::OBJECT:
    case element_type::DOUBLE:
    case element_type::BOOL:
      break;
  }
  return {Kind::kOther, {}, 0};
}

// One member of "identifiers": a string or an array of strings, the last of a repeated kind wins.
// False if it holds a non-integer number (declined).
bool ReadIdentifierKind(const IdentifierKindList& kind, element value, EventFields& fields) {
  if (kind.list == nullptr) return !HoldsNonInteger(value);  // unknown kind: ignored
  kind.list->clear();
  switch (value.type()) {
    case element_type::NULL_VALUE:
      return true;
    case element_type::STRING:
      AddIdentifierValue(*kind.list, value.get_string().value_unsafe());
      return true;
    case element_type::ARRAY:
      for (element item : AsArray(value)) {
        if (item.type() == element_type::STRING) {
          AddIdentifierValue(*kind.list, item.get_string().value_unsafe());
        } else {
          if (HoldsNonInteger(item)) return false;
          NoteIdentifierProblem(fields, IdentifierTypeProblem(kind.name));
        }
      }
      return true;
    case element_type::OBJECT:
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
    case element_type::BOOL:
      if (HoldsNonInteger(value)) return false;
      NoteIdentifierProblem(fields, IdentifierTypeProblem(kind.name));
      return true;
  }
  return true;
}

// False if it holds a non-integer number (declined).
bool ReadIdentifiers(element value, RawIdentifiers& raw, EventFields& fields) {
  switch (value.type()) {
    case element_type::OBJECT:
      StartIdentifiers(raw, fields, EventFields::Identifiers::kObject);
      for (const auto member : AsObject(value)) {
        if (!ReadIdentifierKind(IdentifierKindNamed(raw, member.key), member.value, fields)) {
          return false;
        }
      }
      return true;
    case element_type::NULL_VALUE:
      StartIdentifiers(raw, fields, EventFields::Identifiers::kAbsent);
      return true;
    default:
      StartIdentifiers(raw, fields, EventFields::Identifiers::kWrongType);
      return !HoldsNonInteger(value);
  }
}

}  // namespace

bool ReadEventFieldsWithSimdjson(std::string_view value, RawIdentifiers& raw, EventFields& fields) {
  if (value.size() > kSimdjsonReaderMaxBytes) return false;
  simdjson::dom::parser* parser = ThreadParser();
  if (parser == nullptr) return false;
  element root;
  // Copied into the parser's own padded buffer (reused): simdjson reads past the end of a value.
  if (parser->parse(value.data(), value.size(), true).get(root) != simdjson::SUCCESS) return false;
  fields = EventFields{};
  if (root.type() != element_type::OBJECT) return !HoldsNonInteger(root);  // not an object
  fields.root_is_object = true;
  // Members in order: a repeated member's last value wins, as in the reference reader. Every
  // value is looked at once: read, or searched for a non-integer number.
  for (const auto member : AsObject(root)) {
    const EventMember which = EventMemberNamed(member.key);
    if (which == EventMember::kIdentifiers) {
      if (!ReadIdentifiers(member.value, raw, fields)) return false;
    } else if (HoldsNonInteger(member.value)) {
      return false;
    } else if (ScalarField* field = ScalarFieldOf(fields, which)) {
      *field = ScalarOf(member.value);
    }
  }
  return true;
}

}  // namespace pinsync::decode
