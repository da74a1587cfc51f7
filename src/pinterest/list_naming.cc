#include "pinsync/pinterest/list_naming.h"

namespace pinsync::pinterest {

std::string ExpandNameTemplate(const std::string& name_template, const std::string& audience_name,
                               const std::string& audience_id, ListType list_type) {
  std::string out;
  out.reserve(name_template.size() + audience_name.size());
  size_t i = 0;
  while (i < name_template.size()) {
    if (name_template[i] == '{') {
      size_t close = name_template.find('}', i);
      if (close != std::string::npos) {
        std::string_view field(name_template.data() + i + 1, close - i - 1);
        if (field == "audience_name") {
          out += audience_name;
          i = close + 1;
          continue;
        }
        if (field == "audience_id") {
          out += audience_id;
          i = close + 1;
          continue;
        }
        if (field == "list_type") {
          out += ToString(list_type);
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(name_template[i]);
    ++i;
  }
  return out;
}

ListTarget ResolveListTarget(const config::Config& config, const aggregate::ListKey& key,
                             const std::string& audience_name) {
  const std::string& name = audience_name.empty() ? key.audience_id : audience_name;
  ListTarget target;
  target.list_name =
      ExpandNameTemplate(config.pinterest.list_name_template, name, key.audience_id, key.list_type);
  target.audience_name = ExpandNameTemplate(config.pinterest.audience_name_template, name,
                                            key.audience_id, key.list_type);
  if (auto it = config.audiences.find(key.audience_id); it != config.audiences.end()) {
    const config::AudienceOverride& o = it->second;
    const std::string& list_name =
        key.list_type == ListType::kEmail ? o.email_list_name : o.maid_list_name;
    const std::string& list_id =
        key.list_type == ListType::kEmail ? o.email_customer_list_id : o.maid_customer_list_id;
    if (!list_name.empty()) {
      // An explicit list name names its audience too, so both stay recognisable together.
      target.list_name = list_name;
      target.audience_name = list_name;
    }
    target.existing_list_id = list_id;
  }
  return target;
}

}  // namespace pinsync::pinterest
