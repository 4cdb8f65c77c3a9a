// The relay between pipeline members: every byte passed on in order, every RECORD counted and
// every STATE remembered, whether it moves the stream with tee() and splice() (pipes) or by
// copying (an input or an output that cannot take them).
#include "pipeline/pipe_relay.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "process/fd_io.h"

using namespace chorus::host;

namespace {

// About 4 MiB of Singer lines (more than one relay step), two streams, a STATE every 5,000
// records.
std::string singer_stream(std::uint64_t &orders, std::uint64_t &users, std::size_t &states) {
  std::string text;
  for (int i = 0; i < 30000; ++i) {
    const bool order = i % 3 != 0;
    (order ? orders : users) += 1;
    text += R"({"type":"RECORD","stream":")";
    text += order ? "orders" : "users";
    text += R"(","record":{"id":)" + std::to_string(i) + R"(,"note":")" + std::string(100, 'x') +
            "\"}}\n";
    if (i % 5000 == 4999) {
      text += R"({"type":"STATE","value":{"at":)" + std::to_string(i) + "}}\n";
      ++states;
    }
  }
  return text;
}

// A temporary file's fd, opened with `flags` on a fresh file holding `content`.
int temporary_file(const std::string &content, int flags) {
  char path[] = "/tmp/chorus-relay-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write_all(fd, content));
  ::close(fd);
  const int reopened = ::open(path, flags | O_CLOEXEC);
  ::unlink(path);
  REQUIRE(reopened >= 0);
  return reopened;
}

enum class End { Pipe, File };

// Relays `input` from a pipe or a file into a pipe or an appending file; returns what came out.
std::string relayed(const std::string &input, End from, End to, StreamCounts &records,
                    StateCheckpoints &states) {
  int in[2] = {-1, -1};
  std::thread feeder;
  int from_fd = -1;
  if (from == End::Pipe) {
    make_pipe(in);
    from_fd = in[0];
    feeder = std::thread([&] {
      CHECK(write_all(in[1], input));
      ::close(in[1]);
    });
  } else {
    from_fd = temporary_file(input, O_RDONLY);
  }
  int out[2] = {-1, -1};
  int to_fd = -1;
  int appended = -1;
  if (to == End::Pipe) {
    make_pipe(out);
    to_fd = out[1];
  } else {
    appended = temporary_file("", O_RDWR | O_APPEND);  // splice() refuses O_APPEND files
    to_fd = ::dup(appended);
  }
  PipeRelay relay;
  relay.start(from_fd, to_fd, &records, &states);
  std::string output;
  if (to == End::Pipe) output = read_all(out[0]);
  relay.join();
  if (feeder.joinable()) feeder.join();
  if (to == End::Pipe) {
    ::close(out[0]);
  } else {
    ::lseek(appended, 0, SEEK_SET);
    output = read_all(appended);
    ::close(appended);
  }
  CHECK(relay.bytes() == input.size());
  return output;
}

}  // namespace

TEST_CASE("the relay passes every byte on and counts every line, by splice or by copy") {
  std::uint64_t orders = 0;
  std::uint64_t users = 0;
  std::size_t state_lines = 0;
  const std::string input = singer_stream(orders, users, state_lines);
  const std::pair<End, End> ends[] = {{End::Pipe, End::Pipe},
                                      {End::Pipe, End::File},
                                      {End::File, End::Pipe},
                                      {End::File, End::File}};
  for (const auto &end : ends) {
    const End from = end.first;  // not a structured binding: CAPTURE's lambda takes it
    const End to = end.second;
    CAPTURE(static_cast<int>(from));
    CAPTURE(static_cast<int>(to));
    StreamCounts records;
    StateCheckpoints states;
    CHECK(relayed(input, from, to, records, states) == input);
    const CountsByStream counts = records.snapshot();
    CHECK(counts.at("orders") == orders);
    CHECK(counts.at("users") == users);
    CHECK(states.received_count() == state_lines);
    // The last STATE covers every record before it: all of them.
    CHECK(states.last_received_counts().at("orders") == orders);
  }
}
