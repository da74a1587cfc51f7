// Writes the configuration reference (docs/configuration.md) to stdout.
#include <cstdio>

#include "pinsync/config/render.h"

int main() {
  const std::string reference = pinsync::config::RenderConfigReference();
  std::fwrite(reference.data(), 1, reference.size(), stdout);
  return 0;
}
