// SQL statement text for loading a table from a staging table, for any Dialect. Every
// identifier is quoted; values never appear in the text (they travel in the staging table),
// except the integer ACTIVATE_VERSION number. The _sdc_ metadata columns (and the _sdc_ aliases
// of the statements) are named with metadata_column(), i.e. through dialect.safe_name(): the
// examples below show a dialect that keeps case; one that folds to upper case gets
// "_SDC_SEQUENCE", "_SDC_DELETED_AT", ... as plan_table() created them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chorus/sql/dialect.h"

namespace chorus::sql {

// The quoted names of `columns`, each after `prefix`, comma-separated: "a", "b" (or with a
// prefix: "src"."a", "src"."b"), as statements (a COPY's column list, say) name them.
std::string column_list(const Dialect &dialect, const std::vector<Column> &columns,
                        const std::string &prefix = {});

// CREATE SCHEMA IF NOT EXISTS "s"
std::string create_schema(const Dialect &dialect, const std::string &schema);

// CREATE TABLE IF NOT EXISTS "s"."t" ("a" bigint, "b" text, PRIMARY KEY ("a"))
// (no PRIMARY KEY clause when `key_columns` is empty)
std::string create_table(const Dialect &dialect, const TableName &table,
                         const std::vector<Column> &columns,
                         const std::vector<std::string> &key_columns);

// <dialect.create_staging_table_prefix()> "t" ("a" bigint, "b" text): same columns, no keys.
std::string create_staging_table(const Dialect &dialect, const TableName &staging,
                                 const std::vector<Column> &columns);

// ALTER TABLE "s"."t" ADD COLUMN "c" <type>
std::string add_column(const Dialect &dialect, const TableName &table, const Column &column);

// ALTER TABLE "s"."t" <dialect.alter_type_clause(column, to)>
std::string alter_column_type(const Dialect &dialect, const TableName &table,
                              const std::string &column, const LogicalType &to);

// The staging rows with one row per key, the one with the highest _sdc_sequence winning:
//   SELECT "a", "b" FROM (SELECT "a", "b", ROW_NUMBER() OVER (PARTITION BY "a" ORDER BY
//   "_sdc_sequence" DESC) AS "_sdc_row_number" FROM "stage") AS "_sdc_ranked"
//   WHERE "_sdc_row_number" = 1
// With no key columns: SELECT "a", "b" FROM "stage".
std::string deduplicated_select(const Dialect &dialect, const TableName &staging,
                                const std::vector<Column> &columns,
                                const std::vector<std::string> &key_columns);

// The statements that move a staging table into `table`, to run in one transaction, in order.
// With key columns, per dialect.upsert_method():
//  - InsertOnConflict: INSERT INTO t (cols) <dedup> ON CONFLICT (keys) DO UPDATE SET
//    "b" = EXCLUDED."b", ... (DO NOTHING when every column is a key)
//  - Merge: MERGE INTO t USING (<dedup>) AS "_sdc_source" ON t.k = "_sdc_source".k ...
//    WHEN MATCHED THEN UPDATE SET ... WHEN NOT MATCHED THEN INSERT (...) VALUES (...)
//  - DeleteInsert: DELETE FROM t USING "stage" WHERE t.k = "stage".k; INSERT INTO t (cols)
//    <dedup>
// Without key columns (append-only streams): INSERT INTO t (cols) SELECT cols FROM "stage".
// With staging_keys_unique, the caller guarantees that no two staging rows share a key as the
// database compares them, and <dedup> becomes a plain SELECT cols FROM "stage".
std::vector<std::string> upsert_from_staging(const Dialect &dialect, const TableName &table,
                                             const TableName &staging,
                                             const std::vector<Column> &columns,
                                             const std::vector<std::string> &key_columns,
                                             bool staging_keys_unique = false);

// A soft delete marks a row; it must not blank it. Deletion records often carry only the key
// (a change log's delete does), so before the upsert the columns they leave NULL take the
// values the table already holds for that key (metadata columns and keys are left as staged;
// values from earlier in the same batch were filled in by RecordBatch::fill_deletions()):
// UPDATE staging SET "a" = COALESCE(staging."a", t."a"), ... FROM t WHERE
// staging."_sdc_deleted_at" IS NOT NULL AND staging."id" = t."id". Empty when there is nothing to
// keep (no keys, or only keys and metadata columns).
std::string keep_values_of_deleted_rows(const Dialect &dialect, const TableName &table,
                                        const TableName &staging,
                                        const std::vector<Column> &columns,
                                        const std::vector<std::string> &key_columns);

// Hard delete of the rows the tap marked deleted:
// DELETE FROM t WHERE "_sdc_deleted_at" IS NOT NULL
std::string delete_marked_rows(const Dialect &dialect, const TableName &table);

// ACTIVATE_VERSION `version`: rows of older table versions (or with none) are gone.
//  hard: DELETE FROM t WHERE "_sdc_table_version" IS NULL OR "_sdc_table_version" < v
//  soft: UPDATE t SET "_sdc_deleted_at" = <now> WHERE ("_sdc_table_version" IS NULL OR
//        "_sdc_table_version" < v) AND "_sdc_deleted_at" IS NULL
std::string retire_old_versions(const Dialect &dialect, const TableName &table,
                                std::int64_t version, bool hard_delete);

// DROP TABLE IF EXISTS "s"."t" (a staging table after its load)
std::string drop_table(const Dialect &dialect, const TableName &table);

// GRANT USAGE ON SCHEMA "s" TO <dialect.grantee(grantee)>
std::string grant_usage(const Dialect &dialect, const std::string &schema,
                        const std::string &grantee);

// Read access for a grantee (a "grants" entry, see Dialect::grantee) on everything in a schema:
//   GRANT USAGE ON SCHEMA "s" TO <prefix>"r"; GRANT SELECT ON ALL TABLES IN SCHEMA "s" TO ...
std::vector<std::string> grant_read(const Dialect &dialect, const std::string &schema,
                                    const std::string &role);

}  // namespace chorus::sql
