#include "settings.h"

#include "chorus/http/auth.h"
#include "chorus/http/client.h"
#include "chorus/http/paginator.h"

namespace chorus::tap_rest {

using chorus::SettingList;
using nlohmann::json;

namespace {

Setting<json> string_map(const char *name, const char *description) {
  return Setting<json>(name, description).with("additionalProperties", {{"type", "string"}});
}

// An object setting whose schema is the SDK's (auth, pagination), under its own description
// when given.
Setting<json> sdk_object(const char *name, const json &schema, const char *description = "") {
  Setting<json> setting(name, description);
  for (const auto &[keyword, value] : schema.items()) {
    if (keyword != "description" || *description == '\0') setting = setting.with(keyword, value);
  }
  return setting;
}

}  // namespace

const Setting<std::size_t> kMaxPages =
    Setting<std::size_t>("max_pages",
                         "Most pages one stream reads in a run (default 100000); more is an error, "
                         "since an API that links on without end would otherwise loop. 0: no "
                         "bound.")
        .at_least(0);
const Setting<bool> kAllowEmpty =
    Setting<bool>("allow_empty",
                  "Read a records_path that the first page does not have as 'no records' instead "
                  "of an error, for APIs that leave the array out when it is empty (default "
                  "false).");

namespace stream_setting {

const Setting<std::string> kName = Setting<std::string>("name", "Stream name.").required();
const Setting<std::string> kPath =
    Setting<std::string>("path", "Path under api_url, e.g. /orders.").required();
const Setting<std::string> kRecordsPath = Setting<std::string>(
    "records_path", "JSONPath ($.data[*]) or JSON pointer (/data) of the records; default $[*].");
const Setting<std::vector<std::string>> kPrimaryKeys =
    Setting<std::vector<std::string>>("primary_keys", "");
const Setting<std::string> kReplicationKey =
    Setting<std::string>("replication_key", "Property whose greatest value is the bookmark.");
const Setting<std::string> kReplicationParam = Setting<std::string>(
    "replication_param", "Query parameter that receives the bookmark, e.g. updated_since.");
const Setting<bool> kIsSorted = Setting<bool>(
    "is_sorted", "Records come in replication-key order: write STATE after every page.");
const Setting<json> kParams = string_map("params", "Query parameters of this stream.");
const Setting<json> kHeaders = string_map("headers", "Extra headers of this stream.");
const Setting<json> kPagination =
    sdk_object("pagination", chorus::http::paginator_settings_schema());
const Setting<std::string> kParentStream =
    Setting<std::string>("parent_stream",
                         "Name of the parent stream: this stream is read once per parent record "
                         "(e.g. /users/{user_id}/orders for each user).");
const Setting<json> kContext = string_map(
    "context",
    "Child streams: context name -> the parent record's property it comes from, e.g. "
    "{\"user_id\": \"id\"}. Fills {user_id} in the path, is added to each record that lacks it, "
    "and keys the stream's state partitions.");
const Setting<json> kSchema = Setting<json>(
    "schema", "JSON Schema of a record; inferred from the first page a sync reads when absent.");

}  // namespace stream_setting

const Setting<std::string> kApiUrl =
    Setting<std::string>("api_url", "Base URL of the API, e.g. https://api.example.com/v1.")
        .required();
const Setting<json> kAuth = sdk_object("auth", chorus::http::authenticator_settings_schema());
const Setting<json> kHeaders = string_map("headers", "Headers sent with every request.");
const Setting<json> kParams = string_map("params", "Query parameters sent with every first page.");
const Setting<json> kPagination = sdk_object(
    "pagination", chorus::http::paginator_settings_schema(), "Default pagination of the streams.");
const Setting<std::string> kStartDate = Setting<std::string>(
    "start_date", "First bookmark of incremental streams without state (sent as is).");
const Setting<json> kStreams =
    Setting<json>("streams", "The endpoints to read, one stream each.")
        .with("type", "array")
        .with("items",
              SettingList{&stream_setting::kName, &stream_setting::kPath,
                          &stream_setting::kRecordsPath, &stream_setting::kPrimaryKeys,
                          &stream_setting::kReplicationKey, &stream_setting::kReplicationParam,
                          &stream_setting::kIsSorted, &stream_setting::kParams,
                          &stream_setting::kHeaders, &stream_setting::kPagination, &kMaxPages,
                          &kAllowEmpty, &stream_setting::kParentStream, &stream_setting::kContext,
                          &stream_setting::kSchema}
                  .schema())
        .required();

json settings_schema() {
  return SettingList{&kApiUrl,   &kAuth,       &kHeaders,   &kParams, &kPagination,
                     &kMaxPages, &kAllowEmpty, &kStartDate, &kStreams}
      .add(chorus::http::HttpClientOptions::setting_list())
      .schema();
}

}  // namespace chorus::tap_rest
