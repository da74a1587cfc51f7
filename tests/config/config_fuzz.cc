// libFuzzer target: configuration text must never crash the loader, and no error may echo a
// secret from the environment. Declared in src/config/CMakeLists.txt (tests/ is not configured
// in fuzz builds).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pinsync/config/duration.h"
#include "pinsync/config/load.h"
#include "pinsync/config/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Keys naming files would make the loader read arbitrary host files; that is not under test.
  if (text.find("_file") != std::string_view::npos) return 0;
  static constexpr char kSecret[] = "fuzz-secret-token-do-not-print";
  // libFuzzer learns the constant from the checks below and writes it into the file; an error
  // quoting the file's own text is fine. Only the environment's copy must never be echoed.
  if (text.find(kSecret) != std::string_view::npos) return 0;

  (void)pinsync::config::ParseDuration(text);
  (void)pinsync::config::ParseSize(text);

  const pinsync::config::Environment env{{"PINTEREST_ACCESS_TOKEN", kSecret}};
  auto loaded = pinsync::config::LoadConfigString(text, "fuzz.yaml", env);
  if (loaded.ok()) {
    const std::string rendered = pinsync::config::RenderEffectiveConfig(*loaded);
    if (rendered.find(kSecret) != std::string::npos) std::abort();
  } else if (loaded.error().message.find(kSecret) != std::string::npos) {
    std::abort();
  }
  return 0;
}
