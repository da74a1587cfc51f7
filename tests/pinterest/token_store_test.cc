#include "pinsync/pinterest/token_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace pinsync::pinterest {
namespace {

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pinsync-token-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/refresh_token";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

TEST_F(TokenStoreTest, MissingFileIsNoToken) {
  auto read = ReadTokenStore(path_);
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->has_value());
}

TEST_F(TokenStoreTest, WriteThenReadWithMode0600AndNoTempFilesLeft) {
  ASSERT_TRUE(WriteTokenStore(path_, "pinr.first"));
  ASSERT_TRUE(WriteTokenStore(path_, "pinr.second"));
  auto read = ReadTokenStore(path_);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->value(), "pinr.second");
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(TokenStoreTest, EmptyFileIsNoToken) {
  std::ofstream(path_) << "\n";
  auto read = ReadTokenStore(path_);
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->has_value());
}

TEST_F(TokenStoreTest, UnwritableDirectoryIsAClearErrorWithoutTheToken) {
  auto written = WriteTokenStore(dir_ + "/missing-dir/token", "pinr.secret-value");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("missing-dir"), std::string::npos);
  EXPECT_EQ(written.error().message.find("pinr.secret-value"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::pinterest
