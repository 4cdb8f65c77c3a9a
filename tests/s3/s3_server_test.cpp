// The S3 client and the staging writer against a real S3-compatible server (s3rver, started by
// scripts/test-services.sh). Settings come from CHORUS_TEST_S3_*.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../s3_test_server.h"
#include "../service_env.h"
#include "../thrown_error.h"
#include "chorus/s3/client.h"
#include "chorus/s3/staging.h"
#include "chorus/warehouse/record_rows.h"

using namespace chorus::s3;
using chorus::warehouse::RecordRowWriter;

namespace {

using chorus::testing::env;
using chorus::testing::thrown;
using chorus::testing::uncompressed_staging;

bool have_server() { return chorus::testing::have_services({chorus::testing::Service::S3}); }

ClientConfig server_config() { return chorus::testing::test_s3_config_retrying(1, 10); }

// A fresh key prefix per test, so runs never see each other's objects.
std::string unique_prefix(const char *test) {
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "tests/s3/" + std::string(test) + "-" + std::to_string(getpid()) + "-" +
         std::to_string(now) + "/";
}

// Staging options under a fresh prefix for `test`, the rest as the defaults.
StagingOptions fresh_staging(const char *test) {
  StagingOptions options;
  options.prefix = unique_prefix(test);
  return options;
}

// Staging under a fresh prefix for `test` into four files, told to expect 20,000 rows, in
// chunks small enough that each file takes many.
StagingOptions grouped_staging(const char *test) {
  StagingOptions options = fresh_staging(test);
  options.file_count = 4;
  options.chunk_bytes = 2000;
  options.expected_rows = 20000;
  return options;
}

// Staging under a fresh prefix for `test` that starts a new file after `max_file_bytes`, in
// chunks small enough to split on.
StagingOptions split_by_size(const char *test, std::size_t max_file_bytes) {
  StagingOptions options = fresh_staging(test);
  options.split = SplitMode::Size;
  options.max_file_bytes = max_file_bytes;
  options.chunk_bytes = 1000;
  return options;
}

// The first column of every line of `csv`, as numbers.
std::vector<long> first_numbers(const std::string &csv) {
  std::vector<long> numbers;
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) numbers.push_back(std::stol(line));
  return numbers;
}

// Writes rows numbered from `first` to before `end`, a number and a short text each.
void write_numbered_rows(StagingWriter &writer, int first, int end) {
  for (int i = first; i < end; ++i) {
    writer.add_raw(std::to_string(i));
    writer.add_string("row " + std::to_string(i));
    writer.end_row();
  }
}

// Each file's row numbers, in file order.
std::vector<std::vector<long>> numbers_per_file(Client &client, const StagedBatch &batch) {
  std::vector<std::vector<long>> files;
  for (const StagedFile &file : batch.files) {
    files.push_back(first_numbers(read_staged_object(client, file.key, batch.compression)));
    CHECK(files.back().size() == file.rows);
  }
  return files;
}

// Whether `key` is stored within a minute (waiting on an upload, not timing it).
bool stored_within_a_minute(Client &client, const std::string &key) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.head_object(key).has_value()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("put, get, list and delete round-trip a key that needs encoding") {
  if (!have_server()) return;
  Client client(server_config());
  const std::string prefix = unique_prefix("roundtrip");
  const std::string key = prefix + "odd name $1 (ü).txt";
  client.put_object(key, "hello, s3", "text/plain");
  CHECK(client.get_object(key) == "hello, s3");
  auto listed = client.list_objects(prefix);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].key == key);
  CHECK(listed[0].size == 9);
  client.delete_object(key);
  CHECK(client.list_objects(prefix).empty());
}

TEST_CASE("list follows continuation tokens past one page") {
  if (!have_server()) return;
  Client client(server_config());
  const std::string prefix = unique_prefix("paging");
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) {
    keys.push_back(prefix + "object-" + std::to_string(i));
    client.put_object(keys.back(), std::to_string(i));
  }
  auto listed = client.list_objects(prefix, 2);
  CHECK(listed.size() == 5);
  client.delete_objects(keys);
  CHECK(client.list_objects(prefix).empty());
}

TEST_CASE("a missing object is a 404 NoSuchKey that is not retried") {
  if (!have_server()) return;
  Client client(server_config());
  const auto error = thrown<S3Error>(
      [&] { client.get_object(unique_prefix("missing") + "nothing-here"); }, "expected S3Error");
  CHECK(error.status() == 404);
  CHECK(error.code() == "NoSuchKey");
  CHECK_FALSE(error.transient());
  CHECK(std::string(error.what()).find("GetObject s3://") != std::string::npos);
}

