#include "connection_dropper.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

namespace pinsync::sandbox {
namespace {

// Port and numeric address of a socket address; false for non-IP families.
bool Describe(const sockaddr_storage& addr, int& port, std::string& host) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    port = ntohs(in->sin_port);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    port = ntohs(in6->sin6_port);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  } else {
    return false;
  }
  host = text;
  return true;
}

}  // namespace

int FindConnectionSocket(int local_port, const std::string& remote_addr, int remote_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return false;
  int found = -1;
  while (found < 0) {
    const dirent* entry = readdir(dir);
    if (entry == nullptr) break;
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_len = sizeof local;
    socklen_t peer_len = sizeof peer;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
        getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) {
      continue;  // not a connected socket
    }
    int port = 0;
    int peer_port = 0;
    std::string host;
    std::string peer_host;
    if (!Describe(local, port, host) || !Describe(peer, peer_port, peer_host)) continue;
    if (port == local_port && peer_port == remote_port && peer_host == remote_addr) {
      found = static_cast<int>(fd);
    }
  }
  closedir(dir);
  return found;
}

bool ShutdownSocket(int fd) { return shutdown(fd, SHUT_RDWR) == 0; }

}  // namespace pinsync::sandbox
