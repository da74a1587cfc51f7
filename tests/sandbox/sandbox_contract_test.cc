// Validates the sandbox's answers against the response schemas of
// docs/pinterest/openapi-v5-audiences.json with RapidJSON's draft-04 validator. The whole
// contract is the root document, so "#/components/schemas/..." references resolve in place;
// OpenAPI-only keywords are translated (nullable -> type array) or dropped (discriminator,
// example).
// Defining this (to anything) makes RapidJSON 1.1 use std::regex: its own regex lacks \d.
#define RAPIDJSON_SCHEMA_USE_INTERNALREGEX 0
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "sandbox/sandbox_fixture.h"

namespace pinsync::sandbox {
namespace {

using testing::JoinRecords;
using testing::Sha256Hex;
using testing::Sha256Hexes;

using Allocator = rapidjson::Document::AllocatorType;

// Rewrites OpenAPI 3.0 schema keywords into draft-04. `in_properties`: the object is a
// "properties" map, whose keys are field names, not keywords.
void ToDraft4(rapidjson::Value& value, Allocator& alloc, bool in_properties = false) {
  if (value.IsArray()) {
    for (auto& item : value.GetArray()) ToDraft4(item, alloc);
    return;
  }
  if (!value.IsObject()) return;
  if (!in_properties) {
    value.RemoveMember("discriminator");
    value.RemoveMember("example");
    // HasMember + operator[]: comparing RapidJSON 1.1 member iterators is ambiguous in C++20.
    if (value.HasMember("nullable")) {
      const bool is_nullable = value["nullable"].IsBool() && value["nullable"].GetBool();
      value.RemoveMember("nullable");
      if (is_nullable && value.HasMember("type") && value["type"].IsString()) {
        rapidjson::Value types(rapidjson::kArrayType);
        types.PushBack(rapidjson::Value(value["type"], alloc), alloc);
        types.PushBack("null", alloc);
        value["type"] = types;
      }
    }
  }
  for (rapidjson::SizeType m = 0; m < value.MemberCount(); ++m) {
    auto& member = *(value.MemberBegin() + m);
    const bool properties =
        !in_properties && std::string_view(member.name.GetString()) == "properties";
    ToDraft4(member.value, alloc, properties);
  }
}

class ContractSchemas {
 public:
  ContractSchemas() {
    std::ifstream in(std::string(PINSYNC_SOURCE_DIR) + "/docs/pinterest/openapi-v5-audiences.json");
    std::stringstream text;
    text << in.rdbuf();
    contract_.Parse(text.str().c_str());
    EXPECT_FALSE(contract_.HasParseError());
    ToDraft4(contract_, contract_.GetAllocator());
  }

  // The 200 schema of an operation, e.g. ("/ad_accounts/{ad_account_id}/customer_lists", "get").
  std::unique_ptr<rapidjson::SchemaDocument> Response(const char* path, const char* method,
                                                      const char* status = "200") {
    const auto& schema = contract_["paths"][path][method]["responses"][status]["content"]
                                  ["application/json"]["schema"];
    return Rooted(schema);
  }
  std::unique_ptr<rapidjson::SchemaDocument> Named(const char* name) {
    return Rooted(contract_["components"]["schemas"][name]);
  }

 private:
  // A document whose root is `schema` and which carries the contract's components, so its
  // "#/components/schemas/..." references resolve.
  std::unique_ptr<rapidjson::SchemaDocument> Rooted(const rapidjson::Value& schema) {
    auto doc = std::make_unique<rapidjson::Document>();
    doc->CopyFrom(schema, doc->GetAllocator());
    if (!doc->IsObject()) return nullptr;
    doc->AddMember("components", rapidjson::Value(contract_["components"], doc->GetAllocator()),
                   doc->GetAllocator());
    documents_.push_back(std::move(doc));
    return std::make_unique<rapidjson::SchemaDocument>(*documents_.back());
  }

  rapidjson::Document contract_;
  std::vector<std::unique_ptr<rapidjson::Document>> documents_;
};

// Empty when `json` satisfies the schema; otherwise where and which keyword failed.
std::string Violations(rapidjson::SchemaDocument& schema, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError()) return "not JSON: " + json;
  rapidjson::SchemaValidator validator(schema);
  if (doc.Accept(validator)) return "";
  rapidjson::StringBuffer where, document_where;
  validator.GetInvalidSchemaPointer().StringifyUriFragment(where);
  validator.GetInvalidDocumentPointer().StringifyUriFragment(document_where);
  return std::string("keyword '") + validator.GetInvalidSchemaKeyword() + "' at schema " +
         where.GetString() + ", document " + document_where.GetString() + " in " + json;
}

class SandboxContractTest : public testing::SandboxFixture {
 protected:
  void ExpectValid(rapidjson::SchemaDocument* schema, const httplib::Result& res, int status) {
    ASSERT_NE(schema, nullptr);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(Violations(*schema, res->body), "");
  }

