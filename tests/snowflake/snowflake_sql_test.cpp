// target-snowflake's SQL text and key-pair JWT, without a server.
#include <doctest/doctest.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "../sql/type_of.h"
#include "chorus/plugin/errors.h"
#include "chorus/sql/statements.h"
#include "keypair_jwt.h"
#include "snowflake_dialect.h"
#include "snowflake_statements.h"
#include "test_keys.h"

using namespace chorus::target_snowflake;
using chorus::sql::Column;
using chorus::sql::LogicalType;
using chorus::sql::TypeKind;
using chorus::sql::testing::of;

namespace {
std::string decode_part(const std::string &part) {
  std::string text = part;
  for (char &c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4) text.push_back('=');
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  std::uint32_t value = 0;  // unsigned: the bits shifted out at the top are meant to drop
  for (char c : text) {
    if (c == '=') break;
    value = (value << 6) | static_cast<std::uint32_t>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
    }
  }
  return out;
}
}  // namespace

TEST_CASE("Snowflake types: VARIANT for JSON, TIMESTAMP_TZ, NUMBER") {
  SnowflakeDialect dialect;
  CHECK(dialect.column_type(of(TypeKind::Json)) == "VARIANT");
  CHECK(dialect.column_type(of(TypeKind::TimestampTz)) == "TIMESTAMP_TZ");
  CHECK(dialect.column_type(of(TypeKind::Integer)) == "NUMBER(38,0)");
  CHECK(dialect.column_type(of(TypeKind::Text)) == "VARCHAR");
  CHECK(dialect.safe_name("orderLines") == "ORDERLINES");
}

TEST_CASE("COPY INTO names the staged files and an explicit CSV file format") {
  SnowflakeDialect dialect;
  chorus::s3::StagedBatch batch;
  batch.bucket = "lake";
  batch.compression = chorus::s3::Compression::Zstd;
  batch.files = {{"p/x/part-00000.csv.zst", 1, 1, 1}, {"p/x/part-00001.csv.zst", 1, 1, 1}};
  StageSource source{"", "", "AKIAEXAMPLE", "s3cr3t", ""};
  std::vector<Column> columns{{"ID", of(TypeKind::Integer)}, {"NAME", of(TypeKind::Text)}};
  CHECK(copy_into(dialect, {"RAW", "_CHORUS_STAGE_ORDERS"}, columns, batch, "p/x/", source, true) ==
        "COPY INTO \"RAW\".\"_CHORUS_STAGE_ORDERS\" (\"ID\", \"NAME\") FROM 's3://lake/p/x/' "
        "CREDENTIALS = (AWS_KEY_ID = '***' AWS_SECRET_KEY = '***') FILES = "
        "('part-00000.csv.zst', 'part-00001.csv.zst') FILE_FORMAT = (TYPE = CSV "
        "FIELD_DELIMITER = ',' FIELD_OPTIONALLY_ENCLOSED_BY = '\"' ESCAPE_UNENCLOSED_FIELD = "
        "NONE EMPTY_FIELD_AS_NULL = TRUE NULL_IF = () COMPRESSION = ZSTD) ON_ERROR = "
        "ABORT_STATEMENT PURGE = FALSE");
  source.stage = "DB.RAW.LANDING";
  CHECK(copy_into(dialect, {"RAW", "S"}, columns, batch, "p/x/", source, false)
            .find("FROM @DB.RAW.LANDING/p/x/ FILES") != std::string::npos);
}

