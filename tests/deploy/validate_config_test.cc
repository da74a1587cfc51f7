// The chart's rendered pinsync.yaml is accepted by pinsync itself (`pinsync validate-config`),
// with the secrets the pod would get from its Secret, and they are never printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "helm_render.h"
#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

namespace fs = std::filesystem;

class ChartConfigValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HelmLookup helm = FindHelm();
    if (helm.path.empty() && helm.impossible) GTEST_SKIP() << helm.why;
    ASSERT_FALSE(helm.path.empty()) << helm.why;
    helm_ = helm.path;
    binary_ = PinsyncBinary();
    if (binary_.empty()) GTEST_SKIP() << "pinsync is not built in " << BinaryDir();
    CommandResult probe = RunShell(ShellQuote(binary_.string()) + " validate-config --help");
    if (probe.output.find("not implemented") != std::string::npos) {
      GTEST_SKIP() << "this build's validate-config is a placeholder";
    }
    dir_ = fs::temp_directory_path() / ("pinsync-chart-config-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Renders the chart with `args`, writes its pinsync.yaml and validates it with `env`.
  CommandResult Validate(const std::string& args, const std::string& env) {
    CommandResult rendered = HelmTemplate(helm_, args);
    EXPECT_EQ(rendered.exit_code, 0) << rendered.output;
    const fs::path file = dir_ / "pinsync.yaml";
    std::ofstream(file) << RenderedConfigText(ParseManifests(rendered.output));
    // Only the variables the pod would have: nothing from this test's environment leaks in.
    return RunShell("env -i PATH=/usr/bin:/bin " + env + " " + ShellQuote(binary_.string()) +
                    " validate-config -c " + ShellQuote(file.string()));
  }

  std::string helm_;
  fs::path binary_;
  fs::path dir_;
};

TEST_F(ChartConfigValidationTest, ProductionValuesProduceAValidConfig) {
  const std::string values =
      "-f " + ShellQuote((SourceDir() / "tests/deploy/values-refresh-flow.yaml").string());
  // The token store must be writable here as it is in the pod's volume.
  const std::string env =
      "PINTEREST_APP_ID=1500000 PINTEREST_APP_SECRET=appsecretXYZ987 "
      "PINTEREST_REFRESH_TOKEN=pinr_refreshXYZ987 "
      "PINSYNC_KAFKA__PROPERTIES__SASL_PASSWORD=saslXYZ987 "
      "PINSYNC_PINTEREST__TOKEN_STORE=" +
      ShellQuote((dir_ / "refresh-token").string());
  CommandResult r = Validate(values, env);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("pinsync-prod"), std::string::npos) << "prints the effective config:\n"
                                                              << r.output;
  for (const char* secret : {"appsecretXYZ987", "pinr_refreshXYZ987", "saslXYZ987"}) {
    EXPECT_EQ(r.output.find(secret), std::string::npos) << secret << " printed:\n" << r.output;
  }
}

TEST_F(ChartConfigValidationTest, AccessTokenValuesProduceAValidConfig) {
  CommandResult r = Validate(
      "--set-string config.pinterest.ad_account_id=549755885175 "
      "--set auth.existingSecret=pinterest-token",
      "PINTEREST_ACCESS_TOKEN=pina_accessXYZ987");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("pina_accessXYZ987"), std::string::npos) << r.output;
}

TEST_F(ChartConfigValidationTest, DefaultValuesNeedAnAdAccount) {
  // The defaults render, but pinsync refuses them until the ad account is set (NOTES.txt says so).
  CommandResult r = Validate("", "PINTEREST_ACCESS_TOKEN=pina_accessXYZ987");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("pinterest.ad_account_id"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pinsync::deploy_test
