// The helpers of appending file targets: the output file, stream file names and the
// redelivery filter.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/output_file.h"
#include "chorus/plugin/redelivery_filter.h"
#include "chorus/plugin/stream_file_name.h"

using chorus::file_output::Digest;
using chorus::file_output::OutputFile;
using chorus::file_output::RedeliveryFilter;
using chorus::file_output::stream_file_stem;

TEST_CASE("stream file names are one to one, one path component, and stable") {
  using namespace std::string_literals;
  CHECK(stream_file_stem("orders") == "orders");
  CHECK(stream_file_stem("public-orders.v2") == "public-orders.v2");
  CHECK(stream_file_stem("a/b") == "a%2Fb");
  CHECK(stream_file_stem("a_b") == "a_b");
  CHECK(stream_file_stem("a%2Fb") == "a%252Fb");
  CHECK(stream_file_stem("a\0b"s) == "a%00b");
  CHECK(stream_file_stem("a") != stream_file_stem("a\0"s));
  CHECK(stream_file_stem("..") == "%2E.");
  CHECK(stream_file_stem("") == "%");
  CHECK(stream_file_stem("Bestellungen-\xC3\xBC") == "Bestellungen-\xC3\xBC");
  std::set<std::string> stems;
  for (const std::string name : {"a b", "a_b", "a/b", "a\\b", "a%20b", "a~b", "a.b", ".ab"}) {
    const std::string stem = stream_file_stem(name);
    CHECK(stem.find('/') == std::string::npos);
    CHECK(stems.insert(stem).second);
  }
  // Long names keep a readable start and end in a hash of the whole name.
  const std::string long_a(300, 'a');
  const std::string long_b = long_a + "b";
  CHECK(stream_file_stem(long_a).size() <= 200);
  CHECK(stream_file_stem(long_a) != stream_file_stem(long_b));
  CHECK(stream_file_stem(long_a) == stream_file_stem(std::string(300, 'a')));
  CHECK(stream_file_stem(long_a).rfind(std::string(180, 'a') + "~", 0) == 0);
}

namespace {

std::uint64_t digest_of(std::initializer_list<std::string> parts) {
  Digest digest;
  for (const std::string &part : parts) digest.add(part);
  return digest.value();
}

std::uint64_t tagged_digest_of(std::uint64_t tag, const std::string &part) {
  Digest digest;
  digest.add(tag, part);
  return digest.value();
}

}  // namespace

TEST_CASE("a digest tells apart every change of one byte, at every length and position") {
  // Lengths around the word size: a byte of a part's tail that were left out would give two
  // parts that differ only there one digest.
  for (std::size_t length = 0; length <= 24; ++length) {
    CAPTURE(length);
    const std::string base(length, 'x');
    std::set<std::uint64_t> seen{digest_of({base})};
    for (std::size_t at = 0; at < length; ++at) {
      for (const char other : {'y', '\0', '\xff'}) {
        std::string changed = base;
        changed[at] = other;
        CHECK(seen.insert(digest_of({changed})).second);
      }
    }
  }
  // The same bytes cut in other places, or a part added, differ too.
  CHECK(digest_of({"ab", "c"}) != digest_of({"a", "bc"}));
  CHECK(digest_of({"abc"}) != digest_of({"abc", ""}));
  CHECK(digest_of({"abc"}) == digest_of({"abc"}));
}

TEST_CASE("a tagged part's digest depends on the tag and on the part") {
  CHECK(tagged_digest_of(1, "2024-01-01") != tagged_digest_of(2, "2024-01-01"));
  CHECK(tagged_digest_of(1, "2024-01-01") != tagged_digest_of(1, "2024-01-02"));
  CHECK(tagged_digest_of(1, "") != tagged_digest_of(2, ""));
  CHECK(tagged_digest_of(7, "value") == tagged_digest_of(7, "value"));
}

