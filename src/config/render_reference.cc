// docs/configuration.md, generated from the table so code and document cannot disagree.
#include "pinsync/config/render.h"
#include "property_table.h"
#include "property_value.h"

namespace pinsync::config {
namespace {

constexpr std::string_view kIntroduction = R"(# pinsync configuration reference

<!-- Generated from the property table in src/config/ by scripts/gen-config-doc.sh. Do not edit
     by hand: a unit test fails when this file and the code disagree. -->

pinsync reads one YAML file (`pinsync run -c FILE`), then applies environment overrides, then
reads secrets from the environment or from files the configuration names. Check a file with
`pinsync validate-config -c FILE`: it prints every problem (each naming the key and the file and
line, or the environment variable) and exits 1, or prints the effective configuration with
secrets redacted and exits 0. `pinsync run` exits non-zero on the same problems before it
connects anywhere. An annotated example is `docs/examples/pinsync.yaml`.

Problems reported: an unknown key (with a suggestion when one is close), a key written twice, a
value of the wrong type, a value out of range or not allowed, a missing required key, a secret
written into the file, an unreadable secret file, missing credentials, and invalid YAML.

## Value formats

- **duration**: a whole number and a unit: `200ms`, `5s`, `10m`, `3h`, `1d`; units may be
  combined (`1h30m`). A bare number is rejected.
- **size**: a byte count, plain (`1048576`) or with `KiB`, `MiB`, `GiB` (`1MiB`).
- **int**: a whole number.
- **enum**: one of the listed values.
- **list of strings**: a YAML list (`[a, b]` or one `- item` per line); in the environment, a
  comma-separated value.
- **map string->string**: a YAML map; in the environment, one variable per entry.
- **path**: a file path, relative to the working directory.
- A key written without a value (`key:`) keeps its default.

## Environment overrides

Every key can be overridden by a variable named `PINSYNC_` followed by the key in upper case,
with `__` (two underscores) between levels:

```sh
PINSYNC_BATCHING__MAX_RECORDS=5000
PINSYNC_KAFKA__TOPICS=membership-a,membership-b        # list: comma-separated
PINSYNC_KAFKA__PROPERTIES__SASL_MECHANISM=SCRAM-SHA-512 # map entry: sets sasl.mechanism
PINSYNC_AUDIENCES__VIP__BATCHING__MAX_AGE=30m          # audience "vip"
```

- The environment wins over the file.
- **Map entries** (`kafka.properties`): `PINSYNC_KAFKA__PROPERTIES__<NAME>` adds or replaces the
  entry whose name is `<NAME>` in lower case with each `_` read as `.`, so `SASL_MECHANISM` sets
  `sasl.mechanism`. Entries whose names contain `_` can only be set in the file.
- **Audiences**: the `<AUDIENCE_ID>` level matches an audience of the file case-insensitively;
  otherwise it names a new audience, in lower case. Audience ids that are not upper/lower case
  letters, digits and single underscores can only be configured in the file.
- A `PINSYNC_` variable that names no key is an error, like an unknown key in the file, except
  `PINSYNC_HEAP_HUGE_PAGES`, which the process reads before any configuration (`off` keeps the
  heap on 4 KB pages; docs/operations.md, "Sizing").

## Secrets

Secrets are never read from the YAML file, nor from `PINSYNC_` variables, and are never printed
(`validate-config` shows `<redacted>` or `<unset>`). Each comes from its environment variable,
or else from the file named by its `*_file` key (a trailing newline is ignored; the variable
wins when both are set):

| Secret | Environment variable | File key |
|---|---|---|
)";

constexpr std::string_view kCredentials = R"(
Credentials are required, one of:

- an access token: `PINTEREST_ACCESS_TOKEN` or `pinterest.access_token_file`;
- the refresh-token flow: `PINTEREST_APP_ID` (or `pinterest.app_id`), `PINTEREST_APP_SECRET`
  (or `pinterest.app_secret_file`) and `PINTEREST_REFRESH_TOKEN` (or
  `pinterest.refresh_token_file`); a rotated refresh token is kept in `pinterest.token_store`.

Writing a secret key such as `pinterest.access_token:` into the file is an error that says which
variable or file key to use instead.

## Keys
)";

std::string Cell(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::string Code(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string DefaultCell(const Property& p) {
  if (p.required) return "required";
  if (p.secret) return "none";
  if (SplitKey(p.name)[0] == "audiences" && !p.default_text.empty()) {
    return "inherits " + Code(p.default_text);
  }
  if (p.default_text.empty()) return "empty";
  return Code(p.default_text);
}

std::string TypeCell(const Property& p) {
  std::string type(ToString(p.type));
  return p.secret ? type + " (secret)" : type;
}

std::string EnvCell(const Property& p) {
  if (IsListRow(p)) return "file only";
  std::string cell = Code(EnvVarName(p));
  if (!p.secret && !p.env_var.empty()) cell += ", else " + Code(p.env_var);
  return cell;
}

std::string Row(const Property& p) {
  const std::string range = RangeText(p);
  return "| " + Code(p.name) + " | " + Cell(TypeCell(p)) + " | " + Cell(DefaultCell(p)) + " | " +
         (range.empty() ? "" : Cell(range)) + " | " + EnvCell(p) + " | " + Cell(p.description) +
         " |\n";
}

}  // namespace

std::string RenderConfigReference() {
  std::string out(kIntroduction);
  for (const Property& p : Properties()) {
    if (!p.secret) continue;
    out += "| " + Code(p.name) + " | " + Code(p.env_var) + " | " + Code(p.file_key) + " |\n";
  }
  out += kCredentials;
  std::string section;
  for (const Property& p : Properties()) {
    const std::string first = SplitKey(p.name)[0];
    if (first != section) {
      section = first;
      out += "\n### " + section + "\n\n";
      if (section == "inputs") {
        out +=
            "Topics read in a format other than native (docs/events.md), as a YAML list: `<n>` "
            "is the entry's position (`inputs.0.topic` is the first entry's topic). Topics in "
            "`kafka.topics` stay native; one consumer group reads them all. Either list alone is "
            "enough: together they name at least one topic, and a topic is in one of them "
            "only. Entries are set in the file only: environment overrides do not apply to "
            "them.\n\n"
            "```yaml\ninputs:\n  - topic: engage-audiences\n    format: segment\n"
            "  - topic: crm-membership\n    format: mapped\n    mapping:\n"
            "      audience_id: /segment/id\n      op: /action\n      add_values: [joined]\n"
            "      remove_values: [left]\n      identifiers:\n        email: /customer/emails\n"
            "```\n\n";
      }
      if (section == "audiences") {
        out +=
            "Per-audience overrides, keyed by the event's `audience_id`; a key left out "
            "inherits the global value.\n\n";
      }
      out += "| Key | Type | Default | Range | Environment | Description |\n";
      out += "|---|---|---|---|---|---|\n";
    }
    out += Row(p);
  }
  return out;
}

}  // namespace pinsync::config
