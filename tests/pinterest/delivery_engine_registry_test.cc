// Several members' engines against one Pinterest, coordinated by the registry's claim rule
// (InMemoryListRegistry over one shared log): no twin lists or audiences, whatever the
// interleaving, and look-ups answered from the registry after a restart.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "pinterest/engine_harness.h"
#include "pinterest/in_memory_list_registry.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kAudiences = 5;

struct Member {
  Member(const std::string& id, FakePinterest& shared, SharedRegistryLog& log)
      : harness(FakeConfig(), &shared), registry(id, log, harness.clock()) {}
  // With the production's claim timeout and create window for `config`.
  Member(const std::string& id, FakePinterest& shared, SharedRegistryLog& log,
         const config::Config& config)
      : harness(config, &shared),
        registry(id, log, harness.clock(),
                 2 * Duration(config.pinterest.request_timeout) +
                     Duration(config.pipeline.handoff_margin),
                 Duration(config.pinterest.request_timeout)) {}
  EngineHarness harness;
  InMemoryListRegistry registry;
  Outcomes outcomes;
};

// Turns every member's loop once per round, in lockstep, until each has `expected` outcomes.
void RunTogether(std::vector<std::unique_ptr<Member>>& members, size_t expected,
                 int max_rounds = 20000, Duration step = milliseconds(10)) {
  for (int round = 0; round < max_rounds; ++round) {
    bool done = true;
    for (auto& m : members) {
      if (m->outcomes.size() < expected) done = false;
      m->harness.engine().Pump();
    }
    if (done) return;
    for (auto& m : members) {
      m->harness.transport().Poll(milliseconds(0));
      for (auto& f : m->harness.engine().TakeFinished()) m->outcomes.push_back(std::move(f));
      m->harness.clock().Advance(step);
    }
  }
}

size_t CountNamed(const std::vector<FakePinterest::List>& lists, const std::string& name) {
  size_t n = 0;
  for (const auto& l : lists) n += l.name == name;
  return n;
}

TEST(DeliveryEngineRegistryTest, MembersStartingTogetherCreateEachListAndAudienceOnce) {
  FakePinterest pinterest;
  SharedRegistryLog log;
  std::vector<std::unique_ptr<Member>> members;
  for (int m = 0; m < 3; ++m) {
    members.push_back(std::make_unique<Member>("m" + std::to_string(m), pinterest, log));
    members.back()->harness.Start(&members.back()->registry);
  }
  // Every member has its own users (partitions) in every audience.
  for (int m = 0; m < 3; ++m) {
    for (int a = 0; a < kAudiences; ++a) {
      members[static_cast<size_t>(m)]->harness.engine().Submit(
          MakeBatch(static_cast<uint64_t>(a + 1), "111", "aud" + std::to_string(a),
                    ListType::kEmail, Records(static_cast<uint64_t>(m * 100000 + a * 1000), 2500)));
    }
  }
  RunTogether(members, kAudiences);
  for (auto& m : members) {
    ASSERT_EQ(m->outcomes.size(), static_cast<size_t>(kAudiences));
    for (auto& [outcome, batch] : m->outcomes) {
      EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
    }
  }
  ASSERT_EQ(pinterest.lists["111"].size(), static_cast<size_t>(kAudiences));
  EXPECT_EQ(pinterest.audiences["111"].size(), static_cast<size_t>(kAudiences));
  for (int a = 0; a < kAudiences; ++a) {
    const std::string name = "aud" + std::to_string(a) + "-EMAIL";
    EXPECT_EQ(CountNamed(pinterest.lists["111"], name), 1u) << name;
    auto* list = pinterest.FindList("111", name);
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->members.size(), 3u * 2500u) << "every member's records reached the one list";
  }
  // One claim per member per name at most, and exactly one publication per name.
  EXPECT_LE(log.claims(), 3u * kAudiences);
  size_t published = 0;
  for (auto& m : members) published += m->registry.published();
  EXPECT_EQ(published, static_cast<size_t>(kAudiences));
}

