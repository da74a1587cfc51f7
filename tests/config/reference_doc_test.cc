// docs/configuration.md must be exactly what the code generates, so the document cannot drift.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pinsync/config/render.h"
#include "property_table.h"

namespace pinsync::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ReferenceDocTest, CommittedDocumentMatchesTheCode) {
  const std::string path = std::string(PINSYNC_SOURCE_DIR) + "/docs/configuration.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << path << "; run scripts/gen-config-doc.sh";
  std::ostringstream committed;
  committed << in.rdbuf();
  const std::string generated = RenderConfigReference();
  if (committed.str() == generated) return;
  // Point at the first differing line so the failure is readable.
  std::istringstream a(committed.str()), b(generated);
  std::string line_a, line_b;
  int line = 0;
  while (true) {
    ++line;
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) break;
    if (line_a != line_b || more_a != more_b) break;
  }
  FAIL() << "docs/configuration.md is out of date with the property table in src/config/; run "
            "scripts/gen-config-doc.sh and commit the result.\nFirst difference at line "
         << line << ":\n  committed: " << line_a << "\n  generated: " << line_b;
}

TEST(ReferenceDocTest, DocumentsEveryKeyWithTypeDefaultRangeAndVariable) {
  const std::string doc = RenderConfigReference();
  for (const Property& p : Properties()) {
    EXPECT_THAT(doc, HasSubstr("| `" + std::string(p.name) + "` | ")) << p.name;
    if (IsListRow(p)) {  // list entries (inputs) have no environment override
      EXPECT_THAT(doc, HasSubstr("| `" + std::string(p.name) + "` | ")) << p.name;
      EXPECT_THAT(doc, Not(HasSubstr("`" + EnvVarName(p) + "`"))) << p.name;
      continue;
    }
    EXPECT_THAT(doc, HasSubstr("`" + EnvVarName(p) + "`")) << p.name;
  }
  EXPECT_THAT(doc, HasSubstr("| `batching.max_records` | int | `100000` | 1..10000000 | "
                             "`PINSYNC_BATCHING__MAX_RECORDS` |"));
  EXPECT_THAT(doc, HasSubstr("| `kafka.commit_interval` | duration | `5s` | 100ms..1h |"));
  EXPECT_THAT(doc,
              HasSubstr("| `identifiers.hash_algorithm` | enum | `sha256` | sha256, sha1, md5 |"));
  EXPECT_THAT(doc, HasSubstr("## Environment overrides"));
  EXPECT_THAT(doc, HasSubstr("## Secrets"));
  EXPECT_THAT(doc, HasSubstr("PINSYNC_KAFKA__PROPERTIES__SASL_MECHANISM"));
}

}  // namespace
}  // namespace pinsync::config