  ContractSchemas schemas_;
};

constexpr const char* kLists = "/ad_accounts/{ad_account_id}/customer_lists";
constexpr const char* kList = "/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}";
constexpr const char* kAudiences = "/ad_accounts/{ad_account_id}/audiences";
constexpr const char* kAudience = "/ad_accounts/{ad_account_id}/audiences/{audience_id}";

TEST_F(SandboxContractTest, TheValidatorRejectsViolations) {
  // Guards the test itself: a schema that accepted everything would make the others vacuous.
  auto list = schemas_.Named("CustomerList");
  EXPECT_NE(Violations(*list, R"({"id": 643, "num_batches": "two"})"), "");
  auto error = schemas_.Named("Error");
  EXPECT_NE(Violations(*error, R"({"code": 400})"), "");
  auto audience = schemas_.Named("Audience");
  EXPECT_NE(Violations(*audience, R"({"id": "12a"})"), "");                      // pattern ^\d+$
  EXPECT_EQ(Violations(*audience, R"({"id": "12", "description": null})"), "");  // nullable
  auto page = schemas_.Response(kLists, "get");
  EXPECT_NE(Violations(*page, R"({"bookmark": null})"), "");        // items required
  EXPECT_NE(Violations(*page, R"({"items": [{"name": 5}]})"), "");  // item is a CustomerList
}

TEST_F(SandboxContractTest, CustomerListOperationsMatchTheirSchemas) {
  auto created = PostJson(ListsPath(), CreateListBody("l", JoinRecords(Sha256Hexes(0, 3))));
  ExpectValid(schemas_.Response(kLists, "post").get(), created, 200);
  const std::string id = Json(created->body)["id"].GetString();
  ExpectValid(schemas_.Response(kList, "get").get(), Get(ListsPath() + "/" + id), 200);
  ExpectValid(schemas_.Response(kList, "patch").get(),
              PatchJson(ListsPath() + "/" + id, UpdateBody("REMOVE", Sha256Hex(1))), 200);
  CreateList("second", {Sha256Hex(5)});
  auto page_schema = schemas_.Response(kLists, "get");
  ExpectValid(page_schema.get(), Get(ListsPath() + "?page_size=1"), 200);  // bookmark string
  ExpectValid(page_schema.get(), Get(ListsPath() + "?page_size=5"), 200);  // bookmark null
  ExpectValid(page_schema.get(), Get(ListsPath("999")), 200);              // empty
}

TEST_F(SandboxContractTest, AudienceOperationsMatchTheirSchemas) {
  const std::string list_id = CreateList("l", Sha256Hexes(0, 3));
  auto created =
      PostJson(AudiencesPath(),
               R"({"audience_type":"CUSTOMER_LIST","name":"a","rule":{"customer_list_id":")" +
                   list_id + R"("}})");
  ExpectValid(schemas_.Response(kAudiences, "post").get(), created, 200);
  const std::string id = Json(created->body)["id"].GetString();
  ExpectValid(schemas_.Response(kAudience, "get").get(), Get(AudiencesPath() + "/" + id), 200);
  ExpectValid(schemas_.Response(kAudiences, "get").get(), Get(AudiencesPath()), 200);
  ExpectValid(schemas_.Response(kAudiences, "get").get(),
              Get(AudiencesPath() + "?ownership_type=RECEIVED"), 200);
}

TEST_F(SandboxContractTest, OauthTokenResponsesMatchTheirSchema) {
  auto schema = schemas_.Response("/oauth/token", "post");
  ExpectValid(schema.get(), RefreshToken("r"), 200);
  SandboxOptions rotating;
  rotating.rotate_refresh_tokens = true;
  server_->Stop();
  StartSandbox(rotating);
  ExpectValid(schema.get(), RefreshToken("r"), 200);
}

TEST_F(SandboxContractTest, EveryRejectionMatchesTheErrorSchema) {
  auto error = schemas_.Response(kLists, "post", "default");
  ExpectValid(error.get(), PostJson(ListsPath(), "{"), 400);
  ExpectValid(error.get(), client_->Get(ListsPath().c_str()), 401);
  ExpectValid(error.get(), Get(ListsPath() + "/1"), 404);
  ExpectValid(error.get(), Get("/v5/unknown"), 404);
  ExpectValid(error.get(), client_->Delete(ListsPath().c_str(), Auth()), 405);
  ExpectValid(error.get(), client_->Post(ListsPath().c_str(), Auth(), "{}", "text/plain"), 415);
  FaultSpec faults;
  faults.forbid_account = "403";
  server_->SetFaults(faults);
  ExpectValid(error.get(), Get(ListsPath("403")), 403);
  faults = {};
  faults.rate_limit_per_minute = 1;
  server_->SetFaults(faults);
  ASSERT_TRUE(Get(ListsPath()));
  ExpectValid(error.get(), Get(ListsPath()), 429);
  faults = {};
  faults.error_rate = 1;
  server_->SetFaults(faults);
  auto injected = Get(ListsPath());
  ASSERT_TRUE(injected);
  ExpectValid(error.get(), injected, injected->status);
}

}  // namespace
}  // namespace pinsync::sandbox
