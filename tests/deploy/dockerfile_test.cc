// docker/Dockerfile (no Docker engine here): its build stage runs the project's own scripts, its
// runtime packages exist in Debian 12 and cover every shared library the built binary links.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command.h"
#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

struct Instruction {
  std::string keyword;  // FROM, RUN, ...
  std::string args;     // continuation lines joined
};
struct Stage {
  std::string from;
  std::vector<Instruction> instructions;
};

std::vector<Stage> ParseDockerfile(const std::string& text) {
  std::vector<Stage> stages;
  std::istringstream in(text);
  std::string line;
  std::string logical;
  auto flush = [&stages](std::string& l) {
    const size_t start = l.find_first_not_of(" \t");
    if (start == std::string::npos) return l.clear();
    l = l.substr(start);
    const size_t space = l.find(' ');
    Instruction ins{l.substr(0, space), space == std::string::npos ? "" : l.substr(space + 1)};
    if (ins.keyword == "FROM") {
      stages.push_back(Stage{ins.args, {}});
    } else if (!stages.empty()) {
      stages.back().instructions.push_back(ins);
    }
    l.clear();
  };
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos && line[start] == '#') continue;
    if (!line.empty() && line.back() == '\\') {
      logical += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    logical += line;
    flush(logical);
  }
  return stages;
}

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

class DockerfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stages_ = ParseDockerfile(ReadFile(SourceDir() / "docker" / "Dockerfile"));
    ASSERT_EQ(stages_.size(), 2u) << "a build stage and a runtime stage";
  }
  std::string Joined(const Stage& stage, const std::string& keyword) const {
    std::string out;
    for (const auto& ins : stage.instructions) {
      if (ins.keyword == keyword) out += ins.args + "\n";
    }
    return out;
  }
  // The packages the runtime stage's apt-get install names.
  std::vector<std::string> RuntimePackages() const {
    std::vector<std::string> packages;
    for (const auto& ins : stages_[1].instructions) {
      if (ins.keyword != "RUN") continue;
      const auto words = Words(ins.args);
      for (size_t i = 0; i + 1 < words.size(); ++i) {
        if (words[i] != "install") continue;
        for (size_t j = i + 1; j < words.size() && words[j] != "&&"; ++j) {
          if (words[j].starts_with("-")) continue;
          packages.push_back(words[j]);
        }
      }
    }
    return packages;
  }

  std::vector<Stage> stages_;
};

TEST_F(DockerfileTest, BuildStageRunsTheSameScriptsAsCi) {
  EXPECT_EQ(stages_[0].from, "debian:12 AS build");
  const std::string runs = Joined(stages_[0], "RUN");
  EXPECT_NE(Joined(stages_[0], "COPY").find(". ."), std::string::npos) << "copies the whole source";
  const size_t deps = runs.find("scripts/install-deps.sh");
  const size_t build = runs.find("scripts/build.sh");
  ASSERT_NE(deps, std::string::npos);
  ASSERT_NE(build, std::string::npos);
  EXPECT_LT(deps, build);
  // Those are the scripts the README's test command (scripts/test.sh) runs, and they exist.
  const std::string test_script = ReadFile(SourceDir() / "scripts" / "test.sh");
  EXPECT_NE(test_script.find("scripts/install-deps.sh"), std::string::npos);
  EXPECT_NE(test_script.find("scripts/build.sh"), std::string::npos);
  for (const char* script : {"scripts/install-deps.sh", "scripts/build.sh"}) {
    EXPECT_EQ(RunShell("test -x " + ShellQuote((SourceDir() / script).string())).exit_code, 0)
        << script;
  }
}

TEST_F(DockerfileTest, RuntimeStageIsSlimNonRootAndRunsPinsync) {
  EXPECT_EQ(stages_[1].from.rfind("debian:12-slim", 0), 0u) << stages_[1].from;
  const std::string user = Joined(stages_[1], "USER");
  ASSERT_FALSE(user.empty());
  EXPECT_NE(user.rfind("0", 0), 0u) << "runs as root: " << user;
  EXPECT_EQ(user.rfind("10001", 0), 0u) << "the chart's runAsUser is 10001: " << user;
  EXPECT_EQ(Joined(stages_[1], "EXPOSE"), "9464\n");
  EXPECT_EQ(Joined(stages_[1], "ENTRYPOINT"), "[\"pinsync\"]\n");
  EXPECT_EQ(Joined(stages_[1], "CMD"), "[\"run\", \"-c\", \"/etc/pinsync/pinsync.yaml\"]\n");
  EXPECT_NE(Joined(stages_[1], "COPY").find("--from=build"), std::string::npos);
  for (const std::string& package : RuntimePackages()) {
    EXPECT_FALSE(package.ends_with("-dev")) << package << " is a build dependency";
  }
}

