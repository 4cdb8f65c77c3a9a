// Stages a Singer stream the way the warehouse targets do: read RECORD lines into a batch, then
// write the batch as CSV, compress it and upload it to S3. For bench/staging/run.sh.
//
//   chorus-bench-staging stage < stream.singer     (needs CHORUS_TEST_S3_*; removes its files;
//                                                   stages the batch 3 times and prints
//                                                   "parse_seconds S", "staging_seconds S"
//                                                   (the median), "staging_range S-S" and
//                                                   "staging_rss_mib M" on stdout)
//   chorus-bench-staging csv < stream.singer > out.csv   (the same CSV bytes, uncompressed)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "chorus/s3/client.h"
#include "chorus/s3/csv.h"
#include "chorus/s3/staging.h"
#include "chorus/singer/reader.h"
#include "chorus/singer/record_batch.h"
#include "chorus/warehouse/record_rows.h"
#include "s3_test_server.h"

namespace {

// Resident memory now, and the peak so far, in KiB.
long resident_kib() {
  long pages = 0, resident = 0;
  if (std::FILE *statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peak_resident_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

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
  // A warehouse target reads a whole batch, then stages it (StagedWarehouseSink::stage), so
  // reading is timed apart: staging begins with the batch in memory.
  const auto parse_started = std::chrono::steady_clock::now();
  chorus::singer::RecordBatch records;
  std::vector<chorus::RecordMeta> metas;
  while (reader.next(message)) {
    if (message.type == chorus::singer::MessageType::Schema) columns = columns_of(message);
    if (message.type != chorus::singer::MessageType::Record) continue;
    records.append(message.record, message.line_number, message.line);
    chorus::RecordMeta &meta = metas.emplace_back();
    meta.line_number = message.line_number;
    meta.sequence = static_cast<std::int64_t>(++rows);
  }
  const std::chrono::duration<double> parsing = std::chrono::steady_clock::now() - parse_started;
  const long resident_before = resident_kib();
  // Three stagings of the batch, each under a prefix of its own; the median is the figure, as
  // bench/run.sh takes the median of three runs (one run alone mostly shows the noise).
  constexpr int kRuns = 3;
  std::vector<double> seconds;
  const std::string prefix = options.prefix;
  for (int run = 0; run < kRuns; ++run) {
    options.prefix = prefix + std::to_string(run) + "/";
    const auto started = std::chrono::steady_clock::now();
    // The warehouse targets' own staging.
    const chorus::warehouse::RecordRowWriter row_writer(columns, "");
    chorus::s3::StagedBatch batch =
        chorus::warehouse::stage_batch(client, options, row_writer, records, metas);
    // Staging ends when the last object is stored; removing the staged files afterwards is the
    // loader's clean-up, timed apart (s3rver's multi-delete is slow and retried, real S3 is
    // not).
    const std::chrono::duration<double> staging = std::chrono::steady_clock::now() - started;
    seconds.push_back(staging.count());
    std::fprintf(stderr, "staged %llu rows: %llu CSV bytes -> %llu bytes in %zu files, %.3f s\n",
                 static_cast<unsigned long long>(batch.rows),
                 static_cast<unsigned long long>(batch.csv_bytes),
                 static_cast<unsigned long long>(batch.stored_bytes), batch.files.size(),
                 staging.count());
    chorus::s3::delete_staged(client, batch);
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("parse_seconds %.3f\n", parsing.count());
  std::printf("staging_seconds %.3f\n", seconds[kRuns / 2]);
  std::printf("staging_range %.3f-%.3f\n", seconds.front(), seconds.back());
  // What staging adds to the batch it is given: the writer's chunks, compressors and parts.
  std::printf("staging_rss_mib %.1f\n",
              static_cast<double>(peak_resident_kib() - resident_before) / 1024.0);
  return 0;
}