TEST(DeliveryEngineRegistryTest, WithoutTheRegistryMembersStartingTogetherMakeTwins) {
  // The failure the registry exists for, shown on the same interleaving.
  FakePinterest pinterest;
  std::vector<std::unique_ptr<EngineHarness>> members;
  for (int m = 0; m < 2; ++m) {
    members.push_back(std::make_unique<EngineHarness>(FakeConfig(), &pinterest));
    members.back()->Start();
    members.back()->engine().Submit(
        MakeBatch(1, "111", "aud", ListType::kEmail, Records(static_cast<uint64_t>(m) * 10, 10)));
  }
  for (int round = 0; round < 2000; ++round) {
    for (auto& h : members) h->engine().Pump();
    for (auto& h : members) {
      h->transport().Poll(milliseconds(0));
      h->engine().TakeFinished();
      h->clock().Advance(milliseconds(10));
    }
  }
  EXPECT_EQ(CountNamed(pinterest.lists["111"], "aud-EMAIL"), 2u);
}

TEST(DeliveryEngineRegistryTest, ARestartedMemberFindsListsInTheRegistryWithoutLookUps) {
  FakePinterest pinterest;
  SharedRegistryLog log;
  {
    Member first("m0", pinterest, log);
    first.harness.Start(&first.registry);
    for (int a = 0; a < kAudiences; ++a) {
      first.harness.engine().Submit(MakeBatch(static_cast<uint64_t>(a + 1), "111",
                                              "aud" + std::to_string(a), ListType::kEmail,
                                              Records(static_cast<uint64_t>(a) * 1000, 10)));
    }
    ASSERT_EQ(first.harness.Run(kAudiences).size(), static_cast<size_t>(kAudiences));
  }
  pinterest.log.clear();
  Member restarted("m1", pinterest, log);
  restarted.registry.set_caught_up(false);
  restarted.harness.Start(&restarted.registry);
  for (int a = 0; a < kAudiences; ++a) {
    restarted.harness.engine().Submit(
        MakeBatch(static_cast<uint64_t>(a + 10), "111", "aud" + std::to_string(a), ListType::kEmail,
                  Records(static_cast<uint64_t>(a) * 1000 + 500, 10)));
  }
  // Until the registry has read its log, nothing is looked up or created.
  restarted.harness.Turns(50);
  EXPECT_TRUE(pinterest.log.empty());
  restarted.registry.set_caught_up(true);
  auto out = restarted.harness.Run(kAudiences);
  ASSERT_EQ(out.size(), static_cast<size_t>(kAudiences));
  EXPECT_EQ(restarted.harness.CountLog("GET "), 0u) << "no list or audience look-up";
  EXPECT_EQ(restarted.harness.CountLog("POST "), 0u);
  EXPECT_EQ(restarted.harness.CountLog("PATCH "), static_cast<size_t>(kAudiences));
}

TEST(DeliveryEngineRegistryTest, AWinnerThatDiesBeforePublishingIsTakenOverWithoutATwin) {
  FakePinterest pinterest;
  SharedRegistryLog log;
  Member dead("dead", pinterest, log);
  Member alive("alive", pinterest, log);
  dead.registry.set_caught_up(true);
  dead.harness.Start(&dead.registry);
  alive.harness.Start(&alive.registry);
  // The first member wins the claim, creates the list, and dies before publishing its ids.
  dead.harness.engine().Submit(MakeBatch(1, "111", "aud", ListType::kEmail, Records(0, 10)));
  pinterest.hold = [](const HttpRequest& r) {
    return r.method == HttpMethod::kPost && r.url.find("/audiences") != std::string::npos;
  };
  dead.harness.Turns(200);
  ASSERT_EQ(CountNamed(pinterest.lists["111"], "aud-EMAIL"), 1u);
  ASSERT_EQ(log.claims(), 1u);
  pinterest.hold = nullptr;
  // The other member waits for it, then takes over after the claim timeout: it finds the
  // list by name rather than creating a second one.
  alive.harness.engine().Submit(MakeBatch(1, "111", "aud", ListType::kEmail, Records(100, 10)));
  auto out = alive.harness.Run(1, 40000, milliseconds(10));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged) << out[0].first.detail;
  EXPECT_EQ(CountNamed(pinterest.lists["111"], "aud-EMAIL"), 1u);
  EXPECT_EQ(pinterest.FindList("111", "aud-EMAIL")->members.size(), 20u);
  EXPECT_EQ(pinterest.audiences["111"].size(), 1u);
  EXPECT_EQ(log.claims(), 2u) << "the original claim and one take-over";
}

