#include "pipeline/record_ledger.h"

#include <doctest/doctest.h>

#include <string>

using namespace chorus::host;

namespace {

void record(StreamCounts &counts, const std::string &stream) {
  const std::string line = R"({"type":"RECORD","stream":")" + stream + R"(","record":{}})";
  counts.add(peek_singer_line(line));
}

void state(RecordLedger &ledger, const std::string &value) {
  ledger.checkpoints().received(R"({"type":"STATE","value":)" + value + "}",
                                ledger.sent_counts().snapshot());
}

// The ledger's counts of `stream`: RECORDs the tap emitted, that reached the target, that the
// target committed.
void check_tally(const RecordLedger &ledger, const std::string &stream, std::uint64_t read,
                 std::uint64_t sent, std::uint64_t committed) {
  CAPTURE(stream);
  const StreamTally tally = ledger.tally()[stream];
  CHECK(tally.read == read);
  CHECK(tally.sent == sent);
  CHECK(tally.committed == committed);
}

}  // namespace

TEST_CASE("records are counted per stream, also when streams interleave") {
  StreamCounts counts;
  for (int i = 0; i < 3; ++i) record(counts, "a");
  record(counts, "b");
  record(counts, "a");
  CHECK(counts.snapshot() == CountsByStream{{"a", 4}, {"b", 1}});
  CHECK(counts.total() == 5);
}

TEST_CASE("an echoed STATE commits the counts of the STATE with the same value") {
  RecordLedger ledger(false, nlohmann::json::object());
  for (int i = 0; i < 10; ++i) record(ledger.read_counts(), "orders");
  state(ledger, R"({"bookmarks":{"orders":{"id":10}}})");
  for (int i = 0; i < 5; ++i) record(ledger.read_counts(), "orders");
  state(ledger, R"({"bookmarks":{"orders":{"id":15}}})");
  record(ledger.read_counts(), "orders");

  auto stored = ledger.confirmed({{"bookmarks", {{"orders", {{"id", 10}}}}}});
  CHECK(ledger.tally()["orders"].committed == 10);
  CHECK(stored[RecordLedger::kStateKey]["orders"]["committed"] == 10);
  CHECK(ledger.mismatch("target-x")
            .find("stream orders: 15 records before that STATE, 10 "
                  "confirmed committed") != std::string::npos);

  ledger.confirmed({{"bookmarks", {{"orders", {{"id", 15}}}}}});
  check_tally(ledger, "orders", 16, 16, 15);
  CHECK(ledger.mismatch("target-x").empty());
}

TEST_CASE("a target that confirms only the latest of several STATEs commits them all") {
  RecordLedger ledger(false, nlohmann::json::object());
  for (int n = 1; n <= 3; ++n) {
    record(ledger.read_counts(), "s");
    state(ledger, "{\"n\":" + std::to_string(n) + "}");
  }
  ledger.confirmed({{"n", 3}});
  CHECK(ledger.tally()["s"].committed == 3);
  CHECK(ledger.mismatch("t").empty());
}

TEST_CASE("a value sent more than once matches its latest occurrence") {
  RecordLedger ledger(false, nlohmann::json::object());
  record(ledger.read_counts(), "s");
  state(ledger, "{}");
  record(ledger.read_counts(), "s");
  state(ledger, "{}");
  ledger.confirmed(nlohmann::json::object());
  CHECK(ledger.tally()["s"].committed == 2);
}

TEST_CASE("a STATE received twice in a row and echoed twice is confirmed both times") {
  RecordLedger ledger(false, nlohmann::json::object());
  record(ledger.read_counts(), "s");
  state(ledger, R"({"n":1})");
  record(ledger.read_counts(), "s");
  state(ledger, R"({"n":null})");
  state(ledger, R"({"n":null})");
  const nlohmann::json last = {{"n", nullptr}};
  const nlohmann::json first = ledger.confirmed(last);
  CHECK(first[RecordLedger::kStateKey]["s"]["committed"] == 2);
  // The second echo is no STATE "never sent": it carries the same counts again.
  CHECK(ledger.confirmed(last) == first);
  check_tally(ledger, "s", 2, 2, 2);
  CHECK(ledger.mismatch("t").empty());
  // An older value echoed after a newer one was confirmed still matches nothing.
  CHECK(ledger.confirmed({{"n", 1}}).empty());
  CHECK(ledger.tally()["s"].committed == 2);
}

TEST_CASE("an echoed value the target never received commits nothing") {
  RecordLedger ledger(false, nlohmann::json::object());
  record(ledger.read_counts(), "s");
  state(ledger, R"({"n":1})");
  CHECK(ledger.confirmed({{"n", 2}}).empty());
  CHECK(ledger.tally()["s"].committed == 0);
  CHECK_FALSE(ledger.mismatch("t").empty());
}

TEST_CASE("without mappers what the tap emitted is what reached the target") {
  RecordLedger ledger(false, nlohmann::json::object());
  CHECK(&ledger.read_counts() == &ledger.sent_counts());
}

TEST_CASE("with mappers, what they removed shows as read minus sent, not as a mismatch") {
  RecordLedger ledger(true, nlohmann::json::object());
  for (int i = 0; i < 10; ++i) record(ledger.read_counts(), "s");
  for (int i = 0; i < 7; ++i) record(ledger.sent_counts(), "s");
  state(ledger, R"({"n":10})");
  ledger.confirmed({{"n", 10}});
  check_tally(ledger, "s", 10, 7, 7);
  CHECK(ledger.mismatch("t").empty());
}

TEST_CASE("committed totals carry on from the stored state") {
  nlohmann::json stored = {{RecordLedger::kStateKey, {{"s", {{"committed", 40}}}}}};
  RecordLedger ledger(false, stored);
  for (int i = 0; i < 2; ++i) record(ledger.read_counts(), "s");
  state(ledger, "{}");
  auto annotation = ledger.confirmed(nlohmann::json::object());
  CHECK(annotation[RecordLedger::kStateKey]["s"]["committed"] == 42);
  CHECK(annotation[RecordLedger::kStateKey]["s"]["last_run"]["committed"] == 2);
}

TEST_CASE("a run without any STATE has nothing to reconcile") {
  RecordLedger ledger(false, nlohmann::json::object());
  record(ledger.read_counts(), "s");
  CHECK(ledger.mismatch("t").empty());
}
