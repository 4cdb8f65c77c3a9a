#include "copy_executor.h"

#include <nlohmann/json.hpp>

#include "chorus/plugin/errors.h"

namespace chorus::target_redshift {
namespace {

class RedshiftCopy final : public CopyExecutor {
 public:
  RedshiftCopy(const RedshiftDialect &dialect, CopyOptions base, const s3::Client &client)
      : dialect_(dialect), base_(std::move(base)), client_(client) {}

  void copy(Session &session, const sql::TableName &staging,
            const std::vector<sql::Column> &columns, const s3::StagedBatch &batch) override {
    CopyOptions options = base_;
    options.manifest_url = client_.object_url(batch.manifest_key);
    options.compression = batch.compression;
    session.execute(copy_statement(dialect_, staging, columns, options, false),
                    copy_statement(dialect_, staging, columns, options, true));
  }

  std::string explain_failure(Session &session) override {
    // SYS_LOAD_ERROR_DETAIL exists on Serverless and recent clusters; STL_LOAD_ERRORS on
    // provisioned ones. Either may be missing or unreadable for the user: try both.
    for (const std::string &query : {load_errors_query_sys(), load_errors_query_stl()}) {
      try {
        auto rows = session.query(query);
        if (rows.empty()) continue;
        std::string out;
        for (const auto &row : rows) {
          out += "\n  " + row[3].value_or("?") + " line " + row[0].value_or("?") + ", column " +
                 row[1].value_or("?") + ": " + row[2].value_or("?");
        }
        return out;
      } catch (const std::exception &) {
        continue;
      }
    }
    return {};
  }

 private:
  const RedshiftDialect &dialect_;
  CopyOptions base_;
  const s3::Client &client_;
};

class PostgresStandinCopy final : public CopyExecutor {
 public:
  PostgresStandinCopy(const RedshiftDialect &dialect, s3::Client &client)
      : dialect_(dialect), client_(client) {}

  void copy(Session &session, const sql::TableName &staging,
            const std::vector<sql::Column> &columns, const s3::StagedBatch &batch) override {
    std::string sql = "COPY " + dialect_.qualified(staging) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += dialect_.quote(columns[i].name);
    }
    sql += ") FROM STDIN (FORMAT csv, QUOTE '\"')";
    // Read what Redshift would read: the manifest, then every object it lists.
    nlohmann::json manifest = nlohmann::json::parse(client_.get_object(batch.manifest_key));
    const std::string bucket_url = "s3://" + client_.config().bucket + "/";
    for (const auto &entry : manifest.at("entries")) {
      std::string url = entry.at("url").get<std::string>();
      if (url.rfind(bucket_url, 0) != 0) {
        throw FatalError("target-redshift: manifest entry " + url + " is outside bucket " +
                         client_.config().bucket);
      }
      std::string key = url.substr(bucket_url.size());
      session.copy_from_stdin(sql, s3::read_staged_object(client_, key, batch.compression));
    }
  }

  std::string explain_failure(Session &) override { return {}; }

 private:
  const RedshiftDialect &dialect_;
  s3::Client &client_;
};

}  // namespace

std::unique_ptr<CopyExecutor> make_redshift_copy(const RedshiftDialect &dialect, CopyOptions base,
                                                 const s3::Client &client) {
  return std::make_unique<RedshiftCopy>(dialect, std::move(base), client);
}

std::unique_ptr<CopyExecutor> make_postgres_standin_copy(const RedshiftDialect &dialect,
                                                         s3::Client &client) {
  return std::make_unique<PostgresStandinCopy>(dialect, client);
}

}  // namespace chorus::target_redshift
