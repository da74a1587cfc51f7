#pragma once
// Native membership events, and the partitions they come from, for the pipeline's tests.

#include <string>

#include "pinsync/common/model.h"

namespace pinsync::connector::testing {

inline const TopicPartition kP0{"events", 0};
inline const TopicPartition kP1{"events", 1};

inline std::string Event(const std::string& audience, const std::string& op,
                         const std::string& email, const std::string& idfa = "") {
  std::string ids = "\"email\":\"" + email + "\"";
  if (!idfa.empty()) ids += ",\"idfa\":\"" + idfa + "\"";
  return "{\"audience_id\":\"" + audience + "\",\"op\":\"" + op + "\",\"identifiers\":{" + ids +
         "}}";
}

}  // namespace pinsync::connector::testing
