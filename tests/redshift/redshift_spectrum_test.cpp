// target-redshift's Spectrum mode (external_tables) end to end: the gzip CSV files really land
// in s3rver under the table's location and are read back here; the external DDL, which the
// PostgreSQL stand-in cannot run, is recorded by it in _chorus_standin.external_statements and
// pinned here as text.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "chorus/s3/staging.h"
#include "standin_fixture.h"

using namespace chorus;
using namespace redshift_test;

namespace {

using Field = std::optional<std::string>;  // nullopt: an unquoted empty field (NULL)
using Row = std::vector<Field>;

// RFC 4180 with chorus's convention: an unquoted empty field is NULL, "" the empty string.
std::vector<Row> parse_csv(const std::string &text) {
  std::vector<Row> rows;
  Row row;
  std::size_t i = 0;
  while (i < text.size()) {
    Field field;
    if (text[i] == '"') {
      std::string value;
      for (++i;; ++i) {
        REQUIRE(i < text.size());
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            value.push_back('"');
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          value.push_back(text[i]);
        }
      }
      field = value;
    } else {
      std::size_t end = text.find_first_of(",\n", i);
      if (end == std::string::npos) end = text.size();
      if (end > i) field = text.substr(i, end - i);
      i = end;
    }
    row.push_back(field);
    if (i >= text.size() || text[i] == '\n') {
      rows.push_back(std::move(row));
      row.clear();
    }
    ++i;
  }
  return rows;
}

using Record = std::map<std::string, Field>;
using chorus::testing::thrown;
using chorus::testing::thrown_message;

