#include "chorus/http/rest_stream.h"

#include <cstdlib>
#include <ctime>
#include <optional>

#include "chorus/http/exact_json.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"

namespace chorus::http {
namespace {

std::string as_parameter(const nlohmann::json &value) {
  return value.is_string() ? value.get<std::string>() : exact_dump(value);
}

// A number as a long double, for ordering bookmarks: exact numbers from their text, and a
// string that is all number (an exact number's bookmark, kept in state as text).
std::optional<long double> numeric_value(const nlohmann::json &value) {
  if (value.is_number()) return value.get<long double>();
  std::string text = is_exact_number(value) ? exact_number_text(value)
                     : value.is_string()    ? value.get<std::string>()
                                            : std::string();
  if (text.empty()) return std::nullopt;
  char *end = nullptr;
  long double number = std::strtold(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number;
}

}  // namespace

RestStream::RestStream(RestStreamSpec spec, HttpClient &client, Authenticator *authenticator)
    : spec_(std::move(spec)), client_(client), authenticator_(authenticator) {
  if (spec_.name.empty()) throw ConfigError("a REST stream needs a name");
  if (spec_.url_base.empty()) {
    throw ConfigError("stream '" + spec_.name + "' has no base URL; set api_url");
  }
}

std::vector<std::string> RestStream::replication_keys() const {
  if (spec_.replication_key.empty()) return {};
  return {spec_.replication_key};
}

nlohmann::json RestStream::schema() const {
  if (!spec_.schema.is_null()) return spec_.schema;
  if (inferred_schema_.is_null()) {
    HttpRequest request = prepare_request(nullptr);
    new_paginator()->first_page(request);
    HttpResponse response = fetch(request, 1);
    nlohmann::json body = response.body.empty() ? nlohmann::json() : response.json();
    inferred_schema_ = infer_schema(parse_response(response, body));
  }
  return inferred_schema_;
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

HttpResponse RestStream::fetch(HttpRequest request, std::size_t page) const {
  if (authenticator_) authenticator_->authenticate(request);
  try {
    return client_.send_checked(request, spec_.path, {{"stream", spec_.name}});
  } catch (const ConfigError &error) {
    throw ConfigError("stream '" + spec_.name + "', page " + std::to_string(page) + ": " +
                      error.what());
  } catch (const RetryableError &error) {
    throw RetryableError("stream '" + spec_.name + "', page " + std::to_string(page) + ": " +
                         error.what());
  } catch (const FatalError &error) {
    throw FatalError("stream '" + spec_.name + "', page " + std::to_string(page) + ": " +
                     error.what());
  }
}

void RestStream::sync(chorus::StreamSync &sync) {
  const std::string &key =
      sync.replication_key().empty() ? spec_.replication_key : sync.replication_key();
  const bool incremental =
      sync.replication_method() == ReplicationMethod::Incremental && !key.empty();

  nlohmann::json start = nullptr;
  if (incremental) {
    const nlohmann::json &bookmark = sync.bookmark();
    if (bookmark.is_object() && bookmark.contains("replication_key_value")) {
      start = bookmark["replication_key_value"];
    } else if (!spec_.start_value.empty()) {
      start = spec_.start_value;
    }
  }

  HttpRequest request = prepare_request(start);
  std::unique_ptr<Paginator> paginator = new_paginator();
  paginator->first_page(request);
  const std::string time_extracted = singer::utc_now_rfc3339();
  // Keys and the replication key stay even when deselected: a target cannot upsert without them.
  std::vector<std::string> deselected;
  for (const std::string &property : sync.entry().deselected_properties) {
    if (!sync.property_selected(property)) deselected.push_back(property);
  }
  nlohmann::json greatest = start;

  auto save_bookmark = [&] {
    if (!incremental || greatest.is_null()) return;
    // State is plain JSON: an exact number is kept as its text, which compares as a number.
    nlohmann::json value =
        is_exact_number(greatest) ? nlohmann::json(exact_number_text(greatest)) : greatest;
    sync.set_bookmark({{"replication_key", key}, {"replication_key_value", value}});
  };

  for (std::size_t page = 1;; ++page) {
    // A stop ends the stream here, before the final bookmark: for an unsorted stream that
    // bookmark is only true once every page was read.
    sync.check_stop();
    HttpResponse response = fetch(request, page);
    nlohmann::json body = response.body.empty() ? nlohmann::json() : response.json();
    nlohmann::json records;
    try {
      records = parse_response(response, body);
    } catch (const FatalError &error) {
      throw FatalError("stream '" + spec_.name + "', page " + std::to_string(page) + ": " +
                       error.what());
    }
    for (auto &raw : records) {
      std::optional<nlohmann::json> record = post_process(std::move(raw));
      if (!record) continue;
      if (incremental) {
        auto value = record->find(key);
        if (value != record->end() && !value->is_null()) {
          // The API may include records equal to the bookmark (at-least-once); older ones mean
          // it ignored the parameter, and are left out.
          if (!start.is_null() && replication_value_less(*value, start)) continue;
          if (greatest.is_null() || replication_value_less(greatest, *value)) greatest = *value;
        }
      }
      write_json_record(sync.out(), spec_.name, *record, deselected, time_extracted);
      sync.count_record();
    }
    if (spec_.is_sorted) {
      save_bookmark();
      sync.emit_state();
    }
    if (!paginator->next_page(response, body, records.size(), request)) break;
  }
  save_bookmark();
}

bool replication_value_less(const nlohmann::json &a, const nlohmann::json &b) {
  if (a.is_number() || is_exact_number(a) || b.is_number() || is_exact_number(b)) {
    auto x = numeric_value(a), y = numeric_value(b);
    if (x && y) return *x < *y;
  }
  return as_parameter(a) < as_parameter(b);
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
