#include "config_test_support.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace pinsync::config::testing {

std::string MinimalYaml() {
  return "kafka:\n"
         "  bootstrap_servers: localhost:9092\n"
         "  topics: [membership]\n"
         "pinterest:\n"
         "  ad_account_id: \"549755885175\"\n";
}

Environment TokenEnv() { return {{"PINTEREST_ACCESS_TOKEN", kToken}}; }

std::string TempDir() {
  static int counter = 0;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("pinsync-config-test-" + std::to_string(::getpid()) + "-" +
       std::string(info ? info->name() : "x") + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string WriteFile(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace pinsync::config::testing
