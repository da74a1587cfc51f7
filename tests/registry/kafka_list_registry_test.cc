// KafkaListRegistry on the mock cluster: members that claim the same names at the same instant
// agree on one creator per name, settle once it publishes, and a member started later answers
// from the log alone.

#include "pinsync/registry/kafka_list_registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/mock_cluster.h"

namespace pinsync::registry {
namespace {

using pinterest::ClaimStatus;
using pinterest::RegistryEntry;
using namespace std::chrono_literals;

const std::string kAccount = "549755885175";
constexpr int kMembers = 3;
constexpr int kNames = 20;

template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

class KafkaListRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = kafka::MockKafkaCluster::Start(1);
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    kafka_.bootstrap_servers = cluster_->bootstraps();
  }

  std::unique_ptr<KafkaListRegistry> Start(const std::string& member) {
    RegistryOptions options;
    options.topic = "pinsync-registry";
    options.member_id = member;
    auto registry = KafkaListRegistry::Create(kafka_, options, clock_, nullptr);
    EXPECT_TRUE(registry) << registry.error().message;
    return registry ? std::move(*registry) : nullptr;
  }

  SystemClock clock_;
  std::unique_ptr<kafka::MockKafkaCluster> cluster_;
  config::KafkaConfig kafka_;
};

TEST_F(KafkaListRegistryTest, MembersStartingTogetherElectOneCreatorPerName) {
  std::vector<std::unique_ptr<KafkaListRegistry>> members;
  for (int m = 0; m < kMembers; ++m) members.push_back(Start("member-" + std::to_string(m)));
  for (auto& member : members) {
    ASSERT_NE(member, nullptr);
    ASSERT_TRUE(WaitFor([&] { return member->CaughtUp(); })) << "never read the empty topic";
  }
  auto name = [](int n) { return "audience-" + std::to_string(n) + "-EMAIL"; };
  // Everyone asks for every name, interleaved, until each has an answer that is not pending.
  std::map<std::pair<int, int>, ClaimStatus> status;
  ASSERT_TRUE(WaitFor([&] {
    bool all = true;
    for (int n = 0; n < kNames; ++n) {
      for (int m = 0; m < kMembers; ++m) {
        ClaimStatus s = members[static_cast<size_t>(m)]->Claim(kAccount, name(n), "");
        status[{m, n}] = s;
        all = all && s != ClaimStatus::kPending;
      }
    }
    return all;
  }));
  for (int n = 0; n < kNames; ++n) {
    int winners = 0;
    for (int m = 0; m < kMembers; ++m) winners += status[{m, n}] == ClaimStatus::kWon;
    EXPECT_EQ(winners, 1) << name(n);
  }
  // The winners publish; every member settles with the same ids.
  for (int n = 0; n < kNames; ++n) {
    for (int m = 0; m < kMembers; ++m) {
      if (status[{m, n}] == ClaimStatus::kWon) {
        members[static_cast<size_t>(m)]->Publish(
            kAccount, name(n), RegistryEntry{"list-" + std::to_string(n), "aud", true});
      }
    }
  }
  ASSERT_TRUE(WaitFor([&] {
    for (int n = 0; n < kNames; ++n) {
      for (auto& member : members) {
        if (member->Claim(kAccount, name(n), "") != ClaimStatus::kSettled) return false;
      }
    }
    return true;
  }));
  for (int n = 0; n < kNames; ++n) {
    for (auto& member : members) {
      auto entry = member->Find(kAccount, name(n));
      ASSERT_TRUE(entry);
      EXPECT_EQ(entry->list_id, "list-" + std::to_string(n));
    }
  }
  members.clear();
  // A member started afterwards knows every name from the log, before any claim.
  auto later = Start("member-later");
  ASSERT_NE(later, nullptr);
  ASSERT_TRUE(WaitFor([&] { return later->CaughtUp(); }));
  for (int n = 0; n < kNames; ++n) {
    auto entry = later->Find(kAccount, name(n));
    ASSERT_TRUE(entry) << name(n);
    EXPECT_EQ(entry->list_id, "list-" + std::to_string(n));
    EXPECT_EQ(later->Claim(kAccount, name(n), ""), ClaimStatus::kSettled);
  }
}

TEST_F(KafkaListRegistryTest, ARecordThatDoesNotDecodeIsSkipped) {
  auto writer = Start("writer");
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(WaitFor([&] { return writer->CaughtUp(); }));
  {
    // Something else wrote to the topic: garbage, then a record of a newer version.
    auto other = kafka::EventProducer::Create(cluster_->bootstraps());
    ASSERT_TRUE(other) << other.error().message;
    ASSERT_TRUE((*other)->Produce("pinsync-registry", "k", "not json", 0));
    ASSERT_TRUE((*other)->Produce("pinsync-registry", "k2", R"({"v":2,"type":"list"})", 0));
    ASSERT_TRUE((*other)->Flush(10s));
  }
  writer->Publish(kAccount, "n", RegistryEntry{"7", "", true});
  ASSERT_TRUE(WaitFor([&] { return writer->Find(kAccount, "n").has_value(); }));
  EXPECT_EQ(writer->Find(kAccount, "n")->list_id, "7");
  auto reader = Start("reader");
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(WaitFor([&] { return reader->CaughtUp(); }));
  ASSERT_TRUE(reader->Find(kAccount, "n"));
  EXPECT_EQ(reader->Find(kAccount, "n")->list_id, "7");
}

}  // namespace
}  // namespace pinsync::registry
