// pinsync validate-config: exit codes and output, driven through the real CLI11 command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "config_test_support.h"
#include "pinsync/app/commands.h"
#include "pinsync/config/render.h"

namespace pinsync::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct CommandOutput {
  int exit_code;
  std::string out;
  std::string err;
};

CommandOutput RunCommand(std::vector<std::string> args) {
  CLI::App app{"pinsync"};
  app.require_subcommand(1);
  CommandRunner runner;
  AddValidateConfigCommand(app, runner);
  args.insert(args.begin(), "pinsync");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  app.parse(static_cast<int>(argv.size()), argv.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = runner ? runner() : -1;
  std::fflush(stdout);
  std::fflush(stderr);
  CommandOutput result{code, ::testing::internal::GetCapturedStdout(),
                       ::testing::internal::GetCapturedStderr()};
  return result;
}

TEST(ValidateConfigCommandTest, PrintReference) {
  const CommandOutput r = RunCommand({"validate-config", "--print-reference"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, config::RenderConfigReference());
}

// The process environment is not touched: this file fails on its own key errors whatever it is.
TEST(ValidateConfigCommandTest, InvalidFileExitsOneWithErrorsOnStderr) {
  const std::string dir = config::testing::TempDir();
  const std::string path =
      config::testing::WriteFile(dir, "bad.yaml", "batching:\n  max_records: 0\n  max_agee: 1h\n");
  const CommandOutput r = RunCommand({"validate-config", "-c", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path + ":2: batching.max_records: out of range"));
  EXPECT_THAT(r.err, HasSubstr(path + ":3: batching.max_agee: unknown key"));
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// A present but invalid required key: reported once, as invalid, not again as missing.
TEST(ValidateConfigCommandTest, InvalidRequiredKeyIsReportedOnce) {
  const std::string dir = config::testing::TempDir();
  const std::string path = config::testing::WriteFile(
      dir, "abc.yaml",
      "kafka:\n  bootstrap_servers: localhost:9092\n  topics: [membership]\n"
      "pinterest:\n  ad_account_id: \"abc\"\n");
  const CommandOutput r = RunCommand({"validate-config", "-c", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path + ":5: pinterest.ad_account_id: invalid value"));
  EXPECT_THAT(r.err, Not(HasSubstr("missing required key")));
  size_t mentions = 0;
  for (size_t at = r.err.find("pinterest.ad_account_id"); at != std::string::npos;
       at = r.err.find("pinterest.ad_account_id", at + 1)) {
    ++mentions;
  }
  EXPECT_EQ(mentions, 1u) << r.err;
}

TEST(ValidateConfigCommandTest, MissingFileArgument) {
  const CommandOutput r = RunCommand({"validate-config"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("-c FILE"));
}

}  // namespace
}  // namespace pinsync::app
