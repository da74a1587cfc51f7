// `pinsync demo --format native|segment|avro` in-process: the whole demo (mock Kafka cluster,
// sandbox, the registry for avro, the connector) ends with its verdict OK in every format.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <string>

#include "pinsync/demo/demo_runner.h"

namespace pinsync::demo {

// Test names and failure messages show the format's name, not its bytes (found by ADL).
void PrintTo(EventFormat format, std::ostream* os) { *os << ToString(format); }

namespace {

class DemoRunTest : public ::testing::TestWithParam<EventFormat> {};

TEST_P(DemoRunTest, VerdictIsOk) {
  DemoOptions options;
  options.stream.events = 3000;
  options.stream.audiences = 3;
  options.stream.malformed_share = 0.02;
  options.stream.format = GetParam();
  options.partitions = 3;
  options.max_records = 500;
  options.timeout = std::chrono::seconds(90);  // a passing run takes 10-20 s
  options.progress = false;
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  const int rc = RunDemo(options, out);
  std::rewind(out);
  std::string printed;
  char chunk[4096];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, out)) > 0;) printed.append(chunk, n);
  std::fclose(out);

  EXPECT_EQ(rc, 0) << printed;
  EXPECT_THAT(printed, ::testing::HasSubstr("demo: OK: every list in the sandbox equals"));
  EXPECT_THAT(printed, ::testing::HasSubstr("(" + std::string(ToString(GetParam())) + ")"));
  if (GetParam() == EventFormat::kAvro) {
    EXPECT_THAT(printed, ::testing::HasSubstr("demo: schema registry at http://127.0.0.1:"));
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, DemoRunTest,
                         ::testing::Values(EventFormat::kNative, EventFormat::kSegment,
                                           EventFormat::kAvro),
                         [](const auto& info) { return std::string(ToString(info.param)); });

}  // namespace
}  // namespace pinsync::demo
