#include "event_fields.h"

#include <utility>

#include "utf8.h"

namespace pinsync::decode {

namespace {

struct IdentifierKind {
  std::string_view name;
  IdentifierValues RawIdentifiers::*list;
};

constexpr std::array<IdentifierKind, 5> kIdentifierKinds = {{
    {"email", &RawIdentifiers::email},
    {"idfa", &RawIdentifiers::idfa},
    {"gaid", &RawIdentifiers::gaid},
    {"email_sha256", &RawIdentifiers::email_sha256},
    {"maid_sha256", &RawIdentifiers::maid_sha256},
}};

}  // namespace

EventMember EventMemberNamed(std::string_view name) {
  if (name == "audience_id") return EventMember::kAudienceId;
  if (name == "audience_name") return EventMember::kAudienceName;
  if (name == "op") return EventMember::kOp;
  if (name == "user_id") return EventMember::kUserId;
  if (name == "ts") return EventMember::kTs;
  if (name == "identifiers") return EventMember::kIdentifiers;
  return EventMember::kUnknown;
}

ScalarField* ScalarFieldOf(EventFields& fields, EventMember member) {
  switch (member) {
    case EventMember::kAudienceId:
      return &fields.audience_id;
    case EventMember::kAudienceName:
      return &fields.audience_name;
    case EventMember::kOp:
      return &fields.op;
    case EventMember::kUserId:
      return &fields.user_id;
    case EventMember::kTs:
      return &fields.ts;
    case EventMember::kUnknown:
    case EventMember::kIdentifiers:
      break;
  }
  return nullptr;
}

IdentifierKindList IdentifierKindNamed(RawIdentifiers& raw, std::string_view name) {
  for (const auto& kind : kIdentifierKinds) {
    if (kind.name == name) return {&(raw.*kind.list), kind.name};
  }
  return {};
}

DecodeError IdentifierTypeProblem(std::string_view kind_name) {
  return DecodeError{DecodeErrc::kWrongType, "identifiers." + std::string(kind_name) +
                                                 " must be a string or an array of strings"};
}

void StartIdentifiers(RawIdentifiers& raw, EventFields& fields, EventFields::Identifiers shape) {
  raw.clear();
  fields.identifiers_error.reset();
  fields.identifiers = shape;
}

void AddIdentifierValue(IdentifierValues& list, std::string_view text) {
  if (!text.empty()) list.emplace_back(text);
}

void NoteIdentifierProblem(EventFields& fields, DecodeError problem) {
  if (!fields.identifiers_error) fields.identifiers_error = std::move(problem);
}

bool EventFieldCollector::Key(const Ch* s, rapidjson::SizeType n, bool) {
  const std::string_view name(s, n);
  switch (frames_[depth_ - 1]) {
    case Frame::kRoot:
      member_ = EventMemberNamed(name);
      break;
    case Frame::kIdentifiers:
      kind_ = IdentifierKindNamed(raw_, name);
      break;
    case Frame::kIdentifierArray:
    case Frame::kSkipped:
      break;
  }
  return true;
}

bool EventFieldCollector::OnValue(Token token, std::string_view text, int64_t number) {
  if (depth_ == 0) {  // the top-level value
    if (token == Token::kObjectStart) {
      fields_.root_is_object = true;
      return Push(Frame::kRoot);
    }
    return SkipIfContainer(token);  // parsed to the end so syntax errors still come first
  }
  switch (frames_[depth_ - 1]) {
    case Frame::kRoot:
      return OnMemberValue(token, text, number);
    case Frame::kIdentifiers:
      return OnIdentifierValue(token, text);
    case Frame::kIdentifierArray:
      return OnIdentifierElement(token, text);
    case Frame::kSkipped:
      return SkipIfContainer(token);
  }
  return false;
}

bool EventFieldCollector::OnMemberValue(Token token, std::string_view text, int64_t number) {
  if (member_ == EventMember::kIdentifiers) {
    if (token == Token::kObjectStart) {
      StartIdentifiers(raw_, fields_, EventFields::Identifiers::kObject);
      return Push(Frame::kIdentifiers);
    }
    StartIdentifiers(raw_, fields_,
                     token == Token::kNull ? EventFields::Identifiers::kAbsent
                                           : EventFields::Identifiers::kWrongType);
    return SkipIfContainer(token);
  }
  ScalarField* field = ScalarFieldOf(fields_, member_);
  if (field == nullptr) return SkipIfContainer(token);  // an unknown member
  using Kind = ScalarField::Kind;
  switch (token) {
    case Token::kNull:
      *field = {Kind::kNull, {}, 0};
      break;
    case Token::kString:
      *field = {Kind::kString, text, 0};
      break;
    case Token::kNonNegativeInt:
      *field = {Kind::kNonNegativeInt, {}, number};
      break;
    case Token::kOtherScalar:
    case Token::kObjectStart:
    case Token::kArrayStart:
      *field = {Kind::kOther, {}, 0};
      break;
  }
  return SkipIfContainer(token);
}

bool EventFieldCollector::OnIdentifierValue(Token token, std::string_view text) {
  if (kind_.list == nullptr) return SkipIfContainer(token);  // unknown kind: ignored
  kind_.list->clear();                                       // a repeated kind: the last wins
  switch (token) {
    case Token::kNull:
      return true;
    case Token::kString:
      AddIdentifier(text);
      return true;
    case Token::kArrayStart:
      return Push(Frame::kIdentifierArray);
    case Token::kNonNegativeInt:
    case Token::kOtherScalar:
    case Token::kObjectStart:
      NoteIdentifierProblem(fields_, IdentifierTypeProblem(kind_.name));
      return SkipIfContainer(token);
  }
  return false;
}

bool EventFieldCollector::OnIdentifierElement(Token token, std::string_view text) {
  if (token == Token::kString) {
    AddIdentifier(text);
    return true;
  }
  NoteIdentifierProblem(fields_, IdentifierTypeProblem(kind_.name));
  return SkipIfContainer(token);
}

void EventFieldCollector::AddIdentifier(std::string_view text) {
  // The raw bytes were validated before parsing; an escaped lone surrogate ("\udc00") is what
  // can still decode to something that is not UTF-8.
  if (escaped_ && !IsValidUtf8(text)) {
    NoteIdentifierProblem(fields_, DecodeError{DecodeErrc::kInvalidUtf8,
                                               "identifiers." + std::string(kind_.name) +
                                                   " contains an escaped lone UTF-16 surrogate; "
                                                   "send valid Unicode"});
    return;
  }
  AddIdentifierValue(*kind_.list, text);
}

bool EventFieldCollector::Push(Frame frame) {
  if (depth_ == kMaxNestingDepth) {
    fields_.too_deep = true;
    return false;  // stops the reader before it recurses further
  }
  frames_[depth_++] = frame;
  return true;
}

}  // namespace pinsync::decode