TEST_CASE("the redelivery filter admits new keys and changes, not a key's latest row again") {
  RedeliveryFilter filter;
  CHECK(filter.admit(1, 10));
  CHECK(filter.admit(2, 20));
  CHECK_FALSE(filter.admit(1, 10));  // delivered again
  CHECK(filter.admit(1, 11));        // changed
  CHECK(filter.admit(1, 10));        // changed back: a change too
  CHECK_FALSE(filter.admit(1, 10));
  CHECK(filter.admit(0, 5));  // a zero digest is a key like any other
  CHECK_FALSE(filter.admit(0, 5));
}

TEST_CASE("the redelivery filter remembers the recent keys and forgets the old ones") {
  RedeliveryFilter filter(1000);
  for (std::uint64_t key = 1; key <= 5000; ++key) CHECK(filter.admit(key, key * 7));
  // The last thousand keys are remembered: their rows again are redeliveries.
  for (std::uint64_t key = 4001; key <= 5000; ++key) CHECK_FALSE(filter.admit(key, key * 7));
  // The first are forgotten: admitted again (a duplicate at worst, never a loss).
  CHECK(filter.admit(1, 7));
}

TEST_CASE("the redelivery filter keeps its answers in tables large enough to be mapped") {
  // 300,000 keys a generation: each table grows past 2 MiB (131,072 slots of 16 bytes), where
  // it is mapped on its own, and the first generation is dropped while the second fills.
  RedeliveryFilter filter(300000);
  std::size_t wrong = 0;
  for (std::uint64_t key = 1; key <= 700000; ++key) {
    filter.prefetch(key * 0x9E3779B97F4A7C15ULL);
    wrong += filter.admit(key * 0x9E3779B97F4A7C15ULL, key) ? 0 : 1;
  }
  CHECK(wrong == 0);
  // The most recent 300,000 keys, the same rows again: every one is a redelivery; a changed
  // row is not.
  for (std::uint64_t key = 400001; key <= 700000; ++key) {
    wrong += filter.admit(key * 0x9E3779B97F4A7C15ULL, key) ? 1 : 0;
  }
  CHECK(wrong == 0);
  CHECK(filter.admit(700000 * 0x9E3779B97F4A7C15ULL, 1));
}

TEST_CASE("the redelivery filter answers as a map of every key's latest row would") {
  // Keys drawn again and again from a few thousand, rows from a few values: the tables grow,
  // probes run past other keys' slots and rows change in place, and every answer must still be
  // the one a plain map gives (the generation holds all keys, so none is forgotten).
  RedeliveryFilter filter(10000);
  std::unordered_map<std::uint64_t, std::uint64_t> latest;
  std::mt19937_64 random(17);
  std::size_t wrong = 0;
  std::size_t redeliveries = 0;
  for (int step = 0; step < 200000; ++step) {
    const std::uint64_t key = random() % 5000 * 0xD6E8FEB86659FD93ULL;
    const std::uint64_t row = random() % 3;
    const auto found = latest.find(key);
    const bool expected = found == latest.end() || found->second != row;
    latest[key] = row;
    redeliveries += expected ? 0 : 1;
    wrong += filter.admit(key, row) == expected ? 0 : 1;
  }
  CHECK(wrong == 0);
  CHECK(redeliveries > 50000);  // the case it exists for was met often
}

TEST_CASE("integer keys that rise and keys sent again get the answers a map of rows gives") {
  // Mostly rising keys (a table read in key order), some sent again with the same or another
  // row, and in one case keys below all others that were never seen, enough of them that the
  // filter gives up its list of rising keys and moves them into its table. Every answer must
  // be the map's either way.
  bool unseen_low_keys = false;
  SUBCASE("keys sent again only") {}
  SUBCASE("and keys never seen, below all others") { unseen_low_keys = true; }
  RedeliveryFilter filter(400000);
  std::unordered_map<std::int64_t, std::uint64_t> latest;
  std::vector<std::int64_t> sent;
  std::mt19937_64 random(29);
  std::int64_t next = 1;
  std::size_t wrong = 0;
  std::size_t found_again = 0;
  for (int step = 0; step < 200000; ++step) {
    const std::uint64_t draw = random() % 100;
    std::int64_t value = 0;
    if (draw < 70 || sent.empty()) {
      value = next;
      next += 1 + static_cast<std::int64_t>(random() % 3);
      sent.push_back(value);
    } else if (draw < 90 || !unseen_low_keys) {
      value = sent[random() % sent.size()];
    } else {
      value = -step;  // never sent before, below every key
    }
    const std::uint64_t row = random() % 2;
    const auto found = latest.find(value);
    const bool expected = found == latest.end() || found->second != row;
    found_again += expected ? 0 : 1;
    latest[value] = row;
    const std::uint64_t key = static_cast<std::uint64_t>(value) * 0xD6E8FEB86659FD93ULL;
    wrong += filter.admit(key, value, row) == expected ? 0 : 1;
  }
  CHECK(wrong == 0);
  CHECK(found_again > 10000);
  // The unseen keys made the filter give up its list; without them it still keeps one.
  CHECK(filter.admit(static_cast<std::uint64_t>(next) * 0xD6E8FEB86659FD93ULL, next, 0));
  CHECK(filter.keys_rising() == !unseen_low_keys);
}

