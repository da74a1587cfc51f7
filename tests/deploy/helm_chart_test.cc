// The Helm chart: lint, render with default and production-like values, and check what the
// manifests promise (configuration keys, secret references, safe pod settings, monitoring).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "helm_render.h"
#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

class HelmChartTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { lookup_ = new HelmLookup(FindHelm()); }
  static void TearDownTestSuite() {
    delete lookup_;
    lookup_ = nullptr;
  }
  void SetUp() override {
    if (lookup_->path.empty() && lookup_->impossible) GTEST_SKIP() << lookup_->why;
    ASSERT_FALSE(lookup_->path.empty()) << lookup_->why;
    helm_ = &lookup_->path;
  }

  static std::string RefreshValues() {
    return "-f " +
           ShellQuote((SourceDir() / "tests" / "deploy" / "values-refresh-flow.yaml").string());
  }
  // Renders and parses; a failed render is a test failure with helm's message.
  static std::vector<YAML::Node> Render(const std::string& args) {
    CommandResult r = HelmTemplate(*helm_, args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.exit_code == 0 ? ParseManifests(r.output) : std::vector<YAML::Node>{};
  }
  static YAML::Node Container(const std::vector<YAML::Node>& objects) {
    return FindObject(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
  }
  static YAML::Node Env(const YAML::Node& container, const std::string& name) {
    for (const YAML::Node& env : container["env"]) {
      if (env["name"].as<std::string>() == name) return env;
    }
    return YAML::Node();  // null: absent
  }
  static YAML::Node Volume(const std::vector<YAML::Node>& objects, const std::string& name) {
    for (const YAML::Node& v :
         FindObject(objects, "Deployment")["spec"]["template"]["spec"]["volumes"]) {
      if (v["name"].as<std::string>() == name) return v;
    }
    return YAML::Node();
  }
  static YAML::Node Mount(const YAML::Node& container, const std::string& name) {
    for (const YAML::Node& m : container["volumeMounts"]) {
      if (m["name"].as<std::string>() == name) return m;
    }
    return YAML::Node();
  }

  static HelmLookup* lookup_;
  static const std::string* helm_;
};
HelmLookup* HelmChartTest::lookup_ = nullptr;
const std::string* HelmChartTest::helm_ = nullptr;

TEST_F(HelmChartTest, LintPassesWithDefaultAndProductionValues) {
  CommandResult plain = RunShell(ShellQuote(*helm_) + " lint --strict " + ShellQuote(ChartDir()));
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  CommandResult refresh = RunShell(ShellQuote(*helm_) + " lint --strict " + ShellQuote(ChartDir()) +
                                   " " + RefreshValues());
  EXPECT_EQ(refresh.exit_code, 0) << refresh.output;
}

TEST_F(HelmChartTest, DefaultValuesRenderTheCoreObjectsOnly) {
  auto objects = Render("");
  for (const char* kind :
       {"ConfigMap", "Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"}) {
    EXPECT_EQ(CountObjects(objects, kind), 1) << kind;
  }
  for (const char* kind : {"ServiceMonitor", "PrometheusRule", "PersistentVolumeClaim", "Secret",
                           "NetworkPolicy", "ScaledObject"}) {
    EXPECT_EQ(CountObjects(objects, kind), 0) << kind;
  }
  auto service = FindObject(objects, "Service");
  EXPECT_EQ(service["spec"]["ports"][0]["port"].as<int>(), 9464);
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(), "metrics");
  auto pdb = FindObject(objects, "PodDisruptionBudget");
  EXPECT_EQ(pdb["spec"]["maxUnavailable"].as<int>(), 1);
}

