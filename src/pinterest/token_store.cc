#include "pinsync/pinterest/token_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pinsync::pinterest {

namespace {
std::string Errno() { return std::strerror(errno); }

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}
}  // namespace

Result<std::optional<std::string>> ReadTokenStore(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<std::string>();
    return MakeError("pinterest: cannot read the token store " + path + ": " + Errno() +
                     "; check pinterest.token_store and the file's permissions");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = Trimmed(text.str());
  if (token.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(token));
}

Status<> WriteTokenStore(const std::string& path, const std::string& refresh_token) {
  const std::string dir = DirectoryOf(path);
  std::string temp = path + ".tmp.XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) {
    return MakeError("pinterest: cannot create a temporary file beside the token store " + path +
                     ": " + Errno() + "; the directory " + dir + " must be writable");
  }
  auto fail = [&](const std::string& what) -> Status<> {
    std::string message = "pinterest: cannot " + what + " the token store " + path + ": " +
                          Errno() + "; the rotated refresh token is kept in memory only";
    close(fd);
    unlink(temp.c_str());
    return MakeError(std::move(message));
  };
  if (fchmod(fd, 0600) != 0) return fail("set mode 0600 on");
  std::string content = refresh_token + "\n";
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (close(fd) != 0) {
    unlink(temp.c_str());
    return MakeError("pinterest: cannot close the token store " + path + ": " + Errno());
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    std::string message =
        "pinterest: cannot rename the new token store into " + path + ": " + Errno();
    unlink(temp.c_str());
    return MakeError(std::move(message));
  }
  // Make the rename itself durable.
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return OkStatus();
}

}  // namespace pinsync::pinterest