TEST_F(DockerfileTest, EveryRuntimePackageExistsInDebian) {
  const auto packages = RuntimePackages();
  ASSERT_GE(packages.size(), 10u);
  std::string command = "apt-cache policy";
  for (const std::string& package : packages) command += " " + ShellQuote(package);
  CommandResult r = RunShell(command);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // One section per known package: "name:" at column 0, then "  Candidate: version".
  std::map<std::string, std::string> candidate;
  std::string current;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != ' ' && line.back() == ':') {
      current = line.substr(0, line.size() - 1);
    } else if (const size_t at = line.find("Candidate: "); at != std::string::npos) {
      candidate[current] = line.substr(at + 11);
    }
  }
  for (const std::string& package : packages) {
    ASSERT_TRUE(candidate.contains(package)) << package << " is unknown to apt:\n" << r.output;
    EXPECT_NE(candidate[package], "(none)") << package << " has no installable version";
  }
}

TEST_F(DockerfileTest, RuntimePackagesProvideEveryLibraryTheBinaryLinks) {
  const auto binary = PinsyncBinary();
  if (binary.empty()) GTEST_SKIP() << "pinsync is not built in " << BinaryDir();
  std::string closure_command =
      "apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks "
      "--no-replaces --no-enhances";
  for (const std::string& p : RuntimePackages()) closure_command += " " + ShellQuote(p);
  CommandResult closure = RunShell(closure_command);
  ASSERT_EQ(closure.exit_code, 0) << closure.output;
  std::set<std::string> installed;
  for (const std::string& word : Words(closure.output)) {
    if (word.find(':') == std::string::npos && word.front() != '<') installed.insert(word);
  }
  installed.insert("libc6");  // in every Debian image

  CommandResult ldd = RunShell("ldd " + ShellQuote(binary.string()));
  ASSERT_EQ(ldd.exit_code, 0) << ldd.output;
  std::vector<std::string> libraries;
  // Debian 12 merges /lib into /usr/lib, but dpkg knows each file under one of the two names:
  // ask for both in one dpkg call (it is slow to start) and keep what it finds.
  std::string query = "dpkg -S";
  for (const std::string& word : Words(ldd.output)) {
    if (!word.starts_with("/") || word.find(".so") == std::string::npos) continue;
    // A sanitizer build (scripts/asan.sh) links the sanitizer runtimes; the image never does.
    const std::string file = word.substr(word.rfind('/') + 1);
    if (file.starts_with("libasan") || file.starts_with("libubsan") ||
        file.starts_with("liblsan") || file.starts_with("libtsan") ||
        file.starts_with("libclang_rt")) {
      continue;
    }
    libraries.push_back(word);
    const std::string other = word.starts_with("/usr/") ? word.substr(4) : "/usr" + word;
    query += " " + ShellQuote(word) + " " + ShellQuote(other);
  }
  CommandResult owners = RunShell(query + " 2>/dev/null");
  std::map<std::string, std::string> owner_of;  // path -> package
  std::istringstream lines(owners.output);
  for (std::string line; std::getline(lines, line);) {
    const size_t sep = line.find(": /");
    if (sep == std::string::npos) continue;
    const std::string path = line.substr(sep + 2);
    owner_of[path.starts_with("/usr/") ? path.substr(4) : path] =
        line.substr(0, line.find_first_of(":,"));
  }
  for (const std::string& library : libraries) {
    const std::string key = library.starts_with("/usr/") ? library.substr(4) : library;
    ASSERT_TRUE(owner_of.contains(key)) << "no package owns " << library << ":\n" << owners.output;
    EXPECT_TRUE(installed.contains(owner_of[key])) << library << " comes from " << owner_of[key]
                                                   << ", which the runtime stage does not install";
  }
  EXPECT_GE(libraries.size(), 5u);
}

TEST(DockerIgnoreTest, KeepsBuildTreesAndToolsOutOfTheContext) {
  const std::string ignore = ReadFile(SourceDir() / ".dockerignore");
  for (const char* pattern : {"\nbuild\n", "\nbuild-*\n", "\n.tools\n"}) {
    EXPECT_NE(("\n" + ignore).find(pattern), std::string::npos) << pattern;
  }
}

}  // namespace
}  // namespace pinsync::deploy_test
