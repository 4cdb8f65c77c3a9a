// Throwaway source and destination databases on the test server, and chorus runs between them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "../service_env.h"
#include "chorus/pg/connection.h"

namespace chorus::test {

// The environment variable's value; empty when it is not set.
std::string env(const char *name);

// Runs a shell command; its exit status (128 + signal when killed) and its output, stderr
// included.
struct CommandResult {
  int status = 0;
  std::string output;
};
CommandResult run_command(const std::string &command);

// Connection settings from CHORUS_TEST_PG_*, or nullopt when they are not set.
std::optional<pg::ConnectionSettings> test_server();

// Creates database `name` (dropping an old one first) and drops it, with its replication slots,
// on destruction.
class ThrowawayDatabase {
 public:
  ThrowawayDatabase(const pg::ConnectionSettings &server, std::string name);
  ~ThrowawayDatabase();
  pg::Connection &sql() { return *connection_; }
  const pg::ConnectionSettings &settings() const { return settings_; }
  const std::string &name() const { return settings_.dbname; }

 private:
  pg::ConnectionSettings server_;
  pg::ConnectionSettings settings_;
  std::unique_ptr<pg::Connection> connection_;
};

// The source and the destination database of one test case, "<what>_src_<pid>" and
// "<what>_dst_<pid>", the source filled by `source_sql` (may be empty).
struct TestDatabases {
  TestDatabases(const pg::ConnectionSettings &server, const std::string &what,
                const std::string &source_sql = {});
  ThrowawayDatabase source;
  ThrowawayDatabase destination;
};

// One source -> destination pipeline in a temporary folder.
class Pipeline {
 public:
  // `tap_extra` and `target_extra` are YAML flow-map entries appended to the configs
  // ("replication: {...}"), may be empty.
  Pipeline(const ThrowawayDatabase &source, const ThrowawayDatabase &destination,
           const std::string &stream, const std::string &tap_extra = {},
           const std::string &target_extra = {}, const std::string &password_override = {});
  Pipeline(const TestDatabases &databases, const std::string &stream,
           const std::string &tap_extra = {}, const std::string &target_extra = {},
           const std::string &password_override = {})
      : Pipeline(databases.source, databases.destination, stream, tap_extra, target_extra,
                 password_override) {}
  ~Pipeline();
  // Runs `chorus run --pipeline`; returns the exit status, output kept in last_output().
  int run(const std::string &extra_arguments = {});
  const std::string &last_output() const { return output_; }
  std::string state() const;  // the state file's content, empty when absent
  const std::string &folder() const { return folder_; }

 private:
  std::string folder_;
  std::string output_;
};

// The rows of `query` as one text (rows on lines, fields separated by '|'), for comparisons.
std::string dump(pg::Connection &connection, const std::string &query);

}  // namespace chorus::test

// In a doctest case: `server` is test_server(), or the case ends through the one server guard
// (a failure when the servers are required, else a message saying how to start them).
#define REQUIRE_SERVER(server)                                                       \
  if (!chorus::testing::have_services({chorus::testing::Service::Postgres})) return; \
  auto server = chorus::test::test_server();                                         \
  REQUIRE(server)

// In a doctest case: the pipeline's run succeeds, else the case ends showing its output.
#define REQUIRE_RUN_SUCCEEDS(pipeline) \
  REQUIRE_MESSAGE((pipeline).run() == 0, (pipeline).last_output())
