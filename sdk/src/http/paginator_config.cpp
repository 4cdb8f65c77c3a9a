// The "pagination" config object, turned into a Paginator.
#include "chorus/http/paginator.h"
#include "chorus/http/records.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

class PaginationSettings {
 public:
  PaginationSettings(const nlohmann::json &config, std::string type)
      : config_(config), type_(std::move(type)) {}

  std::string text(const char *key, const char *fallback) {
    known_.emplace_back(key);
    auto found = config_.find(key);
    if (found == config_.end() || found->is_null()) {
      if (fallback) return fallback;
      throw ConfigError("pagination type '" + type_ + "' needs pagination." + key);
    }
    if (!found->is_string())
      throw ConfigError(std::string("pagination.") + key + " must be a string");
    return found->get<std::string>();
  }
  long integer(const char *key, long fallback) {
    known_.emplace_back(key);
    auto found = config_.find(key);
    if (found == config_.end() || found->is_null()) return fallback;
    if (!found->is_number_integer() || found->get<long>() < 0) {
      throw ConfigError(std::string("pagination.") + key + " must be a non-negative integer");
    }
    return found->get<long>();
  }
  // Call after reading every key: anything else in the object is a mistake.
  void reject_unknown() const {
    for (const auto &item : config_.items()) {
      if (item.key() == "type") continue;
      bool listed = false;
      for (const std::string &name : known_) listed = listed || item.key() == name;
      if (!listed) {
        throw ConfigError("unknown setting pagination." + item.key() + " for pagination type '" +
                          type_ + "'");
      }
    }
  }

 private:
  const nlohmann::json &config_;
  std::string type_;
  std::vector<std::string> known_;
};

}  // namespace

std::unique_ptr<Paginator> make_paginator(const nlohmann::json &pagination) {
  if (pagination.is_null()) return std::make_unique<SinglePagePaginator>();
  if (!pagination.is_object() || !pagination.contains("type") || !pagination["type"].is_string()) {
    throw ConfigError(
        "pagination must be an object with a 'type' (none, next_url, link_header, "
        "page_number, offset or cursor)");
  }
  std::string type = pagination["type"].get<std::string>();
  PaginationSettings settings(pagination, type);
  std::unique_ptr<Paginator> paginator;
  if (type == "none") {
    paginator = std::make_unique<SinglePagePaginator>();
  } else if (type == "next_url") {
    paginator = std::make_unique<NextUrlPaginator>(settings.text("path", nullptr));
  } else if (type == "link_header") {
    paginator = std::make_unique<LinkHeaderPaginator>();
  } else if (type == "page_number") {
    std::string param = settings.text("param", "page");
    long start = settings.integer("start", 1);
    std::string size_param = settings.text("page_size_param", "");
    long size = settings.integer("page_size", 0);
    paginator = std::make_unique<PageNumberPaginator>(param, start, size_param,
                                                      static_cast<std::size_t>(size));
  } else if (type == "offset") {
    std::string offset_param = settings.text("offset_param", "offset");
    std::string limit_param = settings.text("limit_param", "limit");
    long limit = settings.integer("limit", 100);
    if (limit == 0) throw ConfigError("pagination.limit must be at least 1");
    std::string total_path = settings.text("total_path", "");
    if (!total_path.empty()) find_path(nlohmann::json(), total_path);  // a bad path fails here
    paginator = std::make_unique<OffsetPaginator>(offset_param, limit_param,
                                                  static_cast<std::size_t>(limit), total_path);
  } else if (type == "cursor") {
    std::string path = settings.text("path", nullptr);
    paginator = std::make_unique<CursorPaginator>(path, settings.text("param", "cursor"));
  } else {
    throw ConfigError("unknown pagination.type '" + type +
                      "'; use none, next_url, link_header, page_number, offset or cursor");
  }
  settings.reject_unknown();
  return paginator;
}

nlohmann::json paginator_settings_schema() {
  using nlohmann::json;
  return json{
      {"type", "object"},
      {"description", "How to reach the next page."},
      {"properties",
       {{"type",
         {{"type", "string"},
          {"enum", {"none", "next_url", "link_header", "page_number", "offset", "cursor"}}}},
        {"path",
         {{"type", "string"},
          {"description", "next_url/cursor: JSON pointer or JSONPath of the link or cursor."}}},
        {"param", {{"type", "string"}, {"description", "page_number/cursor: query parameter."}}},
        {"start", {{"type", "integer"}}},
        {"page_size_param", {{"type", "string"}}},
        {"page_size", {{"type", "integer"}}},
        {"offset_param", {{"type", "string"}}},
        {"limit_param", {{"type", "string"}}},
        {"limit", {{"type", "integer"}}},
        {"total_path",
         {{"type", "string"},
          {"description",
           "offset: JSON pointer or JSONPath of the total record count in the body; paging "
           "stops once the offset reaches it (otherwise at the first empty page)."}}}}},
      {"required", {"type"}},
      {"additionalProperties", false}};
}

}  // namespace chorus::http
