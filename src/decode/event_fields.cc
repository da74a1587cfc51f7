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

bool EventFieldCollector::Key(const Ch* s, rapidjson::SizeType n, bool) {
  const std::string_view name(s, n);
  switch (frames_[depth_ - 1]) {
    case Frame::kRoot:
      if (name == "audience_id") {
        member_ = Member::kAudienceId;
      } else if (name == "audience_name") {
        member_ = Member::kAudienceName;
      } else if (name == "op") {
        member_ = Member::kOp;
      } else if (name == "user_id") {
        member_ = Member::kUserId;
      } else if (name == "ts") {
        member_ = Member::kTs;
      } else if (name == "identifiers") {
        member_ = Member::kIdentifiers;
      } else {
        member_ = Member::kUnknown;  // ignored, for forward compatibility
      }
      break;
    case Frame::kIdentifiers:
      kind_list_ = nullptr;
      for (const auto& kind : kIdentifierKinds) {
        if (kind.name == name) {
          kind_list_ = &(raw_.*kind.list);
          kind_name_ = kind.name;
          break;
        }
      }
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
  ScalarField* field = nullptr;
  switch (member_) {
    case Member::kUnknown:
      return SkipIfContainer(token);
    case Member::kAudienceId:
      field = &fields_.audience_id;
      break;
    case Member::kAudienceName:
      field = &fields_.audience_name;
      break;
    case Member::kOp:
      field = &fields_.op;
      break;
    case Member::kUserId:
      field = &fields_.user_id;
      break;
    case Member::kTs:
      field = &fields_.ts;
      break;
    case Member::kIdentifiers:
      // A repeated "identifiers" replaces the earlier one entirely.
      raw_.clear();
      fields_.identifiers_error.reset();
      if (token == Token::kObjectStart) {
        fields_.identifiers = EventFields::Identifiers::kObject;
        return Push(Frame::kIdentifiers);
      }
      fields_.identifiers = token == Token::kNull ? EventFields::Identifiers::kAbsent
                                                  : EventFields::Identifiers::kWrongType;
      return SkipIfContainer(token);
  }
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
  if (kind_list_ == nullptr) return SkipIfContainer(token);  // unknown kind: ignored
  kind_list_->clear();                                       // a repeated kind: the last wins
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
      IdentifierProblem(DecodeErrc::kWrongType, "identifiers." + std::string(kind_name_) +
                                                    " must be a string or an array of strings");
      return SkipIfContainer(token);
  }
  return false;
}

bool EventFieldCollector::OnIdentifierElement(Token token, std::string_view text) {
  if (token == Token::kString) {
    AddIdentifier(text);
    return true;
  }
  IdentifierProblem(DecodeErrc::kWrongType, "identifiers." + std::string(kind_name_) +
                                                " must be a string or an array of strings");
  return SkipIfContainer(token);
}

void EventFieldCollector::AddIdentifier(std::string_view text) {
  // The raw bytes were validated before parsing; an escaped lone surrogate ("\udc00") is what
  // can still decode to something that is not UTF-8.
  if (escaped_ && !IsValidUtf8(text)) {
    IdentifierProblem(DecodeErrc::kInvalidUtf8,
                      "identifiers." + std::string(kind_name_) +
                          " contains an escaped lone UTF-16 surrogate; send valid Unicode");
    return;
  }
  if (!text.empty()) kind_list_->emplace_back(text);  // empty means "none"
}

void EventFieldCollector::IdentifierProblem(DecodeErrc code, std::string detail) {
  if (!fields_.identifiers_error) fields_.identifiers_error = DecodeError{code, std::move(detail)};
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
