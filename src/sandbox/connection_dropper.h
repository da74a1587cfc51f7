#pragma once
// Dropping a connection without an answer, for the drop_rate fault. cpp-httplib 0.11 gives a
// handler no access to its socket, so the socket is found by its addresses: the one open
// descriptor whose local port and peer address/port match the request's. shutdown(2) (not
// close, so the descriptor cannot be reused under httplib) makes the client see the connection
// end with no response; httplib's write then fails and it closes the socket itself.

#include <string>

namespace pinsync::sandbox {

// The descriptor of the request's connection, or -1 if none matches.
int FindConnectionSocket(int local_port, const std::string& remote_addr, int remote_port);
// Ends both directions of a connection without closing its descriptor.
bool ShutdownSocket(int fd);

}  // namespace pinsync::sandbox
