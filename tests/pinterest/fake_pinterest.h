#pragma once
// A small in-memory Pinterest for the engine's unit tests: customer lists with members,
// audiences, bookmark pagination, records validated like the real API (400 for a malformed
// hash or one listed in `bad_records`), and a `fault` hook that may answer first.

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pinterest/fake_transport.h"

namespace pinsync::pinterest::testing {

class FakePinterest {
 public:
  struct List {
    std::string id;
    std::string name;
    std::string list_type;
    std::set<std::string> members;
    // Pinterest's counters: every record sent counts (re-adds and removals of absent ones too).
    int64_t uploaded = 0;
    int64_t removed = 0;
    std::string Status() const { return members.size() >= 100 ? "READY" : "TOO_SMALL"; }
  };
  struct Audience {
    std::string id;
    std::string name;
    std::string list_id;
  };

  static constexpr const char* kBase = "http://fake.test/v5";

  std::map<std::string, std::vector<List>> lists;  // by ad account
  std::map<std::string, std::vector<Audience>> audiences;
  std::set<std::string> bad_records;
  std::function<std::optional<HttpResponse>(const HttpRequest&)> fault;
  std::function<bool(const HttpRequest&)> hold;  // true: leave the request unanswered for now
  std::vector<std::string> log;  // "METHOD path" of every request answered by the model
  int refreshes = 0;

  List* FindList(const std::string& account, const std::string& name) {
    for (auto& l : lists[account]) {
      if (l.name == name) return &l;
    }
    return nullptr;
  }
  std::string AddList(const std::string& account, const std::string& name) {
    List l{std::to_string(next_id_++), name, "EMAIL", {}};
    lists[account].push_back(l);
    return l.id;
  }

  std::optional<HttpResponse> operator()(const HttpRequest& request) {
    if (hold && hold(request)) return std::nullopt;
    if (fault) {
      if (auto r = fault(request)) return r;
    }
    std::string rest = request.url.substr(std::string(kBase).size());
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
      query = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    std::vector<std::string> parts;
    for (size_t i = 1, j; i <= rest.size(); i = j + 1) {
      j = rest.find('/', i);
      if (j == std::string::npos) j = rest.size();
      parts.push_back(rest.substr(i, j - i));
    }
    log.push_back(std::string(ToString(request.method)) + " " + rest);
    if (parts.size() == 2 && parts[0] == "oauth") {
      ++refreshes;
      return Answer(200, R"({"access_token":"fresh-)" + std::to_string(refreshes) +
                             R"(","token_type":"bearer","expires_in":3600,"scope":"ads:write"})");
    }
    if (parts.size() < 3 || parts[0] != "ad_accounts") return Answer(404, Error(404, "no route"));
    const std::string& account = parts[1];
    rapidjson::Document body;
    if (!request.body.empty()) body.Parse(request.body.c_str());
    if (parts[2] == "customer_lists" && parts.size() == 3) {
      if (request.method == HttpMethod::kGet) return ListPage(account, query);
      auto records = Records(body);
      if (!records) return Answer(400, Error(400, "bad records"));
      List l{
          std::to_string(next_id_++), body["name"].GetString(), body["list_type"].GetString(), {}};
      l.members.insert(records->begin(), records->end());
      l.uploaded = static_cast<int64_t>(records->size());
      lists[account].push_back(l);
      return Answer(200, R"({"id":")" + l.id + R"(","name":")" + l.name + R"("})");
    }
    if (parts[2] == "customer_lists" && parts.size() == 4) {
      List* list = nullptr;
      for (auto& l : lists[account]) {
        if (l.id == parts[3]) list = &l;
      }
      if (!list) return Answer(404, Error(404, "list not found"));
      auto records = Records(body);
      if (!records) return Answer(400, Error(400, "bad records"));
      std::string op = body["operation_type"].GetString();
      (op == "ADD" ? list->uploaded : list->removed) += static_cast<int64_t>(records->size());
      for (const auto& r : *records) {
        if (op == "ADD") {
          list->members.insert(r);
        } else {
          list->members.erase(r);
        }
      }
      return Answer(200, R"({"id":")" + list->id + R"("})");
    }
    if (parts[2] == "audiences" && parts.size() == 3) {
      if (request.method == HttpMethod::kGet) {
        std::string items;
        for (const auto& a : audiences[account]) {
          if (!items.empty()) items += ",";
          const List* target = nullptr;
          for (const auto& l : lists[account]) {
            if (l.id == a.list_id) target = &l;
          }
          const size_t size = target ? target->members.size() : 0;
          items += R"({"id":")" + a.id +
                   R"(","audience_type":"CUSTOMER_LIST","rule":{"customer_list_id":")" + a.list_id +
                   R"("},"status":")" + (size >= 100 ? "READY" : "TOO_SMALL") + R"(","size":)" +
                   std::to_string(size) + "}";
        }
        return Answer(200, R"({"items":[)" + items + R"(],"bookmark":null})");
      }
      Audience a{std::to_string(next_id_++), body["name"].GetString(),
                 body["rule"]["customer_list_id"].GetString()};
      audiences[account].push_back(a);
      return Answer(200, R"({"id":")" + a.id + R"("})");
    }
    return Answer(404, Error(404, "no route"));
  }

 private:
  static std::string Error(int code, const std::string& message) {
    return R"({"code":)" + std::to_string(code) + R"(,"message":")" + message + R"("})";
  }

  std::optional<std::vector<std::string>> Records(const rapidjson::Document& body) {
    if (!body.IsObject() || !body.HasMember("records")) return std::nullopt;
    std::string all = body["records"].GetString();
    std::vector<std::string> out;
    for (size_t i = 0, j; i <= all.size(); i = j + 1) {
      j = all.find(',', i);
      if (j == std::string::npos) j = all.size();
      std::string r = all.substr(i, j - i);
      if (r.size() != 32 && r.size() != 40 && r.size() != 64) return std::nullopt;
      if (bad_records.count(r)) return std::nullopt;
      out.push_back(r);
    }
    return out;
  }

  HttpResponse ListPage(const std::string& account, const std::string& query) {
    size_t page_size = 25, start = 0;
    for (size_t i = 0, j; i < query.size(); i = j + 1) {
      j = query.find('&', i);
      if (j == std::string::npos) j = query.size();
      std::string kv = query.substr(i, j - i);
      if (kv.starts_with("page_size=")) page_size = std::stoul(kv.substr(10));
      if (kv.starts_with("bookmark=")) start = std::stoul(kv.substr(9));
    }
    page_size = std::min(page_size, max_page_size);
    const auto& all = lists[account];
    std::string items;
    for (size_t i = start; i < all.size() && i < start + page_size; ++i) {
      if (!items.empty()) items += ",";
      items += R"({"id":")" + all[i].id + R"(","name":")" + all[i].name + R"(","status":")" +
               all[i].Status() + R"(","num_uploaded_user_records":)" +
               std::to_string(all[i].uploaded) + R"(,"num_removed_user_records":)" +
               std::to_string(all[i].removed) + "}";
    }
    std::string bookmark =
        start + page_size < all.size() ? "\"" + std::to_string(start + page_size) + "\"" : "null";
    return Answer(200, R"({"items":[)" + items + R"(],"bookmark":)" + bookmark + "}");
  }

 public:
  size_t max_page_size = 250;

 private:
  uint64_t next_id_ = 1000;
};

}  // namespace pinsync::pinterest::testing
