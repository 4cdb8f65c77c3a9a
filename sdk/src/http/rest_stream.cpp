#include "chorus/http/rest_stream.h"

#include <cstdio>
#include <optional>

#include "chorus/http/exact_json.h"
#include "chorus/http/page_guard.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"

namespace chorus::http {
namespace {

std::string as_parameter(const nlohmann::json &value) {
  return value.is_string() ? value.get<std::string>() : exact_dump(value);
}

// Re-throws `error` (one of the SDK's error kinds) with `prefix` before its message.
[[noreturn]] void rethrow_with(const std::string &prefix) {
  try {
    throw;
  } catch (const ConfigError &error) {
    throw ConfigError(prefix + error.what());
  } catch (const RetryableError &error) {
    throw RetryableError(prefix + error.what());
  } catch (const FatalError &error) {
    throw FatalError(prefix + error.what());
  }
}

// The top-level keys of a body, for a message about a records path that matches nothing.
std::string top_level_keys(const nlohmann::json &body) {
  if (!body.is_object())
    return std::string("the body is ") + (body.is_null() ? "empty" : body.type_name());
  std::string keys;
  for (const auto &item : body.items()) keys += (keys.empty() ? "" : ", ") + item.key();
  return "its top-level keys: " + (keys.empty() ? std::string("none") : keys);
}

// `schema` with a property for each context value it lacks, typed by the value.
nlohmann::json with_context(nlohmann::json schema, const nlohmann::json &context) {
  if (!context.is_object() || context.empty()) return schema;
  nlohmann::json sample = nlohmann::json::array({context});
  nlohmann::json context_schema = infer_schema(sample);
  for (const auto &[name, property] : context_schema["properties"].items()) {
    if (!schema["properties"].contains(name)) schema["properties"][name] = property;
  }
  return schema;
}

// The partition entry of `context` in a child stream's bookmark, or nullptr.
const nlohmann::json *partition_of(const nlohmann::json &bookmark, const nlohmann::json &context) {
  if (!bookmark.is_object() || !bookmark.contains("partitions")) return nullptr;
  for (const auto &entry : bookmark["partitions"]) {
    if (entry.is_object() && entry.value("context", nlohmann::json()) == context) return &entry;
  }
  return nullptr;
}

// Replaces (or adds) the partition entry with the context of `entry`.
void set_partition(nlohmann::json &bookmark, nlohmann::json entry) {
  if (!bookmark.is_object()) bookmark = nlohmann::json::object();
  nlohmann::json &partitions = bookmark["partitions"];
  if (!partitions.is_array()) partitions = nlohmann::json::array();
  for (auto &existing : partitions) {
    if (existing.is_object() && existing.value("context", nlohmann::json()) == entry["context"]) {
      existing = std::move(entry);
      return;
    }
  }
  partitions.push_back(std::move(entry));
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

}  // namespace

RestStream::RestStream(RestStreamSpec spec, HttpClient &client, Authenticator *authenticator)
    : spec_(std::move(spec)), client_(client), authenticator_(authenticator) {
  if (spec_.name.empty()) throw ConfigError("a REST stream needs a name");
  // Every {placeholder} of the path must be a context value.
  for (auto open = spec_.path.find('{'); open != std::string::npos;
       open = spec_.path.find('{', open + 1)) {
    auto close = spec_.path.find('}', open);
    const std::string name = spec_.path.substr(open + 1, close - open - 1);
    if (close == std::string::npos || !spec_.context.count(name)) {
      throw ConfigError("stream '" + spec_.name + "': the path '" + spec_.path + "' has {" + name +
                        "}, which is not in its context; add \"context\": {\"" + name +
                        "\": \"<parent property>\"} and a parent_stream");
    }
  }
  if (spec_.url_base.empty()) {
    throw ConfigError("stream '" + spec_.name + "' has no base URL; set api_url");
  }
}

std::vector<std::string> RestStream::replication_keys() const {
  if (spec_.replication_key.empty()) return {};
  return {spec_.replication_key};
}

nlohmann::json RestStream::schema() const {
  // Discovery's schema first: for a child stream it adds the context properties.
  if (!discovered_schema_.is_null()) return discovered_schema_;
  if (!spec_.schema.is_null()) return spec_.schema;
  return {{"type", "object"}, {"properties", nlohmann::json::object()}};
}

nlohmann::json RestStream::discover_schema() {
  if (!spec_.schema.is_null() && spec_.context.empty()) return spec_.schema;
  if (discovered_schema_.is_null()) {
    // The first page of the first partition: for a child, that of its parent's first record.
    nlohmann::json records = nlohmann::json::array();
    nlohmann::json first_context;
    for_each_context([&](const nlohmann::json &context) {
      first_context = context;
      read_partition(nullptr, context, [&](Page &page) {
        records = std::move(page.records);
        return false;
      });
      return false;
    });
    discovered_schema_ =
        with_context(spec_.schema.is_null() ? infer_schema(records) : spec_.schema, first_context);
  }
  return discovered_schema_;
}

HttpRequest RestStream::prepare_request(const nlohmann::json &bookmark) const {
  HttpRequest request;
  std::string base = spec_.url_base;
  std::string path = spec_.path;
  // Exactly one slash between base and path, whatever the config wrote.
  if (!base.empty() && base.back() == '/' && !path.empty() && path.front() == '/') base.pop_back();
  if (!base.empty() && base.back() != '/' && !path.empty() && path.front() != '/') base += '/';
  request.url = base + path;
  for (const auto &[name, value] : spec_.params) request.set_query(name, value);
  if (!bookmark.is_null() && !spec_.replication_param.empty()) {
    request.set_query(spec_.replication_param, as_parameter(bookmark));
  }
  request.set_header("Accept", "application/json");
  for (const auto &[name, value] : spec_.headers) request.set_header(name, value);
  return request;
}

std::unique_ptr<Paginator> RestStream::new_paginator() const {
  return make_paginator(spec_.pagination);
}

nlohmann::json RestStream::parse_response(const HttpResponse &, const nlohmann::json &body) const {
  return extract_records(body, spec_.records_path);
}

std::optional<nlohmann::json> RestStream::post_process(nlohmann::json record) const {
  return record;
}

HttpResponse RestStream::send(const HttpRequest &request) const {
  const nlohmann::json tags = {{"stream", spec_.name}};
  HttpRequest signed_request = request;
  if (authenticator_) authenticator_->authenticate(signed_request);
  HttpResponse response = client_.send(signed_request, spec_.path, tags);
  // Tokens can be revoked before they expire; one new token is worth a second try.
  if (response.status == 401 && authenticator_ && authenticator_->reauthenticate()) {
    client_.log().info("stream '" + spec_.name +
                       "': the API refused the credentials (401); authenticated again");
    signed_request = request;
    authenticator_->authenticate(signed_request);
    response = client_.send(signed_request, spec_.path, tags);
  }
  client_.raise_for_status(signed_request, response);
  return response;
}

RestStream::Page RestStream::read_page(const HttpRequest &request, std::size_t page) const {
  const std::string where = "stream '" + spec_.name + "', page " + std::to_string(page) + ": ";
  Page out;
  try {
    for (int attempt = 0;; ++attempt) {
      out.response = send(request);
      try {
        out.body = out.response.body.empty() ? nlohmann::json() : out.response.json();
        break;
      } catch (const RetryableError &error) {
        // A body cut short: the connection broke mid-transfer without the client noticing.
        if (!client_.pause_before_retry(attempt, where + error.what())) throw;
      }
    }
    out.records = parse_response(out.response, out.body);
  } catch (...) {
    rethrow_with(where);
  }
  if (page == 1 && out.records.empty() && !spec_.allow_empty &&
      !has_records_path(out.body, spec_.records_path)) {
    throw ConfigError(where + "records_path '" + spec_.records_path +
                      "' matches nothing in the response (" + top_level_keys(out.body) +
                      "); fix records_path, or set allow_empty: true if the API leaves it out "
                      "when there are no records");
  }
  client_.log().debug(client_.secrets().mask(request.method + " " + out.response.url + " -> " +
                                             std::to_string(out.response.status) + " in " +
                                             format_seconds(out.response.elapsed_seconds) + " s, " +
                                             std::to_string(out.records.size()) + " records"));
  return out;
}

nlohmann::json RestStream::context_of(const nlohmann::json &parent_record) const {
  nlohmann::json context = nlohmann::json::object();
  for (const auto &[name, property] : spec_.context) {
    auto value = parent_record.find(property);
    if (value == parent_record.end() || value->is_null()) {
      throw FatalError("stream '" + spec_.name + "': a record of its parent stream '" +
                       parent_->name() + "' has no '" + property + "' (the context '" + name +
                       "' comes from it): " + exact_dump(parent_record).substr(0, 200) +
                       "; check the stream's context setting");
    }
    context[name] = *value;
  }
  return context;
}

void RestStream::for_each_context(
    const std::function<bool(const nlohmann::json &)> &on_context) const {
  if (parent_ == nullptr) {
    on_context(nullptr);
    return;
  }
  parent_->for_each_record(
      [&](const nlohmann::json &parent_record) { return on_context(context_of(parent_record)); });
}

void RestStream::for_each_record(
    const std::function<bool(const nlohmann::json &)> &on_record) const {
  bool more = true;
  for_each_context([&](const nlohmann::json &context) {
    read_partition(nullptr, context, [&](Page &page) {
      for (const auto &record : page.records) {
        if (!(more = on_record(record))) break;
      }
      return more;
    });
    return more;
  });
}

bool RestStream::read_partition(const nlohmann::json &bookmark, const nlohmann::json &context,
                                const std::function<bool(Page &)> &on_page) const {
  HttpRequest request = prepare_request(bookmark);
  if (context.is_object()) {
    for (const auto &[name, value] : context.items()) {
      const std::string placeholder = "{" + name + "}";
      for (auto at = request.url.find(placeholder); at != std::string::npos;
           at = request.url.find(placeholder, at)) {
        const std::string text = url_encode(as_parameter(value));
        request.url.replace(at, placeholder.size(), text);
        at += text.size();
      }
    }
  }
  std::unique_ptr<Paginator> paginator = new_paginator();
  paginator->first_page(request);
  const std::string partition =
      context.is_object() ? spec_.name + "' (context " + exact_dump(context) + ")'" : spec_.name;
  PageGuard guard(partition, spec_.max_pages, client_.secrets());
  for (std::size_t page = 1; !client_.log().stop_requested(); ++page) {
    guard.check(request, page);
    Page fetched = read_page(request, page);
    nlohmann::json processed = nlohmann::json::array();
    for (auto &raw : fetched.records) {
      std::optional<nlohmann::json> record = post_process(std::move(raw));
      if (!record) continue;
      if (context.is_object()) {
        // The API's own value of a field wins over the context's.
        for (const auto &[name, value] : context.items()) {
          if (!record->contains(name)) (*record)[name] = value;
        }
      }
      processed.push_back(std::move(*record));
    }
    const std::size_t received = fetched.records.size();
    fetched.records = std::move(processed);
    if (!on_page(fetched)) return false;
    // An empty page ends the stream even when it links on: some APIs do that forever.
    if (received == 0) return true;
    if (!paginator->next_page(fetched.response, fetched.body, received, request)) return true;
  }
  return false;  // stopped on request
}

void RestStream::sync(chorus::StreamSync &sync) {
  const std::string &key =
      sync.replication_key().empty() ? spec_.replication_key : sync.replication_key();
  const bool incremental =
      sync.replication_method() == ReplicationMethod::Incremental && !key.empty();
  // An API that takes the bookmark as a parameter filters by it; only one that cannot is
  // filtered here, so that the API's own notion of "since" decides what comes.
  const bool filter_here = spec_.replication_param.empty();
  const std::string time_extracted = singer::utc_now_rfc3339();
  // Keys and the replication key stay even when deselected: a target cannot upsert without them.
  std::vector<std::string> deselected;
  for (const std::string &property : sync.entry().deselected_properties) {
    if (!sync.property_selected(property)) deselected.push_back(property);
  }
  bool schema_written = !writes_own_schema();
  auto write_schema = [&](const nlohmann::json &records, const nlohmann::json &context) {
    // A catalog from discovery carries the schema; without one, the first page tells.
    const nlohmann::json &catalog_schema = sync.entry().schema;
    const bool from_catalog = catalog_schema.is_object() && catalog_schema.contains("properties") &&
                              !catalog_schema["properties"].empty();
    nlohmann::json schema = from_catalog              ? catalog_schema
                            : !spec_.schema.is_null() ? spec_.schema
                                                      : infer_schema(records);
    sync.write_schema(with_context(std::move(schema), context), property_order());
    schema_written = true;
  };

  // The stream's bookmark, or (child streams) the one partition list of all its bookmarks.
  nlohmann::json stored = sync.bookmark();
  for_each_context([&](const nlohmann::json &context) {
    nlohmann::json start = nullptr;
    if (incremental) {
      const nlohmann::json *bookmark = context.is_null() ? &stored : partition_of(stored, context);
      if (bookmark && bookmark->is_object() && bookmark->contains("replication_key_value")) {
        start = (*bookmark)["replication_key_value"];
      } else if (!spec_.start_value.empty()) {
        start = spec_.start_value;
      }
    }
    BookmarkTracker bookmarks(start);
    auto save_bookmark = [&] {
      nlohmann::json value = bookmarks.bookmark();
      if (!incremental || value.is_null()) return;
      nlohmann::json entry = {{"replication_key", key}, {"replication_key_value", value}};
      if (context.is_null()) {
        stored = std::move(entry);
      } else {
        entry["context"] = context;
        set_partition(stored, std::move(entry));
      }
      sync.set_bookmark(stored);
    };
    const bool complete = read_partition(bookmarks.start_parameter(), context, [&](Page &page) {
      if (!schema_written) write_schema(page.records, context);
      for (auto &record : page.records) {
        if (incremental) {
          auto value = record.find(key);
          if (value != record.end() && !value->is_null()) {
            if (filter_here && bookmarks.before_start(*value)) continue;
            bookmarks.observe(*value);
          }
        }
        write_json_record(sync.out(), spec_.name, record, deselected, time_extracted);
        sync.count_record();
      }
      if (spec_.is_sorted) {
        save_bookmark();
        sync.emit_state();
      }
      return true;
    });
    // Unsorted records give a safe bookmark only once all of them are read.
    if (complete) save_bookmark();
    return complete;
  });
  // A child whose parent has no records still announces its stream.
  if (!schema_written) write_schema(nlohmann::json::array(), nullptr);
}

void write_json_record(chorus::singer::MessageWriter &out, const std::string &stream,
                       const nlohmann::json &record, const std::vector<std::string> &deselected,
                       std::string_view time_extracted) {
  out.begin_record(stream);
  for (const auto &item : record.items()) {
    const std::string &name = item.key();
    bool skip = false;
    for (const std::string &left_out : deselected) skip = skip || left_out == name;
    if (skip) continue;
    const nlohmann::json &value = item.value();
    switch (value.type()) {
      case nlohmann::json::value_t::null:
        out.add_null(name);
        break;
      case nlohmann::json::value_t::boolean:
        out.add_bool(name, value.get<bool>());
        break;
      case nlohmann::json::value_t::number_integer:
        out.add_int(name, value.get<std::int64_t>());
        break;
      case nlohmann::json::value_t::number_unsigned:
      case nlohmann::json::value_t::number_float:
        out.add_number(name, value.dump());
        break;
      case nlohmann::json::value_t::string:
        out.add_string(name, value.get_ref<const std::string &>());
        break;
      case nlohmann::json::value_t::binary:
        out.add_number(name, exact_number_text(value));
        break;
      default:
        out.add_raw_json(name, exact_dump(value));
        break;
    }
  }
  out.end_record(time_extracted);
}

}  // namespace chorus::http
