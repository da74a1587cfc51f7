// The pinsync executable's heap on transparent huge pages (src/app/huge_page_heap.cc): a process
// that grows its heap (`pinsync kafka` holding a published backlog) holds anonymous huge pages
// when tcmalloc is linked and the kernel's policy allows them, and none with
// PINSYNC_HEAP_HUGE_PAGES=off under the "madvise" policy.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "child_process.h"
#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise",
// "never"), or "never" when the kernel has no such file.
std::string TransparentHugePagePolicy() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto open = text.find('[');
  const auto close = text.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return "never";
  return text.substr(open + 1, close - open - 1);
}

// AnonHugePages of a process, in kB (-1 if unreadable).
long AnonHugePagesKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string name;
    long kb = 0;
    if (fields >> name >> kb && name == "AnonHugePages:") return kb;
  }
  return -1;
}

class HugePageHeapProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = PinsyncBinary().string();
    if (binary_.empty()) GTEST_SKIP() << "pinsync is not built in " << BinaryDir();
    if (std::string(PINSYNC_LINKED_MALLOC) != "tcmalloc") {
      GTEST_SKIP() << "pinsync runs on the system malloc in this build (sanitizers): no "
                      "huge-page heap to check";
    }
    dir_ = fs::temp_directory_path() / ("pinsync-hugepages-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Huge pages held by `pinsync kafka` once it published a backlog of ~70 MB.
  long HugePagesOfABacklog(const std::string& env) {
    ChildProcess kafka(
        {binary_, "kafka", "--partitions", "4", "--topics", "t", "--publish", "100000"},
        env.empty() ? std::vector<std::string>{} : std::vector<std::string>{env},
        (dir_ / "kafka.out").string());
    EXPECT_TRUE(kafka.started());
    // Logged once the backlog is published (bootstrap.servers= is printed before).
    const auto ready = kafka.WaitForLine("mock Kafka cluster ready", seconds(60));
    EXPECT_TRUE(ready) << kafka.Output();
    const long kb = ready ? AnonHugePagesKb(kafka.pid()) : -1;
    kafka.Signal(SIGTERM);
    EXPECT_TRUE(kafka.Wait(seconds(30)));
    return kb;
  }

  std::string binary_;
  fs::path dir_;
};

TEST_F(HugePageHeapProcessTest, TheHeapIsOnHugePagesWhereTheKernelAllowsThem) {
  const std::string policy = TransparentHugePagePolicy();
  const long kb = HugePagesOfABacklog("");
  ASSERT_GE(kb, 0) << "no AnonHugePages in /proc/<pid>/smaps_rollup";
  if (policy == "never") {
    EXPECT_EQ(kb, 0) << "transparent huge pages are off on this host";
  } else {
    // ~70 MB of messages: most of it in 2 MB pages (one would already prove the advice).
    EXPECT_GE(kb, 16 * 1024) << "policy " << policy;
  }
}

TEST_F(HugePageHeapProcessTest, PinsyncHeapHugePagesOffLeavesTheHeapOn4KPages) {
  const std::string policy = TransparentHugePagePolicy();
  const long kb = HugePagesOfABacklog("PINSYNC_HEAP_HUGE_PAGES=off");
  ASSERT_GE(kb, 0);
  // Under "always" the kernel gives huge pages unasked: the switch cannot be seen there.
  if (policy != "always") {
    EXPECT_EQ(kb, 0) << "policy " << policy;
  }
}

}  // namespace
}  // namespace pinsync::deploy_test