TEST_F(HelmChartTest, NetworkPolicyLetsOnlyKafkaPinterestDnsAndScrapesThrough) {
  auto objects = Render(
      "--set networkPolicy.enabled=true --set 'networkPolicy.kafka.cidrs={10.20.0.0/16}' "
      "--set 'networkPolicy.kafka.ports={9093,9094}'");
  const YAML::Node policy = FindObject(objects, "NetworkPolicy")["spec"];
  const YAML::Node selector = FindObject(objects, "Deployment")["spec"]["selector"]["matchLabels"];
  for (const auto& label : selector) {
    EXPECT_EQ(policy["podSelector"]["matchLabels"][label.first.as<std::string>()].as<std::string>(),
              label.second.as<std::string>());
  }
  std::set<std::string> types;
  for (const YAML::Node& t : policy["policyTypes"]) types.insert(t.as<std::string>());
  EXPECT_EQ(types, (std::set<std::string>{"Ingress", "Egress"}));
  ASSERT_EQ(policy["ingress"].size(), 1u);
  EXPECT_EQ(policy["ingress"][0]["ports"][0]["port"].as<std::string>(), "metrics");
  EXPECT_EQ(policy["ingress"][0]["ports"].size(), 1u) << "only the metrics port";

  // Egress: port -> (protocol, cidr of the rule's first peer or "any").
  std::multimap<int, std::pair<std::string, std::string>> egress;
  for (const YAML::Node& rule : policy["egress"]) {
    const std::string to =
        rule["to"] ? rule["to"][0]["ipBlock"]["cidr"].as<std::string>("peer") : "any";
    for (const YAML::Node& port : rule["ports"]) {
      egress.emplace(port["port"].as<int>(),
                     std::make_pair(port["protocol"].as<std::string>(), to));
    }
  }
  EXPECT_EQ(egress.count(9093), 1u);
  EXPECT_EQ(egress.find(9094)->second,
            std::make_pair(std::string("TCP"), std::string("10.20.0.0/16")));
  EXPECT_EQ(egress.count(9092), 0u) << "the ports come from values";
  EXPECT_EQ(egress.find(443)->second, std::make_pair(std::string("TCP"), std::string("0.0.0.0/0")));
  EXPECT_EQ(egress.count(53), 2u) << "DNS over UDP and TCP";
  EXPECT_EQ(egress.size(), 5u) << "nothing else leaves the pod";

  auto without_dns =
      Render("--set networkPolicy.enabled=true --set networkPolicy.dns.enabled=false");
  for (const YAML::Node& rule : FindObject(without_dns, "NetworkPolicy")["spec"]["egress"]) {
    for (const YAML::Node& port : rule["ports"]) EXPECT_NE(port["port"].as<int>(), 53);
  }
}

TEST_F(HelmChartTest, KedaScalesOnConsumerLagOfEachTopicWhenEnabled) {
  auto objects = Render(
      "--set keda.enabled=true --set keda.maxReplicaCount=6 --set keda.lagThreshold=5000 "
      "--set 'config.kafka.topics={membership-a,membership-b}' --set config.kafka.group_id=sync "
      "--set keda.authenticationRef=kafka-auth");
  const YAML::Node scaled = FindObject(objects, "ScaledObject");
  const YAML::Node deployment = FindObject(objects, "Deployment");
  EXPECT_EQ(scaled["apiVersion"].as<std::string>(), "keda.sh/v1alpha1");
  EXPECT_EQ(scaled["spec"]["scaleTargetRef"]["name"].as<std::string>(),
            deployment["metadata"]["name"].as<std::string>());
  EXPECT_EQ(scaled["spec"]["maxReplicaCount"].as<int>(), 6);
  const YAML::Node triggers = scaled["spec"]["triggers"];
  ASSERT_EQ(triggers.size(), 2u) << "one trigger per topic";
  std::set<std::string> topics;
  for (const YAML::Node& trigger : triggers) {
    EXPECT_EQ(trigger["type"].as<std::string>(), "kafka");
    EXPECT_EQ(trigger["metadata"]["consumerGroup"].as<std::string>(), "sync");
    EXPECT_EQ(trigger["metadata"]["bootstrapServers"].as<std::string>(), "kafka:9092");
    EXPECT_EQ(trigger["metadata"]["lagThreshold"].as<std::string>(), "5000");
    EXPECT_EQ(trigger["authenticationRef"]["name"].as<std::string>(), "kafka-auth");
    topics.insert(trigger["metadata"]["topic"].as<std::string>());
  }
  EXPECT_EQ(topics, (std::set<std::string>{"membership-a", "membership-b"}));
  EXPECT_FALSE(deployment["spec"]["replicas"]) << "KEDA owns the replica count";
  EXPECT_EQ(FindObject(Render(""), "Deployment")["spec"]["replicas"].as<int>(), 3)
      << "the default runs several replicas: the registry topic makes that safe";
}

