#pragma once
// The fleet's list registry on the Kafka cluster every deployment already has: a compacted topic
// (kafka.registry_topic) of one partition that every member reads from the start and writes
// claims and list ids to (RegistryBook has the rule). A background thread reads the log and
// serves the producer; the engine's calls only take a mutex and enqueue.
//
// Threading: Create and the destructor on any one thread; ListRegistry's calls from any thread.
// Guarantees: a claim is counted only once the registry read it back from the log (so every
// member saw the same order); while the cluster is unreachable, CaughtUp stays false (or claims
// stay kPending) and the engine waits: it never creates a list it could not claim.

#include <memory>
#include <string>

#include "pinsync/common/clock.h"
#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/kafka/error.h"
#include "pinsync/pinterest/credential_lineage.h"
#include "pinsync/pinterest/list_registry.h"

namespace prometheus {
class Registry;
}

namespace pinsync::registry {

struct RegistryOptions {
  std::string topic;      // kafka.registry_topic
  std::string member_id;  // unique per process; empty: random
  // How long a winner may take to publish the ids before another member takes over.
  Duration claim_timeout = std::chrono::seconds(150);
  // How long after producing its claim a winner may still send the create (RegistryBook):
  // claim_timeout less a request timeout and a margin, so a taker's look-up sees what it sent.
  Duration create_window = std::chrono::seconds(60);
  // Creates the topic (compacted, one partition) when absent.
  bool create_topic = true;
  // Refresh-token flow: the credential lineage is shared under this app id, sealed with a key
  // derived from the secret. Empty: CredentialLineage is not offered (static tokens).
  std::string app_id;
  std::string app_secret;
};

// How long a claim is honoured, for `config`: the winner's create may retry a timed-out request
// before it publishes, so two request timeouts plus pipeline.handoff_margin (2 min 5 s by
// default). A member killed between its claim and publishing stalls that one name this long.
Duration ClaimTimeoutFor(const config::Config& config);
// How long a winner may still send its create, for `config`: one request timeout (a create sent
// by then has landed or been abandoned by the claim timeout, less pipeline.handoff_margin of
// slack for a request Pinterest executes after pinsync gave up on it).
Duration CreateWindowFor(const config::Config& config);

// Also the group's credential lineage (pinterest::CredentialLineage) when given the app's id and
// secret: the same topic carries refresh claims and the sealed newest credentials.
class KafkaListRegistry final : public pinterest::ListRegistry,
                                public pinterest::CredentialLineage {
 public:
  // Connects, creates the topic if absent and starts reading; fails on an unusable
  // configuration (the error names the setting). Reaching the cluster is not awaited: CaughtUp
  // turns true once the log is read.
  static Result<std::unique_ptr<KafkaListRegistry>, kafka::KafkaError> Create(
      const config::KafkaConfig& kafka, RegistryOptions options, const Clock& clock,
      prometheus::Registry* metrics);
  ~KafkaListRegistry() override;
  KafkaListRegistry(const KafkaListRegistry&) = delete;
  KafkaListRegistry& operator=(const KafkaListRegistry&) = delete;

  bool CaughtUp() const override;
  std::optional<pinterest::RegistryEntry> Find(const std::string& ad_account_id,
                                               const std::string& list_name) const override;
  pinterest::ClaimStatus Claim(const std::string& ad_account_id, const std::string& list_name,
                               const std::string& gone_list_id) override;
  void Publish(const std::string& ad_account_id, const std::string& list_name,
               const pinterest::RegistryEntry& entry) override;

  bool CredentialsCaughtUp() const override { return CaughtUp(); }
  std::optional<pinterest::SharedCredentials> LatestCredentials() const override;
  pinterest::ClaimStatus ClaimRefresh(uint64_t generation) override;
  void PublishCredentials(const pinterest::SharedCredentials& credentials) override;

  const std::string& member_id() const override;

  struct State;

 private:
  explicit KafkaListRegistry(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pinsync::registry
