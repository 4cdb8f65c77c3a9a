#include "chorus/plugin/errors.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"
#include "snowflake_target.h"

namespace chorus::target_snowflake {

SnowflakeSink::SnowflakeSink(StreamInfo info, const nlohmann::json &config,
                             const PluginContext &context, SnowflakeLoad &load)
    : StagedWarehouseSink(std::move(info), config, context, load.dialect, load), load_(load) {}

std::vector<sql::CatalogRow> SnowflakeSink::query(const std::string &sql) {
  return load_.api.query(sql);
}

void SnowflakeSink::execute(const std::vector<std::string> &statements) {
  load_.api.execute(statements);
}

std::string SnowflakeSink::information_schema() const {
  return load_.database.empty() ? std::string("information_schema")
                                : dialect().quote(load_.database) + ".information_schema";
}

std::vector<std::string> SnowflakeSink::upsert_statements(const sql::TableName &staging,
                                                          bool /*staging_keys_unique*/) const {
  const sql::Column *sequence = sql::column_fed_by(plan(), sql::kSequence);
  return {merge_from_staging(
      load_.dialect, table(), staging, plan().columns, plan().key_columns,
      sequence ? sequence->name : sql::metadata_column(dialect(), sql::kSequence))};
}

void SnowflakeSink::load_staged(const s3::StagedBatch &batch, const std::string &prefix) {
  auto statements = [&](bool redact) {
    std::vector<std::string> list{
        sql::create_staging_table(dialect(), staging_table(), plan().columns), "BEGIN",
        copy_into(load_.dialect, staging_table(), plan().columns, batch, prefix, load_.source,
                  redact)};
    for (std::string &statement : merge_statements()) list.push_back(std::move(statement));
    list.push_back("COMMIT");
    list.push_back(sql::drop_table(dialect(), staging_table()));
    return list;
  };
  std::string shown;
  for (const std::string &statement : statements(true)) shown += statement + ";\n";
  try {
    load_.api.execute(statements(false), shown);
  } catch (const std::exception &error) {
    throw FatalError(load_failure(batch, prefix) + error.what());
  }
}

}  // namespace chorus::target_snowflake