// The interleaving of the concurrent e2e rounds' twins (fleet-conc log, ad account
// 600000000003): the winner's create reaches Pinterest but its answer is lost (the request
// timed out on a loaded machine); Pinterest executes it a moment after the client gave up. The
// winner's look-up by name ran before that, found nothing, and its claim still said kWon, so it
// created a second list. Now a claim entitles its winner to create only within the create
// window: the lost create is retried through a take-over, whose look-up comes after the claim
// timeout, when anything the first winner sent has landed.
TEST(DeliveryEngineRegistryTest, ACreateWhoseAnswerIsLostAndLandsLateLeavesNoTwin) {
  config::Config config = FakeConfig();
  config.pinterest.request_timeout = std::chrono::milliseconds(5000);
  config.pipeline.handoff_margin = std::chrono::milliseconds(500);
  config.pinterest.retry_max_duration = std::chrono::milliseconds(120000);
  FakePinterest pinterest;
  SharedRegistryLog log;
  std::vector<std::unique_ptr<Member>> members;
  for (int m = 0; m < 3; ++m) {
    members.push_back(std::make_unique<Member>("m" + std::to_string(m), pinterest, log, config));
    members.back()->harness.Start(&members.back()->registry);
    members.back()->harness.engine().Submit(
        MakeBatch(1, "111", "aud", ListType::kEmail, Records(static_cast<uint64_t>(m) * 1000, 10)));
  }
  const ManualClock& world = members.front()->harness.clock();  // all advance in lockstep
  auto is_create = [](const HttpRequest& r) {
    return r.method == HttpMethod::kPost && r.url.ends_with("/customer_lists");
  };
  std::optional<HttpRequest> lost;  // the first create: its answer never arrives
  SteadyTime lost_sent_at{};
  bool landed = false;
  pinterest.hold = [&](const HttpRequest& r) {
    if (landed || !is_create(r)) return false;
    if (!lost) {
      lost = r;
      lost_sent_at = world.Now();
    }
    return r.body == lost->body && world.Now() - lost_sent_at < config.pinterest.request_timeout;
  };
  pinterest.fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (landed || !lost || r.body != lost->body) return std::nullopt;
    HttpResponse timed_out;
    timed_out.error = TransportError::kTimeout;
    timed_out.error_detail = "Operation timed out after 5000 milliseconds";
    return timed_out;
  };
  Outcomes outcomes;
  for (int round = 0; round < 20000 && outcomes.size() < members.size(); ++round) {
    // Pinterest executes the abandoned create a second after the client gave up on it (within
    // pipeline.handoff_margin of the request timeout it would not be, in the worst case).
    if (lost && !landed && world.Now() - lost_sent_at >= seconds(5) + milliseconds(400)) {
      landed = true;
      (void)pinterest(*lost);
    }
    for (auto& m : members) m->harness.engine().Pump();
    for (auto& m : members) {
      m->harness.transport().Poll(milliseconds(0));
      for (auto& f : m->harness.engine().TakeFinished()) outcomes.push_back(std::move(f));
      m->harness.clock().Advance(milliseconds(10));
    }
  }
  ASSERT_TRUE(lost) << "the first create was sent";
  ASSERT_TRUE(landed);
  ASSERT_EQ(outcomes.size(), members.size());
  for (auto& [outcome, batch] : outcomes) {
    EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
  }
  EXPECT_EQ(CountNamed(pinterest.lists["111"], "aud-EMAIL"), 1u) << "no twin list";
  EXPECT_EQ(pinterest.audiences["111"].size(), 1u) << "no twin audience";
  auto* list = pinterest.FindList("111", "aud-EMAIL");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->members.size(), 30u) << "every member's records reached the one list";
}

