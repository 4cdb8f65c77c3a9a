// RestStream: a chorus::Stream that reads a JSON web API, page by page. Names follow the Meltano
// SDK's RESTStream (url_base, path, records_jsonpath, primary_keys, replication_key,
// get_url_params, post_process...).
//
// A stream is declared with a RestStreamSpec; the virtual hooks cover what a declaration cannot
// say (computed parameters, record clean-up). Incremental streams pass their bookmark to the API
// in a query parameter and keep the greatest replication-key value they saw as the new bookmark,
// in the Singer shape {"replication_key": ..., "replication_key_value": ...}. Date-times are
// compared as instants and stored in one canonical UTC form (bookmark.h).
//
// Pagination stops at the first page without records, or when the paginator finds no next page.
// A page requested twice (a cycling cursor, a next link back to the same page, compared without
// credentials) and more than max_pages pages are errors (page_guard.h), never a loop.
//
// Without a declared schema, a sync infers the SCHEMA from the first page it reads (no page is
// fetched twice); discovery fetches the first page of each stream (discover_schema()).
//
// Parent-child streams (the Meltano SDK's parent_stream_type): a child stream is read once per
// record of its parent (set_parent()), in one "partition" per parent record. Its spec's `context`
// names values taken from the parent record; they fill {name} placeholders in the child's path,
// are added to each child record that lacks them, and key the child's bookmarks in the Meltano
// shape {"partitions": [{"context": {...}, "replication_key": ..., "replication_key_value": ...}]}.
// The child reads its parent's pages itself (with the parent's post_process, without the
// parent's bookmark), whether or not the parent is selected.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/http/auth.h"
#include "chorus/http/bookmark.h"
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
  // More pages than this in one sync are an error (the API links on without end); 0: no bound.
  std::size_t max_pages = 100000;
  // A records_path that the first page does not have is an error (a wrong path would otherwise
  // read nothing and succeed); true reads it as "no records", for APIs that leave it out then.
  bool allow_empty = false;
  // Child streams: context name -> the parent record's property it is taken from
  // ({"user_id": "id"} for a path "/users/{user_id}/orders"). Empty: not a child stream.
  std::map<std::string, std::string> context;
  // The name of the parent stream, for the tap that wires the streams (set_parent()).
  std::string parent_stream;
};

class RestStream : public chorus::Stream {
 public:
  // `client` and `authenticator` (may be null) are shared by a tap's streams and must outlive
  // the stream.
  RestStream(RestStreamSpec spec, HttpClient &client, Authenticator *authenticator);

  std::string name() const override { return spec_.name; }
  // The schema discover_schema() found, else the declared one, else an object schema without
  // properties (a sync then announces the schema it infers from its first page).
  nlohmann::json schema() const override;
  // Fetches the first page and infers the schema from its records (the declared one when there
  // is one), with a child stream's context properties; schema() returns it from then on.
  nlohmann::json discover_schema();
  // Own schema when it is inferred, or when a child's context properties are added to it.
  bool writes_own_schema() const override {
    return spec_.schema.is_null() || !spec_.context.empty();
  }
  // Makes this a child stream of `parent`, which must outlive it.
  void set_parent(const RestStream *parent) { parent_ = parent; }
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
  struct Page {
    HttpResponse response;
    nlohmann::json body;
    nlohmann::json records;
  };
  // Sends the request of page `page`, authenticated (once more after a 401 the authenticator
  // can cure), retries a body cut short, and parses it. Errors name the stream and the page.
  Page read_page(const HttpRequest &request, std::size_t page) const;
  HttpResponse send(const HttpRequest &request) const;
  // Reads the pages of one partition (context null for a stream without parent), from `bookmark`
  // (null: from the start), calling `on_page` with each page's post-processed records, context
  // fields added. `on_page` returns false to stop reading. Returns true when the last page was
  // read, false when on_page or a stop request ended the reading early.
  bool read_partition(const nlohmann::json &bookmark, const nlohmann::json &context,
                      const std::function<bool(Page &)> &on_page) const;
  // Calls `on_record` with every post-processed record of every partition, unfiltered; false
  // stops. How a child stream sees its parent.
  void for_each_record(const std::function<bool(const nlohmann::json &)> &on_record) const;
  // Calls `on_context` with the context of each partition: once with null for a stream without
  // parent, else once per parent record.
  void for_each_context(const std::function<bool(const nlohmann::json &)> &on_context) const;
  nlohmann::json context_of(const nlohmann::json &parent_record) const;
  RestStreamSpec spec_;
  HttpClient &client_;
  Authenticator *authenticator_;
  const RestStream *parent_ = nullptr;
  nlohmann::json discovered_schema_;
};

// Writes `record` as a RECORD of `stream`, leaving out the properties in `deselected`.
// Numbers keep nlohmann's round-trip text; nested objects and arrays are written as JSON.
void write_json_record(chorus::singer::MessageWriter &out, const std::string &stream,
                       const nlohmann::json &record, const std::vector<std::string> &deselected,
                       std::string_view time_extracted);

}  // namespace chorus::http
