// The target project template: a durable JSON-lines file per stream, to be replaced by the
// destination's real loading.
#include "scaffold/templates.h"

namespace chorus::host::scaffold {

const char *const kTargetHeader = R"chorus(// @PLUGIN@: a chorus target.
#pragma once

#include <memory>
#include <string>

#include <chorus/plugin/settings.h>
#include <chorus/plugin/target.h>

namespace @IDENT@ {

// Appends a stream's records to <destination_path>/<stream>.jsonl. Records are buffered and made
// durable (written and fsync'ed) on drain(), which is when the target may confirm them.
class FileSink final : public chorus::Sink {
 public:
  FileSink(chorus::StreamInfo info, const nlohmann::json &config,
           const chorus::PluginContext &context);
  void process_record(const chorus::singer::RecordView &record,
                      const chorus::RecordMeta &meta) override;
  bool is_full() const override { return pending_.size() >= (std::size_t{8} << 20); }
  void drain() override;

 private:
  std::string path_;
  std::string pending_;
};

class @CLASS@ final : public chorus::Target {
 public:
  static chorus::PluginInfo info();
  @CLASS@(chorus::PluginContext context, nlohmann::json config);
  std::unique_ptr<chorus::Sink> make_sink(const chorus::StreamInfo &info) override;
};

}  // namespace @IDENT@
)chorus";

const char *const kTargetSource = R"chorus(#include "@IDENT@.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <chorus/plugin/errors.h>
#include <chorus/singer/writer.h>

namespace @IDENT@ {

FileSink::FileSink(chorus::StreamInfo info, const nlohmann::json &config,
                   const chorus::PluginContext &context)
    : Sink(std::move(info), config, context) {
  const std::string directory = config.at("destination_path").get<std::string>();
  std::filesystem::create_directories(directory);
  path_ = directory + "/" + stream() + ".jsonl";
}

void FileSink::process_record(const chorus::singer::RecordView &record,
                              const chorus::RecordMeta &meta) {
  (void)meta;
  pending_ += '{';
  bool first = true;
  for (const auto &field : record.fields) {
    if (!first) pending_ += ',';
    first = false;
    chorus::singer::append_json_string(pending_, field.name);
    pending_ += ':';
    chorus::singer::append_json_value(pending_, field.value);
  }
  pending_ += "}\n";
}

void FileSink::drain() {
  if (pending_.empty()) return;
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw chorus::FatalError("stream '" + stream() + "': cannot open " + path_ + ": " +
                             std::strerror(errno) + "; check destination_path");
  }
  std::size_t done = 0;
  while (done < pending_.size()) {
    ssize_t n = ::write(fd, pending_.data() + done, pending_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      throw chorus::FatalError("stream '" + stream() + "': cannot write " + path_ + ": " +
                               std::strerror(saved));
    }
    done += static_cast<std::size_t>(n);
  }
  // Durable before the target confirms the records with a STATE.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw chorus::FatalError("stream '" + stream() + "': cannot sync " + path_ + ": " +
                             std::strerror(errno));
  }
  pending_.clear();
}

chorus::PluginInfo @CLASS@::info() {
  return {"@PLUGIN@",
          "0.1.0",
          "Writes each stream to a JSON-lines file (replace with what @PLUGIN@ loads into).",
          {"about", "validate-records"},
          {{"type", "object"},
           {"properties",
            {{"destination_path",
              {{"type", "string"},
               {"default", "output"},
               {"description", "Folder of the <stream>.jsonl files."}}}}}}};
}

@CLASS@::@CLASS@(chorus::PluginContext context, nlohmann::json config)
    : Target(context, std::move(config)) {}

std::unique_ptr<chorus::Sink> @CLASS@::make_sink(const chorus::StreamInfo &info) {
  return std::make_unique<FileSink>(info, config(), context());
}

}  // namespace @IDENT@
)chorus";

const char *const kTargetTest = R"chorus(#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <chorus/abi.h>

#include "@IDENT@.h"

namespace {

// Runs the target on `input` (Singer lines) and returns what it wrote on its output.
std::string run(const nlohmann::json &config, const std::string &input) {
  nlohmann::json settings = chorus::with_common_target_settings(@IDENT@::@CLASS@::info().settings);
  @IDENT@::@CLASS@ target(chorus::PluginContext{}, chorus::apply_settings(settings, config));
  std::FILE *in = std::tmpfile();
  std::FILE *out = std::tmpfile();
  std::fputs(input.c_str(), in);
  std::fflush(in);
  std::rewind(in);
  target.run(fileno(in), fileno(out));
  std::rewind(out);
  std::string written;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, out)) > 0) written.append(buffer, n);
  std::fclose(in);
  std::fclose(out);
  return written;
}

std::string read_file(const std::filesystem::path &path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("records land in <stream>.jsonl and the state is confirmed after them") {
  auto folder = std::filesystem::temp_directory_path() / ("@IDENT@-" + std::to_string(getpid()));
  std::filesystem::remove_all(folder);
  std::string input =
      R"({"type":"SCHEMA","stream":"items","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]})"
      "\n"
      R"({"type":"RECORD","stream":"items","record":{"id":1}})"
      "\n"
      R"({"type":"RECORD","stream":"items","record":{"id":2}})"
      "\n"
      R"({"type":"STATE","value":{"bookmarks":{"items":{"replication_key_value":2}}}})"
      "\n";
  std::string output = run({{"destination_path", folder.string()}}, input);
  CHECK(read_file(folder / "items.jsonl") == "{\"id\":1}\n{\"id\":2}\n");
  auto state = nlohmann::json::parse(output.substr(0, output.find('\n')));
  CHECK(state["value"]["bookmarks"]["items"]["replication_key_value"] == 2);
  std::filesystem::remove_all(folder);
}

TEST_CASE("a record that breaks its schema is refused") {
  auto folder = std::filesystem::temp_directory_path() / ("@IDENT@-bad-" + std::to_string(getpid()));
  std::string input =
      R"({"type":"SCHEMA","stream":"items","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]})"
      "\n"
      R"({"type":"RECORD","stream":"items","record":{"id":"one"}})"
      "\n";
  CHECK_THROWS(run({{"destination_path", folder.string()}}, input));
  std::filesystem::remove_all(folder);
}
)chorus";

const char *const kTargetRun = R"chorus(    echo '{"destination_path": "out"}' > config.json
    some-tap | chorus exec build/@PLUGIN@.so -- --config config.json
)chorus";

}  // namespace chorus::host::scaffold
