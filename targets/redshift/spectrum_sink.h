// A stream loaded as a Redshift Spectrum external table: each batch becomes gzip CSV files
// under the table's S3 location, which Spectrum queries in place. Nothing is copied into the
// cluster. The external schema and table are created on first use, and a new property becomes a
// new column (ALTER TABLE ... ADD COLUMN).
//
// An external table is append-only: key properties are not enforced (every version of a row
// stays; de-duplicate in a view on _sdc_sequence), ACTIVATE_VERSION removes nothing (filter on
// _sdc_table_version), and hard_delete is refused. A property whose type changes keeps its
// column's type; the new values are read under it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chorus/plugin/target.h"
#include "redshift_load.h"

namespace chorus::target_redshift {

struct ExternalTableSettings {
  sql::TableName table;          // external schema and table
  std::string catalog_database;  // Glue Data Catalog database (default: the schema's name)
  std::string iam_role;          // the role Spectrum assumes (default: the iam_role setting)
  std::string key_prefix;        // the table's S3 location within s3_bucket, ending in '/'

  // Reads external_tables.<stream> of the config. Throws ConfigError naming the stream and the
  // setting when the entry is not usable.
  static ExternalTableSettings from_config(const std::string &stream, const nlohmann::json &entry,
                                           const nlohmann::json &config,
                                           const LoadEnvironment &load);
};

// The JSON Schema of the "external_tables" setting.
nlohmann::json external_tables_settings_schema();

class SpectrumSink : public BatchSink {
 public:
  SpectrumSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
               LoadEnvironment &load, ExternalTableSettings settings);

  void activate_version(std::int64_t version) override;

 protected:
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  // Creates the external schema and table, or adds the columns new properties need, and fixes
  // what feeds each column of the files (the table's column order).
  void ensure_table();

  LoadEnvironment &load_;
  ExternalTableSettings settings_;
  std::vector<std::string> sources_;  // per table column: the property or _sdc_ value
  bool ready_ = false;
  bool warned_activate_version_ = false;
};

}  // namespace chorus::target_redshift