// The external table's columns in table order, as the stand-in recorded them.
std::vector<std::string> recorded_columns(const std::string &schema) {
  std::vector<std::string> out;
  for (const auto &row : query("SELECT columnname FROM _chorus_standin.external_columns WHERE "
                               "schemaname = '" +
                               schema + "' ORDER BY columnnum")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

// Every row of every file under `prefix`, read by the table's `columns` (each row must have
// exactly one field per column), sorted by id; the keys found go to `keys`.
std::vector<Record> rows_under(const std::string &prefix, const std::vector<std::string> &columns,
                               std::vector<std::string> &keys) {
  s3::Client client(s3_config());
  std::vector<Record> rows;
  for (const auto &object : client.list_objects(prefix)) {
    keys.push_back(object.key);
    for (Row &row : parse_csv(s3::read_staged_object(client, object.key, s3::Compression::Gzip))) {
      REQUIRE(row.size() == columns.size());
      Record record;
      for (std::size_t i = 0; i < row.size(); ++i) record[columns[i]] = row[i];
      rows.push_back(std::move(record));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Record &a, const Record &b) {
    return std::stoi(a.at("id").value_or("0")) < std::stoi(b.at("id").value_or("0"));
  });
  return rows;
}

std::vector<std::string> recorded_statements(const std::string &schema) {
  std::vector<std::string> out;
  for (const auto &row :
       query("SELECT statement FROM _chorus_standin.external_statements WHERE statement LIKE "
             "'%\"" +
             schema + "\"%' ORDER BY id")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

void clean_up(const std::string &schema, const std::string &prefix) {
  s3::Client client(s3_config());
  std::vector<std::string> keys;
  for (const auto &object : client.list_objects(prefix)) keys.push_back(object.key);
  if (!keys.empty()) client.delete_objects(keys);
  query("DELETE FROM _chorus_standin.external_statements WHERE statement LIKE '%\"" + schema +
        "\"%'");
  query("DELETE FROM _chorus_standin.external_columns WHERE schemaname = '" + schema + "'");
}

const char *kRole = "arn:aws:iam::123456789012:role/spectrum";

const char *kOrdersSchema =
    R"({"type":"SCHEMA","stream":"shop-orders","key_properties":["id"],"schema":{"type":"object",)"
    R"("properties":{"id":{"type":"integer"},"name":{"type":["string","null"],"maxLength":20},)"
    R"("amount":{"type":["number","null"],"multipleOf":0.01},"paid":{"type":["boolean","null"]},)"
    R"("meta":{"type":["object","null"]},"day":{"type":["string","null"],"format":"date"}}}})"
    "\n";

}  // namespace

TEST_CASE("Spectrum: each batch lands as gzip CSV under the table's location, DDL once") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_spectrum");
  const std::string prefix = "tests/redshift/" + schema;
  nlohmann::json config = base_config("ignored_for_external", prefix);
  config["iam_role"] = kRole;
  config["external_tables"] = {{"shop-orders", {{"schema", schema}}}};
  std::string lines = kOrdersSchema;
  lines +=
      R"({"type":"RECORD","stream":"shop-orders","record":{"id":1,"name":"say \"hi\", bye","amount":1.50,"paid":true,"meta":{"a":[1,2]},"day":"2024-01-02"}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"shop-orders","record":{"id":2,"name":"","amount":null,"paid":false,"meta":null,"day":null}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"shop-orders","record":{"id":3,"name":null,"amount":3,"paid":null,"meta":{},"day":"2024-01-03"}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"shop-orders","record":{"id":1,"name":"two\nlines","amount":1.75,"paid":true,"meta":{},"day":"2024-01-04"}})"
      "\n";
  lines += R"({"type":"STATE","value":{"bookmarks":{"shop-orders":{"id":3}}}})"
           "\n";
  std::string out = run_target(config, lines);
  CHECK(out.find(R"("shop-orders":{"id":3})") != std::string::npos);

  const std::string location = prefix + "/" + schema + "/orders/";
  // Properties in the order the SCHEMA lists them, then the _sdc_ columns.
  const std::vector<std::string> columns{"id",
                                         "name",
                                         "amount",
                                         "paid",
                                         "meta",
                                         "day",
                                         "_sdc_extracted_at",
                                         "_sdc_received_at",
                                         "_sdc_batched_at",
                                         "_sdc_deleted_at",
                                         "_sdc_sequence",
                                         "_sdc_table_version"};
  CHECK(recorded_columns(schema) == columns);
  std::vector<std::string> keys;
  std::vector<Record> rows = rows_under(location, columns, keys);
  REQUIRE_FALSE(keys.empty());  // data files only: no manifest among them
  for (const auto &key : keys) {
    CHECK(key.rfind(location, 0) == 0);
    CHECK(key.substr(key.size() - 3) == ".gz");
  }
  // Append-only: both records for id 1 stay.
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["id"] == Field("1"));
  CHECK(rows[1]["id"] == Field("1"));
  Record &quoted = rows[0]["amount"] == Field("1.50") ? rows[0] : rows[1];
  Record &multiline = rows[0]["amount"] == Field("1.50") ? rows[1] : rows[0];
  CHECK(quoted["name"] == Field("say \"hi\", bye"));
  CHECK(quoted["amount"] == Field("1.50"));
  CHECK(quoted["paid"] == Field("true"));
  CHECK(quoted["meta"] == Field(R"({"a":[1,2]})"));
  CHECK(quoted["day"] == Field("2024-01-02"));
  CHECK(multiline["name"] == Field("two\nlines"));
  CHECK(multiline["amount"] == Field("1.75"));
  CHECK(rows[2]["id"] == Field("2"));
  CHECK(rows[2]["name"] == Field(""));       // the empty string is written quoted...
  CHECK(rows[2]["amount"] == std::nullopt);  // ...NULL as an unquoted empty field
  CHECK(rows[2]["paid"] == Field("false"));
  CHECK(rows[2]["meta"] == std::nullopt);
  CHECK(rows[2]["day"] == std::nullopt);
  CHECK(rows[2]["_sdc_deleted_at"] == std::nullopt);
  CHECK(rows[2]["_sdc_table_version"] == std::nullopt);
  CHECK(rows[3]["name"] == std::nullopt);
  CHECK(rows[3]["amount"] == Field("3"));
  CHECK(rows[3]["meta"] == Field("{}"));
  CHECK(rows[3]["_sdc_received_at"]);
  CHECK(rows[3]["_sdc_sequence"]);

  // The external schema and table, once; nothing was created in the stand-in database itself.
  const std::string s3_location =
      "s3://" + env("CHORUS_TEST_S3_BUCKET") + "/" + prefix + "/" + schema + "/orders/";
  auto statements = recorded_statements(schema);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] == "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"" + schema +
                             "\" FROM DATA CATALOG DATABASE '" + schema + "' IAM_ROLE '" + kRole +
                             "' CREATE EXTERNAL DATABASE IF NOT EXISTS");
  CHECK(statements[1] ==
        "CREATE EXTERNAL TABLE \"" + schema +
            "\".\"orders\" (\"id\" BIGINT, \"name\" VARCHAR(65535), \"amount\" VARCHAR(65535), "
            "\"paid\" BOOLEAN, \"meta\" VARCHAR(65535), \"day\" DATE, \"_sdc_extracted_at\" "
            "VARCHAR(65535), \"_sdc_received_at\" VARCHAR(65535), \"_sdc_batched_at\" "
            "VARCHAR(65535), \"_sdc_deleted_at\" VARCHAR(65535), \"_sdc_sequence\" BIGINT, "
            "\"_sdc_table_version\" BIGINT) ROW FORMAT SERDE "
            "'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES ('separatorChar' "
            "= ',', 'quoteChar' = '\"', 'escapeChar' = '\\\\') STORED AS TEXTFILE LOCATION '" +
            s3_location + "' TABLE PROPERTIES ('serialization.null.format' = '')");
  CHECK(query("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema +
              "'")[0][0]
            .as<int>() == 0);

  // A later run with a new property adds a column at the end; its files follow the table's
  // column order, NULL for the property the schema dropped.
  std::string second =
      R"({"type":"SCHEMA","stream":"shop-orders","key_properties":["id"],"schema":{"type":"object",)"
      R"("properties":{"id":{"type":"integer"},"status":{"type":["string","null"]},"name":{"type":["string","null"]}}}})"
      "\n";
  second +=
      R"({"type":"RECORD","stream":"shop-orders","record":{"id":9,"status":"paid","name":"nine"}})"
      "\n";
  second += R"({"type":"ACTIVATE_VERSION","stream":"shop-orders","version":5})"
            "\n";
  run_target(config, second);
  statements = recorded_statements(schema);
  REQUIRE(statements.size() == 4);
  CHECK(statements[2] == statements[0]);  // IF NOT EXISTS, once per run
  CHECK(statements[3] ==
        "ALTER TABLE \"" + schema + "\".\"orders\" ADD COLUMN \"status\" VARCHAR(65535)");
  std::vector<std::string> evolved = columns;
  evolved.push_back("status");
  CHECK(recorded_columns(schema) == evolved);
  // Files of the first run have no status field: read them apart from the new ones.
  keys.clear();
  s3::Client client(s3_config());
  std::vector<Record> ninth;
  std::size_t earlier = 0;
  for (const auto &object : client.list_objects(location)) {
    std::string csv = s3::read_staged_object(client, object.key, s3::Compression::Gzip);
    for (Row &row : parse_csv(csv)) {
      if (row.size() == columns.size()) ++earlier;
      if (row.size() != evolved.size()) continue;
      Record record;
      for (std::size_t i = 0; i < row.size(); ++i) record[evolved[i]] = row[i];
      ninth.push_back(std::move(record));
    }
  }
  CHECK(earlier == 4);
  REQUIRE(ninth.size() == 1);
  CHECK(ninth[0]["id"] == Field("9"));
  CHECK(ninth[0]["name"] == Field("nine"));
  CHECK(ninth[0]["amount"] == std::nullopt);  // gone from the schema
  CHECK(ninth[0]["status"] == Field("paid"));
  clean_up(schema, prefix);
}

