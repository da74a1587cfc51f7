#include "pinsync/demo/schema_registry_server.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace pinsync::demo {
namespace {

constexpr const char* kContentType = "application/vnd.schemaregistry.v1+json";

// {"<name>": <value>} with the value escaped as JSON.
template <typename Write>
std::string JsonObject(Write write) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  write(writer);
  writer.EndObject();
  return buffer.GetString();
}

void Fail(httplib::Response& res, int status, int error_code, const std::string& message) {
  res.status = status;
  res.set_content(JsonObject([&](auto& w) {
                    w.Key("error_code");
                    w.Int(error_code);
                    w.Key("message");
                    w.String(message.c_str());
                  }),
                  kContentType);
}

}  // namespace

struct SchemaRegistryServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::map<int32_t, std::string> by_id;  // ids from 1, in registration order
  std::map<std::string, int32_t> id_of;  // the same schema registered again keeps its id

  void Register(const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document body;
    body.Parse(req.body.data(), req.body.size());
    if (body.HasParseError() || !body.IsObject() || !body.HasMember("schema") ||
        !body["schema"].IsString()) {
      Fail(res, 422, 42201, "the body must be {\"schema\": \"<Avro schema JSON>\"}");
      return;
    }
    rapidjson::Document schema;
    const std::string text(body["schema"].GetString(), body["schema"].GetStringLength());
    schema.Parse(text.data(), text.size());
    if (schema.HasParseError()) {
      Fail(res, 422, 42201, "the schema is not JSON");
      return;
    }
    std::lock_guard lock(mu);
    auto [it, added] = id_of.emplace(text, static_cast<int32_t>(by_id.size() + 1));
    if (added) by_id[it->second] = text;
    const int32_t id = it->second;
    res.set_content(JsonObject([id](auto& w) {
                      w.Key("id");
                      w.Int(id);
                    }),
                    kContentType);
  }

  void Serve(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    auto it = by_id.find(static_cast<int32_t>(std::stol(req.matches[1])));
    if (it == by_id.end()) {
      Fail(res, 404, 40403, "Schema not found");
      return;
    }
    const std::string& schema = it->second;
    res.set_content(JsonObject([&schema](auto& w) {
                      w.Key("schema");
                      w.String(schema.data(), static_cast<rapidjson::SizeType>(schema.size()));
                    }),
                    kContentType);
  }
};

Result<std::unique_ptr<SchemaRegistryServer>> SchemaRegistryServer::Start() {
  auto impl = std::make_unique<Impl>();
  Impl* raw = impl.get();
  raw->server.Post(
      R"(/subjects/([^/]+)/versions)",
      [raw](const httplib::Request& req, httplib::Response& res) { raw->Register(req, res); });
  // At most 9 digits: every id it issues fits, and std::stol cannot overflow.
  raw->server.Get(
      R"(/schemas/ids/(\d{1,9}))",
      [raw](const httplib::Request& req, httplib::Response& res) { raw->Serve(req, res); });
  raw->port = raw->server.bind_to_any_port("127.0.0.1");
  if (raw->port <= 0) {
    return MakeError(
        "schema registry: cannot listen on 127.0.0.1 (no ephemeral port could be bound)");
  }
  raw->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // stop() only acts once the accept loop runs, so wait for it (bounded: about 5 s).
  for (int i = 0; i < 5000 && !raw->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<SchemaRegistryServer>(new SchemaRegistryServer(std::move(impl)));
}

SchemaRegistryServer::SchemaRegistryServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SchemaRegistryServer::~SchemaRegistryServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string SchemaRegistryServer::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

Result<int32_t> RegisterSchema(const std::string& url, const std::string& subject,
                               std::string_view schema) {
  httplib::Client client(url);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  const std::string body = JsonObject([schema](auto& w) {
    w.Key("schema");
    w.String(schema.data(), static_cast<rapidjson::SizeType>(schema.size()));
  });
  auto res = client.Post("/subjects/" + subject + "/versions", body, kContentType);
  if (!res) {
    return MakeError("schema registry at " + url +
                     ": registering a schema failed: " + httplib::to_string(res.error()));
  }
  rapidjson::Document answer;
  answer.Parse(res->body.data(), res->body.size());
  if (res->status != 200 || answer.HasParseError() || !answer.IsObject() ||
      !answer.HasMember("id") || !answer["id"].IsInt()) {
    return MakeError("schema registry at " + url + ": registering under subject " + subject +
                     " answered HTTP " + std::to_string(res->status) + " without an id");
  }
  return static_cast<int32_t>(answer["id"].GetInt());
}

}  // namespace pinsync::demo
