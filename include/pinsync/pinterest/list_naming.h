#pragma once
// Which Pinterest customer list (and CUSTOMER_LIST audience) a ListKey maps to: names from the
// templates or per-audience overrides, or an existing list id to sync into.

#include <string>

#include "pinsync/aggregate/batch.h"
#include "pinsync/config/config.h"

namespace pinsync::pinterest {

// Replaces {audience_name}, {audience_id} and {list_type} in `name_template`; other text,
// including unknown {placeholders}, is kept as written.
std::string ExpandNameTemplate(const std::string& name_template, const std::string& audience_name,
                               const std::string& audience_id, ListType list_type);

struct ListTarget {
  std::string list_name;         // the customer list's name (find or create)
  std::string audience_name;     // the CUSTOMER_LIST audience's name
  std::string existing_list_id;  // set: sync into this list, never find or create
};

// `audience_name` is the batch's (defaults to the audience id when empty).
ListTarget ResolveListTarget(const config::Config& config, const aggregate::ListKey& key,
                             const std::string& audience_name);

}  // namespace pinsync::pinterest
