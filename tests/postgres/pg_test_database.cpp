#include "pg_test_database.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace chorus::test {
namespace {

std::string yaml_connection(const pg::ConnectionSettings &s, const std::string &password) {
  return "host: \"" + s.host + "\", port: " + std::to_string(s.port) + ", user: \"" + s.user +
         "\", password: \"" + password + "\", dbname: \"" + s.dbname + "\"";
}

}  // namespace

std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

CommandResult run_command(const std::string &command) {
  CommandResult result;
  FILE *pipe = popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<pg::ConnectionSettings> test_server() {
  if (env("CHORUS_TEST_PG_HOST").empty()) return std::nullopt;
  pg::ConnectionSettings s;
  s.host = env("CHORUS_TEST_PG_HOST");
  s.port = std::stoi(env("CHORUS_TEST_PG_PORT"));
  s.user = env("CHORUS_TEST_PG_USER");
  s.password = env("CHORUS_TEST_PG_PASSWORD");
  s.dbname = env("CHORUS_TEST_PG_DBNAME").empty() ? "postgres" : env("CHORUS_TEST_PG_DBNAME");
  s.sslmode = "disable";
  return s;
}

ThrowawayDatabase::ThrowawayDatabase(const pg::ConnectionSettings &server, std::string name)
    : server_(server), settings_(server) {
  settings_.dbname = std::move(name);
  pg::Connection admin(server_, "test");
  admin.execute("DROP DATABASE IF EXISTS \"" + settings_.dbname + "\" WITH (FORCE)");
  admin.execute("CREATE DATABASE \"" + settings_.dbname + "\"");
  connection_ = std::make_unique<pg::Connection>(settings_, "test");
}

TestDatabases::TestDatabases(const pg::ConnectionSettings &server, const std::string &what,
                             const std::string &source_sql)
    : source(server, what + "_src_" + std::to_string(getpid())),
      destination(server, what + "_dst_" + std::to_string(getpid())) {
  if (!source_sql.empty()) source.sql().execute(source_sql);
}

ThrowawayDatabase::~ThrowawayDatabase() {
  connection_.reset();
  try {
    pg::Connection admin(server_, "test");
    admin.query(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
        "database = " +
        admin.literal(settings_.dbname));
    admin.execute("DROP DATABASE IF EXISTS \"" + settings_.dbname + "\" WITH (FORCE)");
  } catch (...) {
    // A leftover database is dropped by the next run of the same test.
  }
}

Pipeline::Pipeline(const ThrowawayDatabase &source, const ThrowawayDatabase &destination,
                   const std::string &stream, const std::string &tap_extra,
                   const std::string &target_extra, const std::string &password_override) {
  char folder[] = "/tmp/chorus-pg-test-XXXXXX";
  folder_ = mkdtemp(folder);
  std::string source_password =
      password_override.empty() ? source.settings().password : password_override;
  std::ofstream file(folder_ + "/pipeline.yml");
  file << "name: test\nstate: state.json\ntap:\n  plugin: tap-postgres\n  config: {"
       << yaml_connection(source.settings(), source_password) << ", replication_slot: \""
       << source.name() << "_slot\"" << (tap_extra.empty() ? "" : ", " + tap_extra)
       << "}\n  select: [\"" << stream << "\"]\ntarget:\n  plugin: target-postgres\n  config: {"
       << yaml_connection(destination.settings(), destination.settings().password)
       << (target_extra.empty() ? "" : ", " + target_extra) << "}\n";
}

Pipeline::~Pipeline() { std::system(("rm -rf '" + folder_ + "'").c_str()); }

int Pipeline::run(const std::string &extra_arguments) {
  CommandResult result =
      run_command(std::string("'") + CHORUS_BINARY_DIR + "/chorus' run --pipeline '" + folder_ +
                  "/pipeline.yml' " + extra_arguments);
  output_ = std::move(result.output);
  return result.status;
}

std::string Pipeline::state() const {
  std::ifstream file(folder_ + "/state.json");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string dump(pg::Connection &connection, const std::string &query) {
  std::string out;
  for (const auto &row : connection.query(query)) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += '|';
      out += row[i] ? *row[i] : "<null>";
    }
    out += '\n';
  }
  return out;
}

}  // namespace chorus::test
