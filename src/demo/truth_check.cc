#include "pinsync/demo/truth_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace pinsync::demo {

TruthReport CheckAgainstTruth(const MembershipStream& stream, const sandbox::SandboxServer& server,
                              const std::string& account) {
  TruthReport report;
  const auto lists = server.Lists();
  const auto audiences = server.Audiences();
  std::map<std::string, const sandbox::ListSnapshot*> by_name;
  for (const auto& list : lists) {
    if (list.ad_account_id != account) continue;
    if (by_name.contains(list.name)) {
      report.problems.push_back("two lists are named \"" + list.name + "\"");
    }
    by_name[list.name] = &list;
  }
  size_t matched = 0;
  for (const Audience& audience : stream.audiences()) {
    for (ListType type : {ListType::kEmail, ListType::kMaid}) {
      ListCheck check;
      check.audience_id = audience.id;
      check.list_type = type;
      check.list_name = audience.name + "-" + std::string(ToString(type));
      static const ListTruth kEmpty;
      auto truth_it = stream.truth().find({audience.id, type});
      const ListTruth& truth = truth_it == stream.truth().end() ? kEmpty : truth_it->second;
      check.adds = truth.adds;
      check.removes = truth.removes;
      check.expected_size = truth.members.size();
      auto found = by_name.find(check.list_name);
      if (found == by_name.end()) {
        check.ok = truth.members.empty() && truth.adds == 0;
        if (!check.ok)
          report.problems.push_back("list \"" + check.list_name + "\" was never created");
        report.lists.push_back(check);
        continue;
      }
      ++matched;
      const sandbox::ListSnapshot& list = *found->second;
      check.uploaded = list.num_uploaded_user_records;
      check.removed = list.num_removed_user_records;
      check.actual_size = list.members.size();
      std::vector<std::string> missing, unexpected;
      const std::set<std::string> actual(list.members.begin(), list.members.end());
      std::set_difference(truth.members.begin(), truth.members.end(), actual.begin(), actual.end(),
                          std::back_inserter(missing));
      std::set_difference(actual.begin(), actual.end(), truth.members.begin(), truth.members.end(),
                          std::back_inserter(unexpected));
      check.missing = missing.size();
      check.unexpected = unexpected.size();
      check.audiences = static_cast<int>(std::count_if(
          audiences.begin(), audiences.end(), [&](const sandbox::AudienceSnapshot& a) {
            return a.ad_account_id == account && a.audience_type == "CUSTOMER_LIST" &&
                   a.customer_list_id == list.id;
          }));
      check.ok = check.missing == 0 && check.unexpected == 0 && check.audiences == 1;
      if (check.missing || check.unexpected) {
        report.problems.push_back(fmt::format("list \"{}\": {} members missing, {} unexpected",
                                              check.list_name, check.missing, check.unexpected));
      }
      if (check.audiences != 1) {
        report.problems.push_back(fmt::format("list \"{}\" has {} CUSTOMER_LIST audiences, not 1",
                                              check.list_name, check.audiences));
      }
      report.lists.push_back(check);
    }
  }
  if (matched != by_name.size()) {
    report.problems.push_back(
        fmt::format("{} lists exist that the stream never named", by_name.size() - matched));
  }
  return report;
}

std::string FormatTable(const TruthReport& report, const std::map<std::string, uint64_t>& dead) {
  std::string out =
      fmt::format("{:<34} {:>8} {:>8} {:>10} {:>10} {:>9} {:>9}  {}\n", "list", "adds", "removes",
                  "uploaded", "removed", "size", "expected", "check");
  for (const auto& c : report.lists) {
    out += fmt::format("{:<34} {:>8} {:>8} {:>10} {:>10} {:>9} {:>9}  {}\n", c.list_name, c.adds,
                       c.removes, c.uploaded, c.removed, c.actual_size, c.expected_size,
                       c.ok ? "ok" : "MISMATCH");
  }
  uint64_t total = 0;
  std::string reasons;
  for (const auto& [reason, n] : dead) {
    total += n;
    reasons += fmt::format("{}{}={}", reasons.empty() ? "" : ", ", reason, n);
  }
  out += fmt::format("dead-lettered: {} ({})\n", total, reasons.empty() ? "none" : reasons);
  return out;
}

}  // namespace pinsync::demo
