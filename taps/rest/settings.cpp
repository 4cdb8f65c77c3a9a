#include "settings.h"

#include "chorus/http/auth.h"
#include "chorus/http/client.h"
#include "chorus/http/paginator.h"

namespace tap_rest {

using nlohmann::json;

namespace {

json string_map(const char *description) {
  return {{"type", "object"},
          {"additionalProperties", {{"type", "string"}}},
          {"description", description}};
}

// No "default" in these two: a stream's own value would then always hide the tap-wide one.
json max_pages_schema() {
  return {{"type", "integer"},
          {"minimum", 0},
          {"description",
           "Most pages one stream reads in a run (default 100000); more is an error, since an API "
           "that links on without end would otherwise loop. 0: no bound."}};
}

json allow_empty_schema() {
  return {{"type", "boolean"},
          {"description",
           "Read a records_path that the first page does not have as 'no records' instead of an "
           "error, for APIs that leave the array out when it is empty (default false)."}};
}

json stream_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"name", {{"type", "string"}, {"description", "Stream name."}}},
        {"path", {{"type", "string"}, {"description", "Path under api_url, e.g. /orders."}}},
        {"records_path",
         {{"type", "string"},
          {"description",
           "JSONPath ($.data[*]) or JSON pointer (/data) of the records; "
           "default $[*]."}}},
        {"primary_keys", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"replication_key",
         {{"type", "string"}, {"description", "Property whose greatest value is the bookmark."}}},
        {"replication_param",
         {{"type", "string"},
          {"description", "Query parameter that receives the bookmark, e.g. updated_since."}}},
        {"is_sorted",
         {{"type", "boolean"},
          {"description", "Records come in replication-key order: write STATE after every page."}}},
        {"params", string_map("Query parameters of this stream.")},
        {"headers", string_map("Extra headers of this stream.")},
        {"pagination", chorus::http::paginator_settings_schema()},
        {"max_pages", max_pages_schema()},
        {"allow_empty", allow_empty_schema()},
        {"parent_stream",
         {{"type", "string"},
          {"description",
           "Name of the parent stream: this stream is read once per parent record "
           "(e.g. /users/{user_id}/orders for each user)."}}},
        {"context",
         {{"type", "object"},
          {"additionalProperties", {{"type", "string"}}},
          {"description",
           "Child streams: context name -> the parent record's property it comes from, e.g. "
           "{\"user_id\": \"id\"}. Fills {user_id} in the path, is added to each record that "
           "lacks it, and keys the stream's state partitions."}}},
        {"schema",
         {{"type", "object"},
          {"description",
           "JSON Schema of a record; inferred from the first page a sync reads when absent."}}}}},
      {"required", {"name", "path"}}};
}

}  // namespace

json settings_schema() {
  json properties = chorus::http::HttpClientOptions::settings_schema();
  properties["api_url"] = {
      {"type", "string"}, {"description", "Base URL of the API, e.g. https://api.example.com/v1."}};
  properties["auth"] = chorus::http::authenticator_settings_schema();
  properties["headers"] = string_map("Headers sent with every request.");
  properties["params"] = string_map("Query parameters sent with every first page.");
  properties["pagination"] = chorus::http::paginator_settings_schema();
  properties["pagination"]["description"] = "Default pagination of the streams.";
  properties["max_pages"] = max_pages_schema();
  properties["allow_empty"] = allow_empty_schema();
  properties["start_date"] = {
      {"type", "string"},
      {"description", "First bookmark of incremental streams without state (sent as is)."}};
  properties["streams"] = {{"type", "array"},
                           {"items", stream_schema()},
                           {"description", "The endpoints to read, one stream each."}};
  return {{"type", "object"}, {"properties", properties}, {"required", {"api_url", "streams"}}};
}

}  // namespace tap_rest