TEST_F(HelmChartTest, ReplicasSpreadAcrossNodesByDefault) {
  auto spread = [](const std::vector<YAML::Node>& objects) {
    return FindObject(objects,
                      "Deployment")["spec"]["template"]["spec"]["topologySpreadConstraints"];
  };
  auto objects = Render("");
  const YAML::Node constraints = spread(objects);
  ASSERT_EQ(constraints.size(), 1u);
  EXPECT_EQ(constraints[0]["maxSkew"].as<int>(), 1);
  EXPECT_EQ(constraints[0]["topologyKey"].as<std::string>(), "kubernetes.io/hostname");
  EXPECT_EQ(constraints[0]["whenUnsatisfiable"].as<std::string>(), "ScheduleAnyway");
  EXPECT_EQ(
      constraints[0]["labelSelector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>(),
      "pinsync");
  EXPECT_FALSE(spread(Render("--set topologySpread.enabled=false")));
  auto zones = Render(
      "--set topologySpread.topologyKey=topology.kubernetes.io/zone "
      "--set topologySpread.maxSkew=2");
  EXPECT_EQ(spread(zones)[0]["topologyKey"].as<std::string>(), "topology.kubernetes.io/zone");
  EXPECT_EQ(spread(zones)[0]["maxSkew"].as<int>(), 2);
  auto raw = Render(
      "--set 'topologySpreadConstraints[0].maxSkew=3' "
      "--set 'topologySpreadConstraints[0].topologyKey=rack' "
      "--set 'topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule'");
  ASSERT_EQ(spread(raw).size(), 1u) << "raw constraints replace the default";
  EXPECT_EQ(spread(raw)[0]["topologyKey"].as<std::string>(), "rack");
}

TEST_F(HelmChartTest, ConfigMapCarriesTheConfigKeysFromValues) {
  auto objects = Render("");
  const YAML::Node config = YAML::Load(RenderedConfigText(objects));
  EXPECT_EQ(config["kafka"]["bootstrap_servers"].as<std::string>(), "kafka:9092");
  EXPECT_EQ(config["kafka"]["group_id"].as<std::string>(), "pinsync");
  EXPECT_EQ(config["kafka"]["topics"][0].as<std::string>(), "audience-membership");
  EXPECT_EQ(config["kafka"]["dead_letter_topic"].as<std::string>(),
            "audience-membership-dead-letters");
  EXPECT_EQ(config["kafka"]["commit_interval"].as<std::string>(), "5s");
  EXPECT_EQ(config["pinterest"]["api_base_url"].as<std::string>(), "https://api.pinterest.com/v5");
  EXPECT_EQ(config["pinterest"]["max_records_per_request"].as<int>(), 1900);
  EXPECT_EQ(config["batching"]["max_records"].as<int>(), 100000);
  EXPECT_EQ(config["batching"]["max_age"].as<std::string>(), "3h");
  // The keys the chart owns follow the pod's settings.
  EXPECT_EQ(config["metrics"]["listen"].as<std::string>(), "0.0.0.0:9464");
  EXPECT_EQ(config["shutdown"]["timeout"].as<std::string>(), "25s");
  EXPECT_FALSE(config["pinterest"]["token_store"]) << "no token store with a static access token";
}

TEST_F(HelmChartTest, ProductionValuesReachConfigAndDeployment) {
  auto objects = Render(RefreshValues());
  const YAML::Node config = YAML::Load(RenderedConfigText(objects));
  EXPECT_EQ(config["kafka"]["group_id"].as<std::string>(), "pinsync-prod");
  EXPECT_EQ(config["kafka"]["topics"].size(), 2u);
  EXPECT_EQ(config["kafka"]["properties"]["security.protocol"].as<std::string>(), "SASL_SSL");
  EXPECT_EQ(config["kafka"]["properties"]["sasl.username"].as<std::string>(), "pinsync");
  EXPECT_EQ(config["pinterest"]["ad_account_id"].as<std::string>(), "549755885175");
  EXPECT_EQ(config["batching"]["max_age"].as<std::string>(), "1h");
  EXPECT_EQ(config["audiences"]["vip"]["batching"]["max_records"].as<int>(), 1000);
  EXPECT_EQ(config["audiences"]["vip"]["email_customer_list_id"].as<std::string>(), "1234567890");
  EXPECT_EQ(config["pinterest"]["token_store"].as<std::string>(), "/var/lib/pinsync/refresh-token");

  auto deployment = FindObject(objects, "Deployment");
  EXPECT_EQ(deployment["spec"]["replicas"].as<int>(), 3);

  // The rotated refresh token lives on the claim, mounted where token_store points.
  auto claim = FindObject(objects, "PersistentVolumeClaim");
  EXPECT_EQ(claim["spec"]["accessModes"][0].as<std::string>(), "ReadWriteMany");
  EXPECT_EQ(claim["spec"]["storageClassName"].as<std::string>(), "shared-nfs");
  EXPECT_EQ(claim["metadata"]["annotations"]["helm.sh/resource-policy"].as<std::string>(), "keep");
  EXPECT_EQ(Volume(objects, "token-store")["persistentVolumeClaim"]["claimName"].as<std::string>(),
            claim["metadata"]["name"].as<std::string>());
  EXPECT_EQ(Mount(Container(objects), "token-store")["mountPath"].as<std::string>(),
            "/var/lib/pinsync");
}

TEST_F(HelmChartTest, RefreshFlowCredentialsComeFromTheExistingSecret) {
  auto objects = Render(RefreshValues());
  const YAML::Node container = Container(objects);
  for (const char* name : {"PINTEREST_APP_ID", "PINTEREST_APP_SECRET", "PINTEREST_REFRESH_TOKEN"}) {
    const YAML::Node env = Env(container, name);
    ASSERT_TRUE(env.IsMap()) << name << " missing";
    EXPECT_EQ(env["valueFrom"]["secretKeyRef"]["name"].as<std::string>(), "pinsync-pinterest")
        << name;
    EXPECT_EQ(env["valueFrom"]["secretKeyRef"]["key"].as<std::string>(), name);
  }
  EXPECT_FALSE(Env(container, "PINTEREST_ACCESS_TOKEN").IsMap())
      << "the refresh flow has no static token";
  const YAML::Node sasl = Env(container, "PINSYNC_KAFKA__PROPERTIES__SASL_PASSWORD");
  ASSERT_TRUE(sasl.IsMap());
  EXPECT_EQ(sasl["valueFrom"]["secretKeyRef"]["name"].as<std::string>(), "pinsync-kafka");
  EXPECT_EQ(sasl["valueFrom"]["secretKeyRef"]["key"].as<std::string>(), "KAFKA_SASL_PASSWORD");
}

TEST_F(HelmChartTest, AccessTokenFlowReadsTheTokenFromTheSecret) {
  auto objects = Render("--set auth.existingSecret=pinterest-token");
  const YAML::Node env = Env(Container(objects), "PINTEREST_ACCESS_TOKEN");
  ASSERT_TRUE(env.IsMap());
  EXPECT_EQ(env["valueFrom"]["secretKeyRef"]["name"].as<std::string>(), "pinterest-token");
  EXPECT_FALSE(Env(Container(objects), "PINTEREST_REFRESH_TOKEN").IsMap());
  EXPECT_EQ(CountObjects(objects, "PersistentVolumeClaim"), 0);
  EXPECT_FALSE(Volume(objects, "token-store").IsMap());
}

TEST_F(HelmChartTest, FileModeMountsTheSecretAndPointsConfigAtTheFiles) {
  auto objects = Render(RefreshValues() + " --set auth.mountAs=file");
  const YAML::Node container = Container(objects);
  EXPECT_FALSE(Env(container, "PINTEREST_APP_SECRET").IsMap());
  EXPECT_FALSE(Env(container, "PINTEREST_REFRESH_TOKEN").IsMap());
  EXPECT_TRUE(Env(container, "PINTEREST_APP_ID").IsMap())
      << "the app id is not secret and has no file key";
  EXPECT_EQ(Volume(objects, "pinterest-secret")["secret"]["secretName"].as<std::string>(),
            "pinsync-pinterest");
  // uid 10001 reads the files through the pod's fsGroup: the mode must let the group read.
  // Kubernetes reads a leading-zero mode as octal (YAML 1.1).
  const std::string mode_text =
      Volume(objects, "pinterest-secret")["secret"]["defaultMode"].as<std::string>();
  const int mode = std::stoi(mode_text, nullptr, mode_text.starts_with("0") ? 8 : 10);
  EXPECT_EQ(mode & 040, 040) << mode_text;
  EXPECT_EQ(mode & 07, 0) << mode_text;
  const YAML::Node mount = Mount(container, "pinterest-secret");
  EXPECT_EQ(mount["mountPath"].as<std::string>(), "/etc/pinsync/secrets");
  EXPECT_TRUE(mount["readOnly"].as<bool>());
  const YAML::Node config = YAML::Load(RenderedConfigText(objects));
  EXPECT_EQ(config["pinterest"]["app_secret_file"].as<std::string>(),
            "/etc/pinsync/secrets/PINTEREST_APP_SECRET");
  EXPECT_EQ(config["pinterest"]["refresh_token_file"].as<std::string>(),
            "/etc/pinsync/secrets/PINTEREST_REFRESH_TOKEN");
}

TEST_F(HelmChartTest, RefreshFlowWithoutPersistenceUsesAnEmptyDir) {
  auto objects = Render(RefreshValues() + " --set tokenStore.persistence.enabled=false");
  EXPECT_EQ(CountObjects(objects, "PersistentVolumeClaim"), 0);
  EXPECT_TRUE(Volume(objects, "token-store")["emptyDir"].IsMap());
}

TEST_F(HelmChartTest, NoSecretValueEverReachesTheManifests) {
  for (const std::string& args :
       {std::string(""), RefreshValues(), RefreshValues() + " --set auth.mountAs=file",
        std::string("--set auth.existingSecret=s")}) {
    CommandResult r = HelmTemplate(*helm_, args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto objects = ParseManifests(r.output);
    EXPECT_EQ(CountObjects(objects, "Secret"), 0) << args;
    for (const YAML::Node& env : Container(objects)["env"]) {
      const std::string name = env["name"].as<std::string>();
      if (name.starts_with("PINTEREST_") || name.starts_with("PINSYNC_KAFKA__PROPERTIES__")) {
        EXPECT_FALSE(env["value"]) << name << " has a literal value";
        EXPECT_TRUE(env["valueFrom"]["secretKeyRef"]) << name << " is not a secret reference";
      }
    }
    const YAML::Node pinterest = YAML::Load(RenderedConfigText(objects))["pinterest"];
    for (const char* key : {"access_token", "app_secret", "refresh_token"}) {
      EXPECT_FALSE(pinterest[key]) << key << " in the ConfigMap with " << args;
    }
  }
}

TEST_F(HelmChartTest, SecretsInValuesAreRefused) {
  const std::string token = "pina_TOKENVALUE1234567890";
  for (const char* set : {"config.pinterest.access_token=", "config.pinterest.refresh_token=",
                          "config.kafka.properties.sasl\\.password="}) {
    CommandResult r = HelmTemplate(*helm_, "--set " + ShellQuote(set + token));
    EXPECT_NE(r.exit_code, 0) << set << " was accepted:\n" << r.output;
    EXPECT_NE(r.output.find("Secret"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(token), std::string::npos) << "the error echoes the secret";
  }
}

TEST_F(HelmChartTest, SchemaRejectsMisspelledKeysAndBadValues) {
  struct Case {
    const char* args;
    const char* complaint;
  };
  for (const Case& c :
       {Case{"--set replicas=3", "replicas"}, Case{"--set auth.flow=oauth", "auth.flow"},
        Case{"--set auth.mountAs=volume", "auth.mountAs"},
        Case{"--set-string config.pinterest.ad_account_id=act_123", "ad_account_id"},
        Case{"--set config.pinterest.ad_account_id=549755885175", "ad_account_id"},
        Case{"--set metrics.port=70000", "metrics.port"},
        Case{"--set networkPolicy.kafka.ports[0]=0", "networkPolicy.kafka.ports"},
        Case{"--set 'networkPolicy.kafka.cidrs={kafka.local}'", "networkPolicy.kafka.cidrs"},
        Case{"--set networkPolicy.egress=[]", "egress"},
        Case{"--set-string keda.lagThreshold=lots", "keda.lagThreshold"},
        Case{"--set keda.maxReplicaCount=0", "keda.maxReplicaCount"},
        Case{"--set topologySpread.whenUnsatisfiable=Maybe", "whenUnsatisfiable"}}) {
    CommandResult r = HelmTemplate(*helm_, c.args);
    EXPECT_NE(r.exit_code, 0) << c.args << " was accepted";
    EXPECT_NE(r.output.find(c.complaint), std::string::npos) << c.args << ":\n" << r.output;
  }
  // A numeric id passed as a string is what the schema wants.
  auto objects = Render("--set-string config.pinterest.ad_account_id=549755885175");
  EXPECT_EQ(YAML::Load(RenderedConfigText(objects))["pinterest"]["ad_account_id"].as<std::string>(),
            "549755885175");
}

TEST_F(HelmChartTest, PodRunsPinsyncAsNonRootWithProbesOnTheMetricsPort) {
  auto objects = Render("--set replicaCount=4");
  auto pod = FindObject(objects, "Deployment")["spec"]["template"]["spec"];
  EXPECT_EQ(FindObject(objects, "Deployment")["spec"]["replicas"].as<int>(), 4);
  EXPECT_EQ(pod["terminationGracePeriodSeconds"].as<int>(), 30);
  EXPECT_FALSE(pod["automountServiceAccountToken"].as<bool>());
  EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_NE(pod["securityContext"]["runAsUser"].as<int>(), 0);

  const YAML::Node container = pod["containers"][0];
  std::string command;
  for (const YAML::Node& part : container["command"]) command += part.as<std::string>() + " ";
  for (const YAML::Node& part : container["args"]) command += part.as<std::string>() + " ";
  EXPECT_EQ(command, "pinsync run -c /etc/pinsync/pinsync.yaml ");
  EXPECT_EQ(Mount(container, "config")["mountPath"].as<std::string>(), "/etc/pinsync/pinsync.yaml");

  EXPECT_TRUE(container["securityContext"]["readOnlyRootFilesystem"].as<bool>());
  EXPECT_FALSE(container["securityContext"]["allowPrivilegeEscalation"].as<bool>());
  EXPECT_EQ(container["securityContext"]["capabilities"]["drop"][0].as<std::string>(), "ALL");
  EXPECT_EQ(Mount(container, "tmp")["mountPath"].as<std::string>(), "/tmp") << "writable /tmp";

  EXPECT_EQ(container["ports"][0]["name"].as<std::string>(), "metrics");
  EXPECT_EQ(container["ports"][0]["containerPort"].as<int>(), 9464);
  for (const char* probe : {"livenessProbe", "readinessProbe"}) {
    EXPECT_EQ(container[probe]["httpGet"]["port"].as<std::string>(), "metrics") << probe;
  }
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz")
      << "ready is not alive: joined the group and credentials accepted";
  EXPECT_TRUE(container["resources"]["requests"]["memory"]);
  EXPECT_TRUE(container["resources"]["limits"]["memory"]);
}

TEST_F(HelmChartTest, ConfigChangeRollsThePods) {
  auto checksum = [](const std::vector<YAML::Node>& objects) {
    return FindObject(
               objects,
               "Deployment")["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        .as<std::string>("");
  };
  const std::string base = checksum(Render(""));
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(checksum(Render("")), base) << "rendering is deterministic";
  EXPECT_NE(checksum(Render("--set config.batching.max_records=5000")), base);
  EXPECT_NE(checksum(Render("--set metrics.port=9500")), base);
}

TEST_F(HelmChartTest, MetricsPortFollowsValuesEverywhere) {
  auto objects = Render("--set metrics.port=9500");
  EXPECT_EQ(YAML::Load(RenderedConfigText(objects))["metrics"]["listen"].as<std::string>(),
            "0.0.0.0:9500");
  EXPECT_EQ(Container(objects)["ports"][0]["containerPort"].as<int>(), 9500);
}

TEST_F(HelmChartTest, ShutdownTimeoutMustEndBeforeTheGracePeriod) {
  CommandResult r = HelmTemplate(*helm_, "--set shutdownTimeoutSeconds=30");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("terminationGracePeriodSeconds"), std::string::npos) << r.output;
  auto objects = Render("--set shutdownTimeoutSeconds=50 --set terminationGracePeriodSeconds=60");
  EXPECT_EQ(YAML::Load(RenderedConfigText(objects))["shutdown"]["timeout"].as<std::string>(),
            "50s");
}

TEST_F(HelmChartTest, MonitoringObjectsUseTheShippedRulesAndDashboard) {
  auto objects = Render(RefreshValues());
  auto monitor = FindObject(objects, "ServiceMonitor");
  auto service = FindObject(objects, "Service");
  EXPECT_EQ(monitor["metadata"]["labels"]["release"].as<std::string>(), "prometheus");
  EXPECT_EQ(monitor["spec"]["endpoints"][0]["port"].as<std::string>(), "metrics");
  EXPECT_EQ(monitor["spec"]["endpoints"][0]["path"].as<std::string>(), "/metrics");
  // The rules select job="pinsync": the job label comes from the Service's name label.
  const std::string job_label = monitor["spec"]["jobLabel"].as<std::string>();
  EXPECT_EQ(service["metadata"]["labels"][job_label].as<std::string>(), "pinsync");
  for (const auto& kv : monitor["spec"]["selector"]["matchLabels"]) {
    EXPECT_EQ(service["metadata"]["labels"][kv.first.as<std::string>()].as<std::string>(""),
              kv.second.as<std::string>());
  }

  const YAML::Node shipped =
      YAML::LoadFile((SourceDir() / "deploy/prometheus/pinsync-rules.yml").string());
  const YAML::Node groups = FindObject(objects, "PrometheusRule")["spec"]["groups"];
  ASSERT_EQ(groups.size(), shipped["groups"].size());
  for (size_t i = 0; i < groups.size(); ++i) {
    EXPECT_EQ(groups[i]["name"].as<std::string>(), shipped["groups"][i]["name"].as<std::string>());
    EXPECT_EQ(groups[i]["rules"].size(), shipped["groups"][i]["rules"].size());
  }

  const std::string dashboard =
      FindObject(objects, "ConfigMap", "pinsync-test-dashboard")["data"]["pinsync-dashboard.json"]
          .as<std::string>("");
  std::string expected = ReadFile(SourceDir() / "deploy/grafana/pinsync-dashboard.json");
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(dashboard, expected);
}

TEST_F(HelmChartTest, ChartCopiesOfRulesAndDashboardMatchTheirSources) {
  const auto root = SourceDir();
  EXPECT_EQ(ReadFile(root / "deploy/helm/pinsync/files/pinsync-rules.yml"),
            ReadFile(root / "deploy/prometheus/pinsync-rules.yml"))
      << "cp deploy/prometheus/pinsync-rules.yml deploy/helm/pinsync/files/";
  EXPECT_EQ(ReadFile(root / "deploy/helm/pinsync/files/pinsync-dashboard.json"),
            ReadFile(root / "deploy/grafana/pinsync-dashboard.json"))
      << "cp deploy/grafana/pinsync-dashboard.json deploy/helm/pinsync/files/";
}

}  // namespace
}  // namespace pinsync::deploy_test
