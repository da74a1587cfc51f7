#pragma once
// What decoding one message yields, one of three:
//  * a membership event;
//  * a rejection (DecodeError): the message is dead-lettered with the error's stable reason;
//  * a skip (SkipReason): a well-formed message that is not about audience membership, such as a
//    Segment identify call carrying no audience trait. It is counted and its offset committed,
//    never dead-lettered: upstreams send many of these.

#include <cassert>
#include <string_view>
#include <utility>
#include <variant>

#include "pinsync/common/result.h"
#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/membership_event.h"

namespace pinsync::decode {

// Why a message was skipped. The reason strings label pinsync_events_skipped_total: never rename.
enum class SkipReason {
  kNoAudienceTrait,     // a Segment identify whose traits carry no audience membership
  kNotAnAudienceEvent,  // a Segment track whose event is not "Audience Entered"/"Audience Exited"
  kOtherCallType,       // a Segment page, screen, group or alias call
};

// "no_audience_trait", "not_an_audience_event", "other_call_type".
std::string_view Reason(SkipReason reason);

inline constexpr SkipReason kAllSkipReasons[] = {
    SkipReason::kNoAudienceTrait,
    SkipReason::kNotAnAudienceEvent,
    SkipReason::kOtherCallType,
};

struct Skip {
  SkipReason reason;
};

// How decoding into a caller's event went (MessageDecoder::DecodeInto): the event is filled only
// when ok().
class [[nodiscard]] DecodeStatus {
 public:
  DecodeStatus() = default;                        // ok
  DecodeStatus(Unexpected<DecodeError> rejection)  // NOLINT: implicit, like Result
      : v_(std::in_place_index<1>, std::move(rejection.error)) {}
  DecodeStatus(Skip skip) : v_(std::in_place_index<2>, skip) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  bool rejected() const { return v_.index() == 1; }
  bool skipped() const { return v_.index() == 2; }
  const DecodeError& error() const {
    assert(rejected());
    return std::get<1>(v_);
  }
  SkipReason skip_reason() const {
    assert(skipped());
    return std::get<2>(v_).reason;
  }

 private:
  std::variant<std::monostate, DecodeError, Skip> v_;
};

// A decode with its own fresh event (MessageDecoder::Decode, tests, tools): a DecodeStatus and
// the event it describes.
class [[nodiscard]] DecodeResult {
 public:
  DecodeResult(MembershipEvent event) : event_(std::move(event)) {}  // NOLINT: like Result
  DecodeResult(Unexpected<DecodeError> rejection) : status_(std::move(rejection)) {}  // NOLINT
  DecodeResult(Skip skip) : status_(skip) {}                                          // NOLINT
  // `event` is kept only when status is ok.
  DecodeResult(DecodeStatus status, MembershipEvent&& event) : status_(std::move(status)) {
    if (status_.ok()) event_ = std::move(event);
  }

  bool ok() const { return status_.ok(); }
  bool rejected() const { return status_.rejected(); }
  bool skipped() const { return status_.skipped(); }
  const DecodeStatus& status() const { return status_; }

  MembershipEvent& value() & {
    assert(ok());
    return event_;
  }
  const MembershipEvent& value() const& {
    assert(ok());
    return event_;
  }
  MembershipEvent* operator->() { return &value(); }
  const MembershipEvent* operator->() const { return &value(); }
  MembershipEvent& operator*() & { return value(); }
  const MembershipEvent& operator*() const& { return value(); }

  const DecodeError& error() const { return status_.error(); }
  SkipReason skip_reason() const { return status_.skip_reason(); }

 private:
  DecodeStatus status_;    // ok unless constructed from a rejection or a skip
  MembershipEvent event_;  // meaningful only when ok()
};

}  // namespace pinsync::decode
