// Stages a Singer stream the way the warehouse targets do: parse RECORD lines, write CSV,
// compress, upload to S3. For bench/staging/run.sh.
//
//   chorus-bench-staging stage < stream.singer     (needs CHORUS_TEST_S3_*; removes its files;
//                                                   prints "staging_seconds S" on stdout)
//   chorus-bench-staging csv < stream.singer > out.csv   (the same CSV bytes, uncompressed)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "chorus/s3/client.h"
#include "chorus/s3/csv.h"
#include "chorus/s3/staging.h"
#include "chorus/singer/reader.h"
#include "chorus/warehouse/record_rows.h"
#include "s3_test_server.h"

namespace {

// Columns in SCHEMA property order; each record is written in that order.
std::vector<std::string> columns_of(const chorus::singer::Message &message) {
  std::vector<std::string> columns;
  for (const auto &[name, schema] : message.document["schema"]["properties"].items()) {
    (void)schema;
    columns.push_back(name);
  }
  return columns;
}

}  // namespace

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "stage" && mode != "csv") {
    std::fprintf(stderr, "usage: chorus-bench-staging stage|csv < stream.singer\n");
    return 2;
  }
  chorus::singer::MessageReader reader(0);
  chorus::singer::Message message;
  std::vector<std::string> columns;
  std::uint64_t rows = 0;

  if (mode == "csv") {
    std::string out;
    while (reader.next(message)) {
      if (message.type == chorus::singer::MessageType::Schema) columns = columns_of(message);
      if (message.type != chorus::singer::MessageType::Record) continue;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) out.push_back(',');
        if (const auto *field = message.record.find(columns[i])) {
          chorus::s3::append_csv_value(out, field->value);
        }
      }
      out.push_back('\n');
      if (out.size() > (1u << 20)) {
        if (write(1, out.data(), out.size()) < 0) return 1;
        out.clear();
      }
    }
    if (write(1, out.data(), out.size()) < 0) return 1;
    return 0;
  }

  chorus::s3::Client client(chorus::testing::test_s3_config("bench"));
  chorus::s3::StagingOptions options;
  options.prefix = "bench/staging-" + std::to_string(getpid()) + "/";
  options.compression = chorus::s3::Compression::Zstd;
  options.file_count = 4;
  const auto started = std::chrono::steady_clock::now();
  chorus::s3::StagingWriter writer(client, options);
  // Rows are written by the RecordRowWriter the warehouse targets use.
  std::unique_ptr<chorus::warehouse::RecordRowWriter> row_writer;
  chorus::RecordMeta meta;
  while (reader.next(message)) {
    if (message.type == chorus::singer::MessageType::Schema) {
      row_writer = std::make_unique<chorus::warehouse::RecordRowWriter>(columns_of(message), "");
    }
    if (message.type != chorus::singer::MessageType::Record || !row_writer) continue;
    meta.line_number = message.line_number;
    meta.sequence = static_cast<std::int64_t>(++rows);
    row_writer->write(writer, message.record, meta);
  }
  // Where the time goes: reading, parsing and encoding every record, then what finish() waits
  // for (compressing the last chunks, the uploads still running, the manifest).
  const std::chrono::duration<double> records = std::chrono::steady_clock::now() - started;
  chorus::s3::StagedBatch batch = writer.finish();
  // Staging ends when the last object is stored; removing the staged files afterwards is the
  // loader's clean-up, timed apart (s3rver's multi-delete is slow and retried, real S3 is not).
  const std::chrono::duration<double> staging = std::chrono::steady_clock::now() - started;
  std::printf("staging_seconds %.3f\n", staging.count());
  std::printf("records_seconds %.3f\n", records.count());
  std::printf("finish_seconds %.3f\n", staging.count() - records.count());
  std::fprintf(stderr, "staged %llu rows: %llu CSV bytes -> %llu bytes in %zu files\n",
               static_cast<unsigned long long>(batch.rows),
               static_cast<unsigned long long>(batch.csv_bytes),
               static_cast<unsigned long long>(batch.stored_bytes), batch.files.size());
  chorus::s3::delete_staged(client, batch);
  return 0;
}