TEST_CASE("MERGE takes the newest record per key with QUALIFY ROW_NUMBER()") {
  SnowflakeDialect dialect;
  std::vector<Column> columns{{"ID", of(TypeKind::Integer)},
                              {"NAME", of(TypeKind::Text)},
                              {"_SDC_SEQUENCE", of(TypeKind::Integer)}};
  CHECK(merge_from_staging(dialect, {"RAW", "ORDERS"}, {"RAW", "STAGE"}, columns, {"ID"},
                           "_SDC_SEQUENCE") ==
        "MERGE INTO \"RAW\".\"ORDERS\" USING (SELECT \"ID\", \"NAME\", \"_SDC_SEQUENCE\" FROM "
        "\"RAW\".\"STAGE\" QUALIFY ROW_NUMBER() OVER (PARTITION BY \"ID\" ORDER BY "
        "\"_SDC_SEQUENCE\" DESC) = 1) AS \"_SDC_SOURCE\" ON \"RAW\".\"ORDERS\".\"ID\" = "
        "\"_SDC_SOURCE\".\"ID\" WHEN MATCHED THEN UPDATE SET \"NAME\" = \"_SDC_SOURCE\".\"NAME\", "
        "\"_SDC_SEQUENCE\" = \"_SDC_SOURCE\".\"_SDC_SEQUENCE\" WHEN NOT MATCHED THEN INSERT "
        "(\"ID\", \"NAME\", \"_SDC_SEQUENCE\") VALUES (\"_SDC_SOURCE\".\"ID\", "
        "\"_SDC_SOURCE\".\"NAME\", \"_SDC_SOURCE\".\"_SDC_SEQUENCE\")");
  CHECK(merge_from_staging(dialect, {"RAW", "EVENTS"}, {"RAW", "STAGE"}, columns, {}, "X")
            .rfind("INSERT INTO \"RAW\".\"EVENTS\"", 0) == 0);
}

TEST_CASE("chorus::sql's delete and version statements use the upper-case metadata columns") {
  // The tables have "_SDC_DELETED_AT" and "_SDC_TABLE_VERSION": plan_table() names every column
  // through the dialect, and so do the statement builders.
  SnowflakeDialect dialect;
  CHECK(chorus::sql::delete_marked_rows(dialect, {"RAW", "ORDERS"}) ==
        "DELETE FROM \"RAW\".\"ORDERS\" WHERE \"_SDC_DELETED_AT\" IS NOT NULL");
  CHECK(chorus::sql::retire_old_versions(dialect, {"RAW", "ORDERS"}, 7, true) ==
        "DELETE FROM \"RAW\".\"ORDERS\" WHERE \"_SDC_TABLE_VERSION\" IS NULL OR "
        "\"_SDC_TABLE_VERSION\" < 7");
}

TEST_CASE("the transient staging table lives beside the table; literals escape backslashes") {
  SnowflakeDialect dialect;
  chorus::sql::TableName staging = dialect.staging_table({"RAW", "ORDERS"});
  CHECK(staging.schema == "RAW");
  CHECK(staging.table == "_CHORUS_STAGE_ORDERS");
  CHECK(dialect.string_literal("a'b\\c") == "'a''b\\\\c'");
}

TEST_CASE("the key-pair JWT carries the public key fingerprint openssl computes") {
  const TestKeys &keys = TestKeys::get();
  KeyPairJwt jwt("myorg-acct.us-east-2.aws", "loader", keys.private_pem);
  CHECK(jwt.public_key_fingerprint() == keys.fingerprint);
  CHECK(jwt.subject() == "MYORG-ACCT.LOADER");
  std::string token = jwt.token(1700000000, 3540);
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  auto header = nlohmann::json::parse(decode_part(token.substr(0, first)));
  auto claims = nlohmann::json::parse(decode_part(token.substr(first + 1, second - first - 1)));
  CHECK(header["alg"] == "RS256");
  CHECK(claims["iss"] == "MYORG-ACCT.LOADER." + keys.fingerprint);
  CHECK(claims["sub"] == "MYORG-ACCT.LOADER");
  CHECK(claims["iat"] == 1700000000);
  CHECK(claims["exp"] == 1700003540);
}

TEST_CASE("a private key that is not PEM is a configuration error") {
  CHECK_THROWS_AS(KeyPairJwt("a", "u", "not a key"), chorus::ConfigError);
}