TEST_CASE("a resumed run's keys are all recognised, however many, when they rose before") {
  // A file of 1,000,000 rows in key order, remembered in two generations of 500,000, then the
  // same rows again from the first: a redelivery each (a table's keys rotating generations out
  // on every lookup would forget the first half while the second is sent).
  RedeliveryFilter filter(500000);
  for (std::int64_t value = 1; value <= 1000000; ++value) {
    filter.admit(static_cast<std::uint64_t>(value) * 0x9E3779B97F4A7C15ULL, value, 7);
  }
  std::size_t admitted = 0;
  for (std::int64_t value = 1; value <= 1000000; ++value) {
    admitted += filter.admit(static_cast<std::uint64_t>(value) * 0x9E3779B97F4A7C15ULL, value, 7);
  }
  CHECK(admitted == 0);
}

namespace {

std::string contents_of(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A file path of its own for a test, removed at the end.
struct TemporaryPath {
  std::string path = std::filesystem::temp_directory_path().string() + "/chorus-output-file-" +
                     std::to_string(::getpid()) + "-" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(this));
  ~TemporaryPath() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("an output file holds every buffer flushed, in order, once synced") {
  TemporaryPath file;
  std::string expected;
  {
    OutputFile out(file.path, OutputFile::Mode::Truncate, "target-test");
    // Buffers of every size around the flush threshold, each flushed while the one before may
    // still be in its write thread; a sync on another thread in the middle.
    for (int i = 0; i < 40; ++i) {
      const std::string row(static_cast<std::size_t>(1 + i * 7919) % 300000,
                            static_cast<char>('a' + i % 26));
      for (int copies = 0; copies < 20; ++copies) {
        out.buffer() += row;
        out.buffer() += '\n';
        expected += row;
        expected += '\n';
        out.maybe_flush();
      }
      if (i == 20) {
        out.flush();
        const std::size_t written_through = expected.size();
        std::thread syncer([&] { out.sync_written(); });
        out.buffer() += "more\n";  // the owner appends while the sync runs
        expected += "more\n";
        syncer.join();
        CHECK(contents_of(file.path).substr(0, written_through) ==
              expected.substr(0, written_through));
      }
    }
    out.sync();
    CHECK(contents_of(file.path) == expected);
    out.buffer() += "tail\n";  // left to the destructor
    expected += "tail\n";
  }
  CHECK(contents_of(file.path) == expected);
}

TEST_CASE("a write that fails is reported by the next flush or sync, naming the file") {
  // /dev/full refuses every write with ENOSPC.
  OutputFile out("/dev/full", OutputFile::Mode::Append, "target-test");
  out.buffer() += "a row\n";
  out.flush();  // handed to the write thread, which fails
  std::string what;
  try {
    out.sync_written();
  } catch (const chorus::FatalError &error) {
    what = error.what();
  }
  CHECK(what.find("target-test: cannot write '/dev/full'") != std::string::npos);
  out.buffer() += "another row\n";
  CHECK_THROWS_AS(out.flush(), chorus::FatalError);
  out.buffer().clear();  // nothing for the destructor to write
}
