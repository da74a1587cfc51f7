// Reads secrets from the environment or files, and checks the credentials form a usable flow.
// Secret values never enter a message; file paths and variable names do.
#include "secrets.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "key_lookup.h"
#include "property_value.h"

namespace pinsync::config {
namespace {

constexpr size_t kMaxSecretFileBytes = 64 * 1024;

std::string EnvValue(const Environment& env, std::string_view name) {
  auto it = env.find(std::string(name));
  return it == env.end() ? std::string() : it->second;
}

// The file's content less trailing line breaks, or why it could not be read.
Result<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError("cannot open '" + path + "' (" + std::strerror(errno) +
                     "); check the path and that pinsync may read it");
  }
  // Bounded: a path such as /dev/zero must fail, not hang or exhaust memory.
  std::string text(kMaxSecretFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxSecretFileBytes) {
    return MakeError("'" + path + "' is larger than 64KiB; it should hold only the secret");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return MakeError("'" + path + "' is empty; write the secret into it");
  return text;
}

}  // namespace

void ResolveSecrets(Config& config, const Environment& env, const Assignments& assignments,
                    std::string_view source_name, ConfigProblems& problems) {
  // Credential keys whose problem is already reported, by name.
  std::set<std::string_view> reported;
  for (const auto& [property, audience_id] : assignments.rejected) reported.insert(property->name);
  for (const Property& p : Properties()) {
    if (!p.secret) {
      // A non-secret key with a fallback variable (pinterest.app_id) takes it only when unset.
      if (!p.env_var.empty() && p.read(config, "").text.empty()) {
        const std::string value = EnvValue(env, p.env_var);
        if (value.empty()) continue;
        PropertyValue v = TextValue(value);
        if (auto problem = CheckValue(p, v)) {
          problems.Add(problem->kind, "environment " + std::string(p.env_var), p.name,
                       problem->detail);
          continue;
        }
        p.apply(config, "", v);
      }
      continue;
    }
    std::string value = EnvValue(env, p.env_var);
    if (value.empty()) {
      auto file_key = FindProperty(SplitKey(p.file_key));
      const std::string path = file_key ? file_key->property->read(config, "").text : "";
      if (path.empty()) continue;
      auto content = ReadSecretFile(path);
      if (!content) {
        problems.Add(ConfigErrorKind::kUnreadableSecretFile, source_name, p.file_key,
                     content.error().message);
        reported.insert(p.name);
        continue;
      }
      value = std::move(*content);
    }
    p.apply(config, "", TextValue(std::move(value)));
  }

  // A credential counts as given when it is set, or when it was written in a way pinsync refuses:
  // that has its own line saying how to fix it, which "missing" would only repeat.
  const PinterestConfig& pin = config.pinterest;
  auto given = [&reported](const std::string& value, std::string_view key,
                           std::string_view file_key = {}) {
    return !value.empty() || reported.count(key) != 0 ||
           (!file_key.empty() && reported.count(file_key) != 0);
  };
  if (given(pin.access_token, "pinterest.access_token", "pinterest.access_token_file")) return;
  const bool app_id = given(pin.app_id, "pinterest.app_id");
  const bool app_secret =
      given(pin.app_secret, "pinterest.app_secret", "pinterest.app_secret_file");
  const bool refresh_token =
      given(pin.refresh_token, "pinterest.refresh_token", "pinterest.refresh_token_file");
  if (!app_id && !app_secret && !refresh_token) {
    problems.Add(ConfigErrorKind::kMissingCredentials, source_name, "pinterest.access_token",
                 "no Pinterest credentials; set PINTEREST_ACCESS_TOKEN (or name a file in "
                 "pinterest.access_token_file), or for the refresh-token flow set "
                 "PINTEREST_APP_ID, PINTEREST_APP_SECRET and PINTEREST_REFRESH_TOKEN (or "
                 "pinterest.app_id, pinterest.app_secret_file, pinterest.refresh_token_file)");
    return;
  }
  std::string missing;
  auto note = [&missing](bool absent, std::string_view what) {
    if (absent) missing.append(missing.empty() ? "" : ", ").append(what);
  };
  note(!app_id, "PINTEREST_APP_ID (or pinterest.app_id)");
  note(!app_secret, "PINTEREST_APP_SECRET (or pinterest.app_secret_file)");
  note(!refresh_token, "PINTEREST_REFRESH_TOKEN (or pinterest.refresh_token_file)");
  if (!missing.empty()) {
    problems.Add(ConfigErrorKind::kMissingCredentials, source_name, "pinterest.refresh_token",
                 "the refresh-token flow is incomplete; also set " + missing +
                     ", or set PINTEREST_ACCESS_TOKEN instead");
  }
}

}  // namespace pinsync::config
