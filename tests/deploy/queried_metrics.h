#pragma once
// The pinsync_* metrics the shipped Prometheus rules and Grafana dashboard query.

#include <set>
#include <string>

namespace pinsync::deploy_test {

std::set<std::string> MetricsQueriedByRules();
std::set<std::string> MetricsQueriedByDashboard();

}  // namespace pinsync::deploy_test
