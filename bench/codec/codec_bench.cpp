// Measures the Singer codec on synthetic order records (about 150 bytes a line):
//   serialize    MessageWriter's direct serializer, to /dev/null
//   read+parse   MessageReader over an in-memory file
//   +validate    the same plus RecordValidator on every record
//   +batch       the same plus RecordBatch::append (cleared every 10,000 records)
//   pass-through read+parse and write_record to /dev/null (a mapper's loop)
//
// Usage: chorus-codec-bench [records (default 2000000)] [rounds (default 3)] [phase]
// With a phase name (serialize, parse, validate, batch, pass) only that phase runs, for
// profiling it alone.
// Each figure is the best of the rounds; CPU time (this thread) and wall time are shown.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "chorus/singer/reader.h"
#include "chorus/singer/record_batch.h"
#include "chorus/singer/validator.h"
#include "chorus/singer/writer.h"

using namespace chorus::singer;

namespace {

const char *const kStatuses[] = {"new", "paid", "shipped", "delivered", "returned"};

// Values are formatted once up front, so that the serialize figure is the codec's cost and not
// snprintf's.
struct OrderValues {
  std::vector<std::string> amounts;
  std::vector<std::string> timestamps;

  OrderValues() {
    char text[40];
    for (int i = 0; i < 997; ++i) {
      const int cents = (i * 7919) % 1000000;
      std::snprintf(text, sizeof text, "%d.%02d", cents / 100, cents % 100);
      amounts.emplace_back(text);
      std::snprintf(text, sizeof text, "2024-05-%02dT%02d:%02d:%02dZ", 1 + i % 28, i % 24, i % 60,
                    (i * 7) % 60);
      timestamps.emplace_back(text);
    }
  }
};

// Writes `count` order records: the tap's side of the codec.
void write_orders(MessageWriter &writer, const OrderValues &values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    writer.begin_record("orders");
    writer.add_int("id", static_cast<std::int64_t>(1000000 + i));
    writer.add_int("customer_id", static_cast<std::int64_t>(i % 50000));
    writer.add_string("status", kStatuses[i % 5]);
    writer.add_number("amount", values.amounts[i % values.amounts.size()]);
    writer.add_string("currency", "EUR");
    writer.add_string("created_at", values.timestamps[i % values.timestamps.size()]);
    if (i % 10 == 0) {
      writer.add_string("note", "gift \"wrap\"");
    } else {
      writer.add_null("note");
    }
    writer.end_record();
  }
}

const nlohmann::json &order_schema() {
  static const nlohmann::json schema = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "customer_id": {"type": ["integer", "null"]},
      "status": {"type": "string", "enum": ["new", "paid", "shipped", "delivered", "returned"]},
      "amount": {"type": "number", "minimum": 0},
      "currency": {"type": "string", "maxLength": 3},
      "created_at": {"type": "string", "format": "date-time"},
      "note": {"type": ["string", "null"]}
    },
    "required": ["id", "status"],
    "additionalProperties": false
  })");
  return schema;
}

// Wall time and this thread's CPU time of `work`. On a busy machine the CPU time is the
// figure to read: wall time then mostly measures the other processes.
struct Timing {
  double wall = 1e30;
  double cpu = 1e30;
};

double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

void keep_best(Timing &best, const std::function<void()> &work) {
  const double cpu_start = thread_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  work();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  best.wall = std::min(best.wall, wall);
  best.cpu = std::min(best.cpu, thread_cpu_seconds() - cpu_start);
}

void report(const char *name, std::size_t records, std::uint64_t bytes, const Timing &timing) {
  const auto n = static_cast<double>(records);
  std::printf("%-20s cpu %6.0f ns/record %9.0f records/s %7.1f MB/s | wall %6.0f ns/record\n", name,
              timing.cpu * 1e9 / n, n / timing.cpu, static_cast<double>(bytes) / timing.cpu / 1e6,
              timing.wall * 1e9 / n);
}

}  // namespace

int main(int argc, char **argv) {
  const std::size_t records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string only = argc > 3 ? argv[3] : "";
  const auto runs = [&only](const char *phase) { return only.empty() || only == phase; };
  const OrderValues values;
  const int input = ::memfd_create("orders", 0);
  const int sink = ::open("/dev/null", O_WRONLY);
  if (input < 0 || sink < 0 || records == 0) {
    std::fprintf(stderr, "chorus-codec-bench: cannot set up the input (memfd) or /dev/null\n");
    return 1;
  }
  {
    MessageWriter writer(input);
    write_orders(writer, values, records);
  }
  const auto input_bytes = static_cast<std::uint64_t>(::lseek(input, 0, SEEK_END));
  std::printf("%zu records, %.1f bytes a line, %d rounds (best shown)\n", records,
              static_cast<double>(input_bytes) / static_cast<double>(records), rounds);

  RecordValidator validator(order_schema());
  Timing serialize, parse, validate, batch, pass;
  std::size_t invalid = 0;
  for (int round = 0; round < rounds; ++round) {
    if (runs("serialize"))
      keep_best(serialize, [&] {
        MessageWriter writer(sink);
        write_orders(writer, values, records);
      });
    if (runs("parse"))
      keep_best(parse, [&] {
        ::lseek(input, 0, SEEK_SET);
        MessageReader reader(input);
        Message message;
        std::size_t fields = 0;
        while (reader.next(message)) fields += message.record.fields.size();
        if (fields != records * 7) std::abort();
      });
    if (runs("validate"))
      keep_best(validate, [&] {
        ::lseek(input, 0, SEEK_SET);
        MessageReader reader(input);
        Message message;
        invalid = 0;
        while (reader.next(message)) invalid += validator.validate(message.record).has_value();
      });
    if (runs("batch"))
      keep_best(batch, [&] {
        ::lseek(input, 0, SEEK_SET);
        MessageReader reader(input);
        Message message;
        RecordBatch records_batch;
        while (reader.next(message)) {
          records_batch.append(message.record, message.line_number);
          if (records_batch.size() == 10000) records_batch.clear();
        }
      });
    if (runs("pass"))
      keep_best(pass, [&] {
        ::lseek(input, 0, SEEK_SET);
        MessageReader reader(input);
        MessageWriter writer(sink);
        Message message;
        while (reader.next(message)) writer.write_record(message.record);
      });
  }
  if (runs("serialize")) report("serialize", records, input_bytes, serialize);
  if (runs("parse")) report("read+parse", records, input_bytes, parse);
  if (runs("validate")) report("read+parse+validate", records, input_bytes, validate);
  if (runs("batch")) report("read+parse+batch", records, input_bytes, batch);
  if (runs("pass")) report("pass-through", records, input_bytes, pass);
  if (invalid != 0) {
    std::fprintf(stderr, "chorus-codec-bench: %zu records failed validation\n", invalid);
    return 1;
  }
  ::close(input);
  ::close(sink);
  return 0;
}
