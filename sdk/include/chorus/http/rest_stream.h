// RestStream: a chorus::Stream that reads a JSON web API, page by page. Names follow the Meltano
// SDK's RESTStream (url_base, path, records_jsonpath, primary_keys, replication_key,
// get_url_params, post_process...).
//
// A stream is declared with a RestStreamSpec; the virtual hooks cover what a declaration cannot
// say (computed parameters, record clean-up). Incremental streams pass their bookmark to the API
// in a query parameter and keep the greatest replication-key value they saw as the new bookmark,
// in the Singer shape {"replication_key": ..., "replication_key_value": ...}.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/http/auth.h"
#include "chorus/http/client.h"
#include "chorus/http/paginator.h"
#include "chorus/http/records.h"
#include "chorus/plugin/tap.h"

namespace chorus::http {

struct RestStreamSpec {
  std::string name;
  std::string url_base;                        // "https://api.example.com/v1"
  std::string path;                            // "/orders"; appended to url_base
  std::map<std::string, std::string> params;   // query parameters of every first page
  std::map<std::string, std::string> headers;  // extra request headers
  std::string records_path = "$[*]";           // JSONPath or JSON pointer (records.h)
  std::vector<std::string> primary_keys;
  std::string replication_key;  // property; empty for a full-table stream
  // Query parameter that receives the bookmark ("updated_since"); empty: the bookmark is not
  // sent, and records older than it are only filtered out on arrival.
  std::string replication_param;
  // First bookmark when the state has none ("start_date"); empty: from the beginning.
  std::string start_value;
  // The API returns records in ascending replication-key order, so a STATE after every page is
  // safe. When false, the bookmark is written only once the stream is complete.
  bool is_sorted = false;
  nlohmann::json pagination;  // make_paginator() config; null: one page
  nlohmann::json schema;      // JSON Schema; null: inferred from the first page
};

class RestStream : public chorus::Stream {
 public:
  // `client` and `authenticator` (may be null) are shared by a tap's streams and must outlive
  // the stream.
  RestStream(RestStreamSpec spec, HttpClient &client, Authenticator *authenticator);

  std::string name() const override { return spec_.name; }
  // The declared schema, or one inferred from the first page (fetched once, then cached).
  nlohmann::json schema() const override;
  std::vector<std::string> key_properties() const override { return spec_.primary_keys; }
  std::vector<std::string> replication_keys() const override;
  void sync(chorus::StreamSync &sync) override;

  const RestStreamSpec &spec() const { return spec_; }

 protected:
  // The first page's request; `bookmark` is the replication-key value to resume from, or null.
  // Default: url_base + path, spec params, replication_param=bookmark, spec headers,
  // Accept: application/json.
  virtual HttpRequest prepare_request(const nlohmann::json &bookmark) const;
  // The paginator of one sync. Default: make_paginator(spec().pagination).
  virtual std::unique_ptr<Paginator> new_paginator() const;
  // The records of one page. Default: extract_records(body, spec().records_path).
  virtual nlohmann::json parse_response(const HttpResponse &response,
                                        const nlohmann::json &body) const;
  // Cleans one record up (rename, flatten, add a field); nullopt drops it. Default: unchanged.
  virtual std::optional<nlohmann::json> post_process(nlohmann::json record) const;

  HttpClient &client() const { return client_; }
  Authenticator *authenticator() const { return authenticator_; }

 private:
  HttpResponse fetch(HttpRequest request, std::size_t page) const;
  RestStreamSpec spec_;
  HttpClient &client_;
  Authenticator *authenticator_;
  mutable nlohmann::json inferred_schema_;
};

// Writes `record` as a RECORD of `stream`, leaving out the properties in `deselected`.
// Numbers keep nlohmann's round-trip text; nested objects and arrays are written as JSON.
void write_json_record(chorus::singer::MessageWriter &out, const std::string &stream,
                       const nlohmann::json &record, const std::vector<std::string> &deselected,
                       std::string_view time_extracted);

// Orders two replication-key values: numbers numerically, anything else by its text (ISO 8601
// timestamps of one format sort correctly as text). True when `a` comes before `b`.
bool replication_value_less(const nlohmann::json &a, const nlohmann::json &b);

}  // namespace chorus::http
