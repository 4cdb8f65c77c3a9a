// The Redshift dialect of chorus::sql: identifiers of up to 127 bytes folded to lower case,
// VARCHAR lengths in bytes, SUPER for JSON, and DELETE + INSERT upserts.
#pragma once

#include "chorus/sql/dialect.h"

namespace chorus::target_redshift {

// Redshift's longest VARCHAR, in bytes.
inline constexpr std::size_t kMaxVarcharBytes = 65535;

class RedshiftDialect : public sql::Dialect {
 public:
  // `postgres_standin`: the test-only mode that loads into PostgreSQL. Types PostgreSQL lacks
  // are replaced (SUPER -> jsonb) and identifiers are limited to PostgreSQL's 63 bytes.
  explicit RedshiftDialect(bool postgres_standin = false) : standin_(postgres_standin) {}

  std::string_view name() const override { return "redshift"; }
  const sql::IdentifierRules &identifier_rules() const override;
  // Integer -> SMALLINT/INTEGER/BIGINT; Decimal -> NUMERIC(p,s) (p <= 38, unconstrained ->
  // NUMERIC(38,9)); Float -> DOUBLE PRECISION; Boolean -> BOOLEAN; Text -> VARCHAR(bytes):
  // maxLength characters may take 4 bytes each in UTF-8, so 4 x maxLength capped at 65535,
  // and 65535 without maxLength; Date -> DATE; Time -> TIME; Timestamp -> TIMESTAMP;
  // TimestampTz -> TIMESTAMPTZ; Interval and Uuid -> VARCHAR (their text); Json -> SUPER;
  // Bytes -> VARCHAR(65535) holding the base64 text.
  std::string column_type(const sql::LogicalType &type) const override;
  sql::LogicalType parse_catalog_type(const sql::CatalogColumn &column) const override;
  // Redshift alters a column's type only to lengthen a VARCHAR.
  bool can_alter_type(const sql::LogicalType &from, const sql::LogicalType &to) const override;
  std::string alter_type_clause(const std::string &column,
                                const sql::LogicalType &to) const override;
  sql::UpsertMethod upsert_method() const override { return sql::UpsertMethod::DeleteInsert; }
  int max_decimal_precision() const override { return 38; }
  // ANALYZE; VACUUM is left to Redshift's automatic VACUUM DELETE (and vacuum_after_load), since
  // the cluster runs one VACUUM at a time.
  std::vector<std::string> statistics_statements(const sql::TableName &table) const override {
    return {"ANALYZE " + qualified(table)};
  }
  // Bounded numerics, and text longer in bytes than its VARCHAR (Redshift counts bytes).
  bool checks_values(const sql::LogicalType &type) const override;
  std::string refusal(const sql::LogicalType &type, const singer::Value &value) const override;
  // The VARCHAR size in bytes of a Text column: 4 bytes per character of maxLength, at most
  // 65,535.
  static std::size_t varchar_bytes(const sql::LogicalType &type);
  // `keyword`(p,s) of a constrained Decimal, precision capped at 38 and scale at the precision.
  static std::string bounded_decimal(std::string_view keyword, const sql::LogicalType &type);
  // GETDATE() runs on compute nodes, where UPDATE needs it; CURRENT_TIMESTAMP is leader-only.
  std::string current_timestamp() const override {
    return standin_ ? "CURRENT_TIMESTAMP" : "GETDATE()";
  }
  // "GROUP g" -> GROUP "g", "ROLE r" -> ROLE "r" (either case), anything else a user: "alice".
  std::string grantee(std::string_view entry) const override;
  // Redshift reads a backslash in a literal as an escape, so backslashes are doubled too;
  // PostgreSQL (the stand-in, standard strings) doubles quotes only.
  std::string string_literal(std::string_view text) const override;

  bool postgres_standin() const { return standin_; }

 private:
  bool standin_;
};

}  // namespace chorus::target_redshift