TEST_CASE("an unknown access key is refused and the message holds no secret") {
  if (!have_server()) return;
  ClientConfig config = server_config();
  config.credentials.access_key_id = "CHORUSUNKNOWNKEY";
  config.credentials.secret_access_key = "definitely-wrong-secret";
  Client client(config);
  const auto error = thrown<S3Error>([&] { client.put_object(unique_prefix("badkey") + "x", "x"); },
                                     "expected S3Error");
  CHECK(error.status() == 403);
  CHECK(error.code() == "InvalidAccessKeyId");
  CHECK(std::string(error.what()).find("definitely-wrong-secret") == std::string::npos);
}

TEST_CASE("a multipart upload joins its parts in order") {
  if (!have_server()) return;
  Client client(server_config());
  const std::string key = unique_prefix("multipart") + "big.bin";
  std::string first(MultipartUpload::kMinPartBytes, 'a');
  std::string second = "tail";
  {
    MultipartUpload upload(client, key);
    upload.add_part(first);
    upload.add_part(second);
    upload.complete();
    CHECK(upload.parts() == 2);
  }
  std::string back = client.get_object(key);
  CHECK(back.size() == first.size() + second.size());
  CHECK(back.substr(back.size() - 4) == "tail");
  client.delete_object(key);
}

TEST_CASE("a multipart upload that is not completed is aborted and leaves no object") {
  if (!have_server()) return;
  Client client(server_config());
  const std::string prefix = unique_prefix("aborted");
  {
    MultipartUpload upload(client, prefix + "never.bin");
    upload.add_part(std::string(MultipartUpload::kMinPartBytes, 'b'));
  }
  CHECK(client.list_objects(prefix).empty());
}

TEST_CASE("the staging writer spreads rows over files, writes a manifest and cleans up") {
  if (!have_server()) return;
  for (Compression compression : {Compression::Zstd, Compression::Gzip, Compression::None}) {
    CAPTURE(static_cast<int>(compression));
    Client client(server_config());
    StagingOptions options = fresh_staging("staging");
    options.compression = compression;
    options.file_count = 3;
    options.chunk_bytes = 4096;  // small chunks, so that every file receives some
    StagingWriter writer(client, options);
    std::string expected;
    for (int i = 0; i < 5000; ++i) {
      writer.add_raw(std::to_string(i));
      writer.add_string(i % 7 == 0 ? "" : "name \"" + std::to_string(i) + "\"");
      if (i % 5 == 0)
        writer.add_null();
      else
        writer.add_string("x");
      writer.end_row();
    }
    StagedBatch batch = writer.finish();
    CHECK(batch.rows == 5000);
    REQUIRE(batch.files.size() == 3);
    std::uint64_t rows = 0;
    std::string all;
    for (const StagedFile &file : batch.files) {
      CHECK(file.key.rfind(options.prefix, 0) == 0);
      CHECK(file.rows > 1000);  // round robin: similar sizes
      rows += file.rows;
      std::string csv = read_staged_object(client, file.key, compression);
      CHECK(csv.size() == file.csv_bytes);
      all += csv;
    }
    CHECK(rows == 5000);
    CHECK(all.find("0,\"\",\n") != std::string::npos);  // row 0: empty string, then NULL
    CHECK(all.find("1,\"name \"\"1\"\"\",\"x\"\n") != std::string::npos);
    auto manifest = nlohmann::json::parse(client.get_object(batch.manifest_key));
    CHECK(manifest["entries"].size() == 3);
    CHECK(client.list_objects(options.prefix).size() == 4);
    delete_staged(client, batch);
    CHECK(client.list_objects(options.prefix).empty());
  }
}

TEST_CASE("the staging writer uses multipart uploads for files larger than a part") {
  if (!have_server()) return;
  Client client(server_config());
  const StagingOptions options = uncompressed_staging(unique_prefix("staging-large"), 1);
  StagingWriter writer(client, options);
  const std::string text(100, 'z');
  for (int i = 0; i < 70000; ++i) {  // about 7 MiB of CSV
    writer.add_string(text);
    writer.end_row();
  }
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 1);
  CHECK(batch.files[0].stored_bytes > MultipartUpload::kMinPartBytes);
  CHECK(client.get_object(batch.files[0].key).size() == batch.files[0].stored_bytes);
  delete_staged(client, batch);
}

