#pragma once
// Text made safe for a JSON string: RapidJSON escapes quotes, backslashes and control
// characters, but writes invalid UTF-8 through (or fails with validation on); a log message
// can quote arbitrary bytes from the outside (a Kafka key, an HTTP body), so invalid sequences
// become U+FFFD first.

#include <string>
#include <string_view>

namespace pinsync::logging {

std::string ValidUtf8(std::string_view text);

}  // namespace pinsync::logging
