#pragma once
// Native membership events for the pipeline's tests.

#include <string>

namespace pinsync::connector::testing {

inline std::string Event(const std::string& audience, const std::string& op,
                         const std::string& email, const std::string& idfa = "") {
  std::string ids = "\"email\":\"" + email + "\"";
  if (!idfa.empty()) ids += ",\"idfa\":\"" + idfa + "\"";
  return "{\"audience_id\":\"" + audience + "\",\"op\":\"" + op + "\",\"identifiers\":{" + ids +
         "}}";
}

}  // namespace pinsync::connector::testing