TEST_CASE("size-based splitting starts a new file after max_file_bytes") {
  if (!have_server()) return;
  Client client(server_config());
  StagingWriter writer(client, split_by_size("staging-size", 10000));
  for (int i = 0; i < 3000; ++i) {  // about 30 kB of CSV
    writer.add_raw(std::to_string(i % 10));
    writer.add_string("abcdefg");
    writer.end_row();
  }
  StagedBatch batch = writer.finish();
  CHECK(batch.files.size() >= 3);
  for (const StagedFile &file : batch.files) CHECK(file.csv_bytes <= 11000);
  delete_staged(client, batch);
}

TEST_CASE("an abandoned staging writer removes what it uploaded") {
  if (!have_server()) return;
  Client client(server_config());
  StagingOptions options = fresh_staging("staging-abort");
  {
    StagingWriter writer(client, options);
    writer.add_raw("1");
    writer.end_row();
  }
  CHECK(client.list_objects(options.prefix).empty());
}

TEST_CASE("each staged file keeps its rows in the order they were written") {
  if (!have_server()) return;
  Client client(server_config());
  StagingOptions options = fresh_staging("staging-order");
  options.file_count = 5;
  options.chunk_bytes = 2000;  // many chunks per file, compressed on several threads
  StagingWriter writer(client, options);
  write_numbered_rows(writer, 0, 20000);
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 5);
  std::size_t rows = 0;
  for (const std::vector<long> &numbers : numbers_per_file(client, batch)) {
    CHECK(std::is_sorted(numbers.begin(), numbers.end()));
    rows += numbers.size();
  }
  CHECK(rows == 20000);
  delete_staged(client, batch);
}

TEST_CASE("knowing the row count, the writer uploads files while later ones fill") {
  if (!have_server()) return;
  Client client(server_config());
  const StagingOptions options = grouped_staging("staging-groups");
  StagingWriter writer(client, options);
  write_numbered_rows(writer, 0, 20000);
  // The first file's group took its rows at row 10000 at the latest: it is stored without
  // finish(), while the last group is still open.
  CHECK(stored_within_a_minute(client, options.prefix + "part-00000.csv.zst"));
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 4);
  const std::vector<std::vector<long>> files = numbers_per_file(client, batch);
  std::size_t rows = 0;
  for (const std::vector<long> &numbers : files) {
    CAPTURE(numbers.size());
    // A quarter each, give or take the chunks a group's files take in turn.
    CHECK(numbers.size() > 4500);
    CHECK(numbers.size() < 5500);
    CHECK(std::is_sorted(numbers.begin(), numbers.end()));
    rows += numbers.size();
  }
  CHECK(rows == 20000);
  // Groups fill one after another: the first file's rows all come before the last file's.
  CHECK(files.front().back() < files.back().front());
  delete_staged(client, batch);
}

TEST_CASE("an abandoned writer also removes the files it uploaded before the end") {
  if (!have_server()) return;
  Client client(server_config());
  const StagingOptions options = grouped_staging("staging-groups-abort");
  {
    StagingWriter writer(client, options);
    write_numbered_rows(writer, 0, 15000);
    REQUIRE(stored_within_a_minute(client, options.prefix + "part-00000.csv.zst"));
  }
  CHECK(client.list_objects(options.prefix).empty());
}

TEST_CASE("rows beyond the expected count go to the last files, and fewer rows to fewer files") {
  if (!have_server()) return;
  Client client(server_config());
  for (int written : {30000, 4000}) {
    CAPTURE(written);
    const StagingOptions options = grouped_staging("staging-groups-count");
    StagingWriter writer(client, options);
    write_numbered_rows(writer, 0, written);
    StagedBatch batch = writer.finish();
    CHECK(batch.rows == static_cast<std::uint64_t>(written));
    std::vector<long> all;
    for (const std::vector<long> &numbers : numbers_per_file(client, batch)) {
      all.insert(all.end(), numbers.begin(), numbers.end());
    }
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == static_cast<std::size_t>(written));
    for (int i = 0; i < written; ++i) CHECK(all[static_cast<std::size_t>(i)] == i);
    // 4,000 rows never reach the end of the first group (row 10,000 at the latest).
    if (written == 4000) CHECK(batch.files.size() <= 2);
    if (written == 30000) CHECK(batch.files.size() == 4);
    delete_staged(client, batch);
  }
}

TEST_CASE("size-based splitting fills files one after another") {
  if (!have_server()) return;
  Client client(server_config());
  StagingWriter writer(client, split_by_size("staging-size-order", 20000));
  for (int i = 0; i < 10000; ++i) {
    writer.add_raw(std::to_string(i));
    writer.end_row();
  }
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() >= 3);
  long next = 0;
  for (const StagedFile &file : batch.files) {
    for (long number : first_numbers(read_staged_object(client, file.key, batch.compression))) {
      CHECK(number == next);
      ++next;
    }
  }
  CHECK(next == 10000);
  delete_staged(client, batch);
}

