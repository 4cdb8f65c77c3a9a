#include "spectrum_sink.h"

#include <algorithm>
#include <ctime>
#include <random>

#include "chorus/plugin/errors.h"
#include "chorus/s3/sigv4.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"
#include "chorus/sql/table_plan.h"
#include "chorus/warehouse/record_rows.h"
#include "spectrum_ddl.h"

namespace chorus::target_redshift {
namespace {

std::string trimmed_prefix(std::string prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(prefix.begin());
  return prefix;
}

// "<UTC time>-<random>/": one folder per batch, so files of different batches never collide.
// Spectrum reads every file below the table's location, subfolders included.
std::string batch_folder() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  char suffix[20];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random()));
  return s3::amz_date(static_cast<long long>(std::time(nullptr))) + "-" + suffix + "/";
}

}  // namespace

nlohmann::json external_tables_settings_schema() {
  auto text = [](const char *description) {
    return nlohmann::json{{"type", "string"}, {"description", description}};
  };
  nlohmann::json entry = {
      {"type", "object"},
      {"properties",
       {{"schema", text("External schema in Redshift.")},
        {"table", text("External table. Default: the stream's table name.")},
        {"catalog_database", text("AWS Glue Data Catalog database. Default: schema.")},
        {"iam_role", text("IAM role Spectrum assumes. Default: the iam_role setting.")},
        {"s3_prefix", text("Key prefix of the table's files in s3_bucket. Default: "
                           "<s3_key_prefix>/<schema>/<table>/.")}}},
      {"required", {"schema"}}};
  return {{"type", "object"},
          {"additionalProperties", entry},
          {"description",
           "Streams loaded as Redshift Spectrum external tables (append-only gzip CSV files in "
           "S3, queried in place) instead of COPY: {\"<stream>\": {\"schema\": \"spectrum\"}}."}};
}

ExternalTableSettings ExternalTableSettings::from_config(const std::string &stream,
                                                         const nlohmann::json &entry,
                                                         const nlohmann::json &config,
                                                         const LoadEnvironment &load) {
  const std::string where = "target-redshift: external_tables.\"" + stream + "\"";
  if (!entry.is_object()) throw ConfigError(where + " must be an object");
  static const char *const kKeys[] = {"schema", "table", "catalog_database", "iam_role",
                                      "s3_prefix"};
  for (const auto &[key, value] : entry.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      throw ConfigError(where + ": unknown key '" + key +
                        "'; known: schema, table, catalog_database, iam_role, s3_prefix");
    }
    if (!value.is_string()) throw ConfigError(where + "." + key + " must be a string");
  }
  ExternalTableSettings settings;
  const std::string schema = entry.value("schema", "");
  if (schema.empty()) {
    throw ConfigError(where + " needs schema (the external schema to create the table in)");
  }
  settings.table.schema = load.dialect.safe_name(schema);
  settings.table.table =
      entry.contains("table")
          ? load.dialect.safe_name(entry["table"].get<std::string>())
          : sql::table_for_stream(load.dialect, stream, settings.table.schema, "public").table;
  settings.catalog_database = entry.value("catalog_database", settings.table.schema);
  settings.iam_role = entry.value("iam_role", load.iam_role);
  if (settings.iam_role.empty()) {
    throw ConfigError(where +
                      " needs an IAM role for Spectrum: set its iam_role, or the iam_role "
                      "setting");
  }
  std::string prefix = entry.value("s3_prefix", "");
  if (prefix.empty()) {
    prefix = trimmed_prefix(config.value("s3_key_prefix", ""));
    prefix += (prefix.empty() ? "" : "/") + settings.table.schema + "/" + settings.table.table;
  }
  settings.key_prefix = trimmed_prefix(prefix) + "/";
  if (settings.key_prefix == "/") {
    throw ConfigError(where + ".s3_prefix is empty: the table needs a folder of its own");
  }
  return settings;
}

