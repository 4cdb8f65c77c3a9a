// Values against the columns a load puts them in, checked before any reaches the database, so
// that a value the column would round, cut or refuse is reported as the record it came from
// (stream, Singer line, property, value) instead of as a failed batch.
//
//   sql::TablePlan plan = sql::plan_table(dialect, stream, schema, keys, existing);
//   sql::size_decimals_from_data(dialect, plan, &batch);     // before creating the table
//   sql::check_values_fit(dialect, plan, batch, "target-x", stream);  // before each load
#pragma once

#include <string_view>

#include "chorus/singer/record_batch.h"
#include "chorus/sql/dialect.h"
#include "chorus/sql/table_plan.h"

namespace chorus::sql {

// For a dialect whose decimals are bounded (Dialect::max_decimal_precision() > 0): every new
// column of `plan` (plan.create_table, or in plan.add) that is an unconstrained Decimal gets
// the most digits the dialect allows, with as many after the point as the values of `batch`
// for it have (at least the scale the schema asked for; 9 when the batch has none), so that
// 1e-30 gets NUMERIC(38,30). When the batch's values need more digits in all than the dialect
// has, the integer digits win: the values that then do not fit are refused by
// check_values_fit(). Does nothing for an unbounded dialect. `batch` may be null (no records
// yet).
void size_decimals_from_data(const Dialect &dialect, TablePlan &plan,
                             const singer::RecordBatch *batch);

// Throws chorus::FatalError for the first record of `batch` without a value for a key
// property, or the first value that Dialect::refusal() refuses for its column: "<plugin>: stream
// '<s>', line <n>: property '<p>' value <v> cannot be stored exactly: <reason>; <what to do>".
void check_values_fit(const Dialect &dialect, const TablePlan &plan,
                      const singer::RecordBatch &batch, std::string_view plugin,
                      std::string_view stream);

}  // namespace chorus::sql