TEST_CASE("Spectrum: hard_delete and a missing IAM role are refused for an external stream") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_spectrum_refused");
  const std::string prefix = "tests/redshift/" + schema;
  nlohmann::json config = base_config("ignored_for_external", prefix);
  config["external_tables"] = {{"shop-orders", {{"schema", schema}}}};
  const std::string lines = std::string(kOrdersSchema) +
                            R"({"type":"RECORD","stream":"shop-orders","record":{"id":1}})"
                            "\n";
  const auto error = thrown<ConfigError>([&] { run_target(config, lines); },
                                         "expected the missing role to be refused");
  CHECK(std::string(error.what())
            .find("target-redshift: external_tables.\"shop-orders\" needs an IAM role for "
                  "Spectrum: set its iam_role, or the iam_role setting") != std::string::npos);
  config["iam_role"] = kRole;
  config["hard_delete"] = true;
  const std::string message = thrown_message<ConfigError>([&] { run_target(config, lines); },
                                                          "expected hard_delete to be refused");
  CHECK(message.find("stream 'shop-orders' loads into external table " + schema +
                     ".orders, which is append-only") != std::string::npos);
  CHECK(message.find("unset hard_delete or remove the stream from external_tables") !=
        std::string::npos);
  s3::Client client(s3_config());
  CHECK(client.list_objects(prefix).empty());
}