SpectrumSink::SpectrumSink(StreamInfo info, const nlohmann::json &config,
                           const PluginContext &context, LoadEnvironment &load,
                           ExternalTableSettings settings)
    : BatchSink(std::move(info), config, context), load_(load), settings_(std::move(settings)) {
  const std::string target = settings_.table.schema + "." + settings_.table.table;
  if (load_.warehouse.hard_delete) {
    throw ConfigError("target-redshift: stream '" + stream() + "' loads into external table " +
                      target +
                      ", which is append-only: hard_delete cannot remove rows from it; unset "
                      "hard_delete or remove the stream from external_tables");
  }
  if (!this->info().key_properties.empty()) {
    std::string keys;
    for (const auto &key : this->info().key_properties) keys += (keys.empty() ? "" : ", ") + key;
    context.warn("stream '" + stream() + "': external table " + target +
                 " is append-only: key properties (" + keys +
                 ") are not enforced and every version of a row stays; de-duplicate in a view "
                 "on _sdc_sequence");
  }
}

void SpectrumSink::ensure_table() {
  if (ready_) return;
  const auto &dialect = load_.dialect;
  ExternalCatalog &catalog = load_.external_catalog();
  // Planned as a new table: the external catalog keeps no types chorus could evolve, and the
  // files only need each property's column.
  sql::TablePlan plan = sql::plan_table(dialect, stream(), info().schema, info().key_properties,
                                        std::nullopt, info().property_order);
  load_.ensure_external_schema(settings_.table.schema, settings_.catalog_database,
                               settings_.iam_role);
  std::vector<std::string> columns = catalog.columns(settings_.table);
  if (columns.empty()) {
    for (const auto &column : plan.columns) columns.push_back(column.name);
    catalog.apply(create_external_table(dialect, settings_.table, plan.columns,
                                        load_.client.object_url(settings_.key_prefix)),
                  settings_.table, columns);
  } else {
    for (const sql::Column &column : plan.columns) {
      if (std::find(columns.begin(), columns.end(), column.name) != columns.end()) continue;
      catalog.apply(add_external_column(dialect, settings_.table, column), settings_.table,
                    {column.name});
      columns.push_back(column.name);
      context().info("stream " + stream() + ": added column " + column.name +
                     " to external table " + settings_.table.schema + "." + settings_.table.table);
    }
  }
  // Files follow the table's column order; a column the schema no longer has is fed by a
  // property of its own name, NULL when records lack it.
  sources_.clear();
  for (const std::string &name : columns) {
    std::string source = name;
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      if (plan.columns[i].name == name) source = plan.property_of[i];
    }
    sources_.push_back(source);
  }
  // Access to external tables is granted on their schema only.
  for (const std::string &grantee : load_.warehouse.grantees(settings_.table.schema)) {
    catalog.apply(sql::grant_usage(dialect, settings_.table.schema, grantee),
                  {settings_.table.schema, ""}, {});
  }
  ready_ = true;
}

void SpectrumSink::process_batch(const singer::RecordBatch &batch,
                                 const std::vector<RecordMeta> &metas) {
  if (batch.empty()) return;
  ensure_table();
  s3::StagingOptions options = load_.staging.options;
  options.prefix = settings_.key_prefix + batch_folder();
  if (options.compression != s3::Compression::None) options.compression = s3::Compression::Gzip;
  const warehouse::RecordRowWriter rows(sources_, singer::utc_now_rfc3339());
  s3::StagedBatch staged = warehouse::stage_batch(load_.client, options, rows, batch, metas);
  // Spectrum would read the manifest as rows of the table: only the data files stay.
  if (!staged.manifest_key.empty()) {
    try {
      load_.client.delete_object(staged.manifest_key);
    } catch (const std::exception &error) {
      throw FatalError("target-redshift: stream '" + stream() + "': removing " +
                       load_.client.object_url(staged.manifest_key) +
                       " from the external table's location failed (" + error.what() +
                       "); delete it by hand, or Spectrum reads it as rows");
    }
  }
  context().info("stream " + stream() + ": wrote " + std::to_string(staged.rows) + " rows in " +
                 std::to_string(staged.files.size()) + " files (" +
                 std::to_string(staged.stored_bytes) + " bytes) to external table " +
                 settings_.table.schema + "." + settings_.table.table + " at " +
                 load_.client.object_url(options.prefix));
}

void SpectrumSink::activate_version(std::int64_t version) {
  if (warned_activate_version_) return;
  warned_activate_version_ = true;
  context().warn("stream '" + stream() + "': ACTIVATE_VERSION " + std::to_string(version) +
                 " ignored: external table " + settings_.table.schema + "." +
                 settings_.table.table +
                 " is append-only, so rows of older versions stay; filter on "
                 "_sdc_table_version");
}

}  // namespace chorus::target_redshift
