#pragma once
// An in-process sandbox on an ephemeral loopback port and an httplib client for it.

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>

#include "pinsync/sandbox/sandbox_server.h"
#include "sandbox/test_hashes.h"

namespace pinsync::sandbox::testing {

class SandboxFixture : public ::testing::Test {
 protected:
  void StartSandbox(SandboxOptions options = {}) {
    if (options.clock == nullptr) options.clock = &clock_;
    auto server = SandboxServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server.value());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_connection_timeout(5);
    client_->set_read_timeout(10);
  }
  void SetUp() override { StartSandbox(); }
  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
  }

  httplib::Headers Auth(const std::string& token = "test-token") const {
    return {{"Authorization", "Bearer " + token}};
  }
  httplib::Result PostJson(const std::string& path, const std::string& body,
                           const std::string& token = "test-token") {
    return client_->Post(path.c_str(), Auth(token), body, "application/json");
  }
  httplib::Result PatchJson(const std::string& path, const std::string& body,
                            const std::string& token = "test-token") {
    return client_->Patch(path.c_str(), Auth(token), body, "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& token = "test-token") {
    return client_->Get(path.c_str(), Auth(token));
  }
  // POST /v5/oauth/token with app:secret basic auth.
  httplib::Result RefreshToken(const std::string& refresh_token) {
    httplib::Headers headers = {{"Authorization", "Basic YXBwOnNlY3JldA=="}};  // app:secret
    return client_->Post("/v5/oauth/token", headers,
                         "grant_type=refresh_token&refresh_token=" + refresh_token,
                         "application/x-www-form-urlencoded");
  }

  static std::string ListsPath(const std::string& account = "123") {
    return "/v5/ad_accounts/" + account + "/customer_lists";
  }
  static std::string AudiencesPath(const std::string& account = "123") {
    return "/v5/ad_accounts/" + account + "/audiences";
  }
  static std::string CreateListBody(const std::string& name, const std::string& records,
                                    const std::string& list_type = "EMAIL") {
    return R"({"name":")" + name + R"(","list_type":")" + list_type + R"(","records":")" + records +
           "\"}";
  }
  static std::string UpdateBody(const std::string& op, const std::string& records) {
    return R"({"operation_type":")" + op + R"(","records":")" + records + "\"}";
  }
  static rapidjson::Document Json(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << body;
    return doc;
  }
  // Creates a list and returns its id.
  std::string CreateList(const std::string& name, const std::vector<std::string>& hexes,
                         const std::string& account = "123") {
    auto res = PostJson(ListsPath(account), CreateListBody(name, JoinRecords(hexes)));
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << res->body;
    auto doc = Json(res->body);
    return doc.IsObject() && doc.HasMember("id") ? doc["id"].GetString() : "";
  }
  // Asserts the contract's Error shape with code == status.
  static void ExpectError(const httplib::Result& res, int status) {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    auto doc = Json(res->body);
    ASSERT_TRUE(doc.IsObject()) << res->body;
    ASSERT_TRUE(doc.HasMember("code") && doc["code"].IsInt()) << res->body;
    EXPECT_EQ(doc["code"].GetInt(), status);
    ASSERT_TRUE(doc.HasMember("message") && doc["message"].IsString()) << res->body;
    EXPECT_GT(doc["message"].GetStringLength(), 0u);
  }

  ManualClock clock_;
  std::unique_ptr<SandboxServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace pinsync::sandbox::testing