// A first deployment on a tight budget: three members meet 60 new audiences at once, each with
// a third of 120 requests a minute (two creates per list: 3 minutes of the group's budget). A
// member claims a name only when it could send the creates within the claim's create window;
// claiming everything at once let most windows pass while the creates waited for the budget,
// and each such list waited for a take-over (a claim timeout) before it was created.
TEST(DeliveryEngineRegistryTest, ManyNewListsOnATightBudgetAreCreatedWithoutTakeOvers) {
  constexpr int kNewLists = 60;
  config::Config config = FakeConfig();
  config.pinterest.requests_per_minute = 120;
  config.pinterest.request_timeout = std::chrono::milliseconds(10000);  // the create window
  config.pipeline.handoff_margin = std::chrono::milliseconds(1000);
  config.pinterest.retry_max_duration = std::chrono::hours(1);
  FakePinterest pinterest;
  SharedRegistryLog log;
  std::vector<std::unique_ptr<Member>> members;
  for (int m = 0; m < 3; ++m) {
    members.push_back(std::make_unique<Member>("m" + std::to_string(m), pinterest, log, config));
    members.back()->harness.Start(&members.back()->registry);
    members.back()->harness.engine().SetBudgetShare(1.0 / 3);
    for (int a = 0; a < kNewLists; ++a) {
      members.back()->harness.engine().Submit(
          MakeBatch(static_cast<uint64_t>(a + 1), "111", "aud" + std::to_string(a),
                    ListType::kEmail, Records(static_cast<uint64_t>(m * 100000 + a * 100), 10)));
    }
  }
  RunTogether(members, kNewLists, 60000, milliseconds(50));  // up to 50 minutes
  for (auto& m : members) {
    EXPECT_EQ(m->outcomes.size(), static_cast<size_t>(kNewLists));
    for (auto& [outcome, batch] : m->outcomes) {
      EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
    }
  }
  for (int a = 0; a < kNewLists; ++a) {
    const std::string name = "aud" + std::to_string(a) + "-EMAIL";
    EXPECT_EQ(CountNamed(pinterest.lists["111"], name), 1u) << "no twin list: " << name;
  }
  EXPECT_EQ(pinterest.audiences["111"].size(), static_cast<size_t>(kNewLists));
  size_t take_overs = 0;
  for (const auto& r : log.records) {
    take_overs += r.type == registry::RecordType::kClaim && r.basis.starts_with("after:");
  }
  EXPECT_EQ(take_overs, 0u);
  // 120 creates and 180 updates at 120 a minute: 2.5 minutes, and some slack for the turns the
  // members' shares leave unused while one waits for another's creates.
  const Duration took = members.front()->harness.clock().Now() - SteadyTime{};
  EXPECT_LE(took, std::chrono::minutes(5));
}

// A create window shorter than two of a member's requests (one request every 3 s per member, a
// 2 s window): a winner often cannot send its look-up and creates in time, and names change
// hands through take-overs again and again. Whoever wins a name looks it up again after each
// take-over, not only its first, so a list another member made meanwhile is found instead of
// created twice (15 twins of 20 lists when only the first take-over looked again). This
// configuration is below what the registry needs to make progress (the engine warns about it:
// `pinterest.request_timeout` under three requests at the member's share), so some names are
// never created here; what must hold even then is that none is created twice.
TEST(DeliveryEngineRegistryTest, ANameTakenOverAgainAndAgainIsLookedUpAfterEveryTakeOver) {
  constexpr int kNewLists = 20;
  config::Config config = FakeConfig();
  config.pinterest.requests_per_minute = 60;
  config.pinterest.request_timeout = std::chrono::milliseconds(2000);
  config.pipeline.handoff_margin = std::chrono::milliseconds(500);
  config.pinterest.retry_max_duration = std::chrono::hours(1);
  FakePinterest pinterest;
  SharedRegistryLog log;
  std::vector<std::unique_ptr<Member>> members;
  for (int m = 0; m < 3; ++m) {
    members.push_back(std::make_unique<Member>("m" + std::to_string(m), pinterest, log, config));
    members.back()->harness.Start(&members.back()->registry);
    members.back()->harness.engine().SetBudgetShare(1.0 / 3);
    for (int a = 0; a < kNewLists; ++a) {
      members.back()->harness.engine().Submit(
          MakeBatch(static_cast<uint64_t>(a + 1), "111", "aud" + std::to_string(a),
                    ListType::kEmail, Records(static_cast<uint64_t>(m * 100000 + a * 100), 10)));
    }
  }
  RunTogether(members, kNewLists, 12000, milliseconds(50));  // up to 10 minutes
  size_t take_overs = 0;
  for (const auto& r : log.records) {
    take_overs += r.type == registry::RecordType::kClaim && r.basis.starts_with("after:");
  }
  EXPECT_GT(take_overs, 0u) << "the scenario this test is for";
  for (int a = 0; a < kNewLists; ++a) {
    const std::string name = "aud" + std::to_string(a) + "-EMAIL";
    EXPECT_LE(CountNamed(pinterest.lists["111"], name), 1u) << "no twin list: " << name;
  }
  EXPECT_LE(pinterest.audiences["111"].size(), pinterest.lists["111"].size());
  for (auto& m : members) {
    for (auto& [outcome, batch] : m->outcomes) {
      EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
    }
  }
}

}  // namespace
}  // namespace pinsync::pinterest
