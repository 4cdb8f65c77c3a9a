#include "redshift_sink.h"

#include "chorus/plugin/errors.h"
#include "chorus/sql/statements.h"

namespace chorus::target_redshift {

RedshiftSink::RedshiftSink(StreamInfo info, const nlohmann::json &config,
                           const PluginContext &context, LoadEnvironment &load)
    : StagedWarehouseSink(std::move(info), config, context, load.dialect, load),
      load_(load),
      long_text_(load.plugin, stream(),
                 [this](const std::string &text) { this->context().warn(text); }) {}

const singer::RecordBatch &RedshiftSink::fit_values(const singer::RecordBatch &batch) {
  if (load_.long_text != LongText::Truncate) return batch;
  return long_text_.cut(plan(), batch);
}

std::vector<sql::CatalogRow> RedshiftSink::query(const std::string &sql) {
  return load_.session.query(sql);
}

void RedshiftSink::execute(const std::vector<std::string> &statements) {
  for (const std::string &statement : statements) load_.session.execute(statement);
}

void RedshiftSink::load_staged(const s3::StagedBatch &batch, const std::string &) {
  Session &session = load_.session;
  session.begin();
  try {
    session.execute(sql::create_staging_table(dialect(), staging_table(), plan().columns));
    try {
      load_.copy->copy(session, staging_table(), plan().columns, batch);
    } catch (const std::exception &error) {
      session.rollback();
      throw FatalError(load_failure(batch, batch.manifest_key) + error.what() +
                       load_.copy->explain_failure(session) +
                       "; check that the records fit the table's column types (set "
                       "keep_staged_files to inspect the staged CSV)");
    }
    for (const std::string &statement : merge_statements()) session.execute(statement);
    session.execute(sql::drop_table(dialect(), staging_table()));
    session.commit();
  } catch (...) {
    session.rollback();
    throw;
  }
}

void RedshiftSink::after_load() {
  if (load_.vacuum_after_load) load_.session.execute("VACUUM " + dialect().qualified(table()));
  if (load_.analyze_after_load) load_.session.execute("ANALYZE " + dialect().qualified(table()));
}

}  // namespace chorus::target_redshift
