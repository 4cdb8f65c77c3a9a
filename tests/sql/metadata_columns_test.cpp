#include "chorus/sql/metadata_columns.h"

#include <doctest/doctest.h>

#include <charconv>
#include <limits>
#include <vector>

#include "chorus/plugin/target.h"

using namespace chorus::sql;
using chorus::singer::Field;
using chorus::singer::RecordView;
using chorus::singer::Value;
using chorus::singer::ValueKind;

TEST_CASE("the six _sdc_ fields come in the Meltano SDK's order with their types") {
  const auto &fields = metadata_fields();
  const char *const names[] = {"_sdc_extracted_at", "_sdc_received_at", "_sdc_batched_at",
                               "_sdc_deleted_at",   "_sdc_sequence",    "_sdc_table_version"};
  for (std::size_t i = 0; i < fields.size(); ++i) CHECK(fields[i].name == names[i]);
  for (std::size_t i = 0; i < 4; ++i) CHECK(fields[i].type.kind == TypeKind::TimestampTz);
  for (std::size_t i = 4; i < 6; ++i) {
    CHECK(fields[i].type.kind == TypeKind::Integer);
    CHECK(fields[i].type.integer_bytes == 8);
  }
  const std::vector<Column> columns = metadata_columns();
  REQUIRE(columns.size() == fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    CHECK(columns[i].name == fields[i].name);
    CHECK(columns[i].type.kind == fields[i].type.kind);
  }
}

TEST_CASE("every _sdc_ field but _sdc_deleted_at is set anew on each delivery") {
  for (const MetadataField &field : metadata_fields()) {
    CHECK(set_per_delivery(field.name) == (field.name != kDeletedAt));
    // The record brings _sdc_deleted_at; the target fills the others.
    CHECK(filled_by_target(field) == (field.name != kDeletedAt));
    CHECK(metadata_field(field.name) == &field);
  }
  CHECK(metadata_field("id") == nullptr);
  CHECK_FALSE(set_per_delivery("id"));
  CHECK(metadata_field("_sdc_other") == nullptr);
}

TEST_CASE("metadata_value fills each _sdc_ field from the record, its delivery and its batch") {
  RecordView record;
  record.time_extracted = "2024-05-01T10:00:00Z";
  record.version = 1714557600000;
  record.fields = {{"id", Value{ValueKind::Number, "7"}},
                   {"_sdc_deleted_at", Value{ValueKind::String, "2024-05-01T09:00:00Z"}}};
  chorus::RecordMeta meta;
  meta.sequence = 42;
  meta.received_at = "2024-05-01T10:00:01.250Z";
  std::string scratch;
  auto value = [&](MetadataSource source) {
    Value v = metadata_value(source, record, meta, "2024-05-01T10:00:02.000Z", scratch);
    return std::make_pair(v.kind, std::string(v.text));
  };
  using Pair = std::pair<ValueKind, std::string>;
  CHECK(value(MetadataSource::ExtractedAt) == Pair{ValueKind::String, "2024-05-01T10:00:00Z"});
  CHECK(value(MetadataSource::ReceivedAt) == Pair{ValueKind::String, "2024-05-01T10:00:01.250Z"});
  CHECK(value(MetadataSource::BatchedAt) == Pair{ValueKind::String, "2024-05-01T10:00:02.000Z"});
  CHECK(value(MetadataSource::DeletedAt) == Pair{ValueKind::String, "2024-05-01T09:00:00Z"});
  CHECK(value(MetadataSource::Sequence) == Pair{ValueKind::Number, "42"});
  CHECK(value(MetadataSource::TableVersion) == Pair{ValueKind::Number, "1714557600000"});
}

TEST_CASE("metadata_value is null where the record has no time, version or deletion") {
  RecordView record;
  record.fields = {{"id", Value{ValueKind::Number, "7"}},
                   {"_sdc_deleted_at", Value{ValueKind::Null, "null"}}};
  chorus::RecordMeta meta;
  meta.sequence = -3;
  std::string scratch;
  for (MetadataSource source :
       {MetadataSource::ExtractedAt, MetadataSource::ReceivedAt, MetadataSource::BatchedAt,
        MetadataSource::DeletedAt, MetadataSource::TableVersion}) {
    CHECK(metadata_value(source, record, meta, "", scratch).is_null());
  }
  const Value sequence = metadata_value(MetadataSource::Sequence, record, meta, "", scratch);
  CHECK(sequence.kind == ValueKind::Number);
  CHECK(sequence.text == "-3");
  CHECK_FALSE(marks_deletion(record));
}

TEST_CASE("CountingDigits writes each number as to_chars does, counting up or not") {
  // Runs across the places where counting up carries into a new digit, and jumps, zero and
  // negative numbers, where it must convert instead.
  const std::vector<std::int64_t> starts = {-12,
                                            -1,
                                            0,
                                            1,
                                            7,
                                            95,
                                            995,
                                            1999,
                                            9990,
                                            1796288995,
                                            std::numeric_limits<std::int64_t>::max() - 3};
  CountingDigits digits;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (const std::int64_t start : starts) {
    const std::int64_t last = start > kMax - 12 ? kMax : start + 12;
    for (std::int64_t number = start; number <= last; ++number) {
      char expected[24];
      const char *end = std::to_chars(expected, expected + sizeof expected, number).ptr;
      CAPTURE(number);
      REQUIRE(digits.of(number) ==
              std::string_view(expected, static_cast<std::size_t>(end - expected)));
      if (number == kMax) break;
    }
  }
  CHECK(digits.of(41) == "41");  // a jump back
  CHECK(digits.of(42) == "42");
  CHECK(digits.of(42) == "42");  // the same number again (a table version)
  CHECK(digits.of(43) == "43");  // and counting up after it
}