TEST_CASE("a row larger than a chunk is staged whole") {
  if (!have_server()) return;
  Client client(server_config());
  StagingOptions options = fresh_staging("staging-wide");
  options.file_count = 2;
  options.chunk_bytes = 4096;
  StagingWriter writer(client, options);
  const std::string wide(100000, '"');  // doubled when quoted: 200 kB of CSV in one field
  writer.add_raw("1");
  writer.add_string(wide);
  writer.end_row();
  writer.add_raw("2");
  writer.add_null();
  writer.end_row();
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 2);
  CHECK(read_staged_object(client, batch.files[0].key, batch.compression) ==
        "1,\"" + std::string(200000, '"') + "\"\n");
  CHECK(read_staged_object(client, batch.files[1].key, batch.compression) == "2,\n");
  delete_staged(client, batch);
}

TEST_CASE("record rows follow the column plan whatever order a record lists its properties in") {
  if (!have_server()) return;
  using chorus::singer::Field;
  using chorus::singer::RecordView;
  using chorus::singer::Value;
  using chorus::singer::ValueKind;
  Client client(server_config());
  StagingOptions options = fresh_staging("staging-rows");
  options.file_count = 1;
  StagingWriter writer(client, options);
  RecordRowWriter rows({"id", "name", "_sdc_sequence"}, "2024-01-01T00:00:00Z");
  RecordView first;
  first.fields = {{"id", Value{ValueKind::Number, "1"}}, {"name", Value{ValueKind::String, "a"}}};
  RecordView swapped;
  swapped.fields = {{"name", Value{ValueKind::String, "b"}}, {"id", Value{ValueKind::Number, "2"}}};
  RecordView partial;
  partial.fields = {{"extra", Value{ValueKind::Boolean, "true"}},
                    {"id", Value{ValueKind::Number, "3"}}};
  chorus::RecordMeta meta;
  for (const RecordView *record : {&first, &swapped, &partial, &first}) {
    ++meta.sequence;
    rows.write(writer, *record, meta);
  }
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 1);
  CHECK(read_staged_object(client, batch.files[0].key, batch.compression) ==
        "1,\"a\",1\n2,\"b\",2\n3,,3\n1,\"a\",4\n");
  delete_staged(client, batch);
}

TEST_CASE("files larger than a part are uploaded in parts, several files at once") {
  if (!have_server()) return;
  Client client(server_config());
  const StagingOptions options = uncompressed_staging(unique_prefix("staging-parts"), 2);
  StagingWriter writer(client, options);
  for (int i = 0; i < 120000; ++i) {  // about 12 MiB of CSV: two parts per file
    writer.add_raw(std::to_string(i));
    writer.add_string(std::string(90, static_cast<char>('a' + i % 26)));
    writer.end_row();
  }
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 2);
  for (const StagedFile &file : batch.files) {
    CHECK(file.stored_bytes > MultipartUpload::kMinPartBytes);
    std::string csv = client.get_object(file.key);
    CHECK(csv.size() == file.stored_bytes);
    std::vector<long> numbers = first_numbers(csv);
    CHECK(numbers.size() == file.rows);
    CHECK(std::is_sorted(numbers.begin(), numbers.end()));
  }
  CHECK(batch.rows == 120000);
  delete_staged(client, batch);
}

TEST_CASE("a refused upload fails the batch with the S3 error and stores nothing") {
  if (!have_server()) return;
  Client client(server_config());
  ClientConfig refused = server_config();
  refused.credentials.access_key_id = "CHORUSUNKNOWNKEY";
  Client refused_client(refused);
  const std::string prefix = unique_prefix("staging-refused");
  for (std::size_t part_bytes : {std::size_t{8} << 20, MultipartUpload::kMinPartBytes}) {
    CAPTURE(part_bytes);
    const StagingOptions options = uncompressed_staging(prefix, 1, part_bytes);
    const int rows = part_bytes == MultipartUpload::kMinPartBytes ? 70000 : 10;  // 7 MiB or a few
    const auto error = thrown<S3Error>(
        [&] {
          StagingWriter writer(refused_client, options);
          for (int i = 0; i < rows; ++i) {
            writer.add_string(std::string(100, 'r'));
            writer.end_row();
          }
          writer.finish();
        },
        "expected S3Error");
    CHECK(error.status() == 403);
    CHECK(std::string(error.what()).find(prefix) != std::string::npos);
  }
  CHECK(client.list_objects(prefix).empty());
}
