#include <sys/mman.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "chorus/singer/reader.h"
#include "chorus/singer/validator.h"
#include "conformance/checks.h"
#include "conformance/sandbox.h"
#include "plugins/catalog_selection.h"
#include "process/child_process.h"
#include "process/fd_io.h"

namespace chorus::host::conformance {
namespace {

std::string catalog_problem(const nlohmann::json &catalog) {
  if (!catalog.is_object()) return "the catalog is not a JSON object";
  if (!catalog.contains("streams") || !catalog["streams"].is_array()) {
    return "the catalog has no \"streams\" list";
  }
  if (catalog["streams"].empty()) return "the catalog has no streams";
  for (const auto &stream : catalog["streams"]) {
    if (!stream.is_object() || !stream.contains("tap_stream_id") ||
        !stream["tap_stream_id"].is_string()) {
      return "a stream has no \"tap_stream_id\" string";
    }
    const std::string id = stream["tap_stream_id"].get<std::string>();
    if (!stream.contains("schema") || !stream["schema"].is_object()) {
      return "stream '" + id + "' has no \"schema\" object";
    }
    if (stream.contains("metadata")) {
      if (!stream["metadata"].is_array()) return "stream '" + id + "': \"metadata\" must be a list";
      for (const auto &entry : stream["metadata"]) {
        if (!entry.is_object() || !entry.contains("breadcrumb") ||
            !entry["breadcrumb"].is_array() || !entry.contains("metadata") ||
            !entry["metadata"].is_object()) {
          return "stream '" + id +
                 "': each metadata entry needs a \"breadcrumb\" list and a \"metadata\" object";
        }
      }
    }
    if (stream.contains("key_properties") && !stream["key_properties"].is_array()) {
      return "stream '" + id + "': \"key_properties\" must be a list";
    }
  }
  return {};
}

struct SyncSummary {
  std::uint64_t records = 0;
  std::string problem;         // empty when every message is valid
  nlohmann::json final_state;  // null when no STATE
};

SyncSummary read_sync(const std::string &output) {
  SyncSummary summary;
  int fd = ::memfd_create("chorus-test-sync", MFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create");
  write_all(fd, output);
  ::lseek(fd, 0, SEEK_SET);
  try {
    singer::MessageReader reader(fd);
    singer::Message message;
    std::map<std::string, singer::RecordValidator> validators;
    while (reader.next(message)) {
      if (message.type == singer::MessageType::Schema) {
        auto schema = singer::as_schema(message);
        validators.insert_or_assign(schema.stream, singer::RecordValidator(schema.schema));
      } else if (message.type == singer::MessageType::Record) {
        ++summary.records;
        const std::string stream(message.record.stream);
        auto validator = validators.find(stream);
        // The first problem is reported; reading goes on to find the final STATE.
        if (!summary.problem.empty()) continue;
        if (validator == validators.end()) {
          summary.problem = "line " + std::to_string(message.line_number) + ": RECORD of stream '" +
                            stream + "' before its SCHEMA";
        } else if (auto violation = validator->second.validate(message.record)) {
          summary.problem = "line " + std::to_string(message.line_number) + ", stream '" + stream +
                            "': " + violation->to_string();
        }
      } else if (message.type == singer::MessageType::State) {
        summary.final_state = singer::state_value(message);
      }
    }
  } catch (const std::exception &e) {
    summary.problem = e.what();
  }
  ::close(fd);
  return summary;
}

// True when some stream of the catalog can replicate from a bookmark (a valid replication key,
// or an INCREMENTAL / LOG_BASED method); only then must a resumed run send fewer records.
bool has_incremental_stream(const nlohmann::json &catalog) {
  for (const auto &stream : catalog["streams"]) {
    for (const auto &entry : stream.value("metadata", nlohmann::json::array())) {
      if (!entry.value("breadcrumb", nlohmann::json::array()).empty()) continue;
      const nlohmann::json metadata = entry.value("metadata", nlohmann::json::object());
      const nlohmann::json keys = metadata.value("valid-replication-keys", nlohmann::json::array());
      const std::string method = metadata.value(
          "forced-replication-method", metadata.value("replication-method", std::string()));
      if ((keys.is_array() && !keys.empty()) || method == "INCREMENTAL" || method == "LOG_BASED") {
        return true;
      }
    }
  }
  return false;
}

// Sets INCREMENTAL on the first valid replication key of every stream that has one and no
// forced method, as a user selecting it in Meltano would, so that the resume check has a
// bookmark to test on taps whose streams default to FULL_TABLE.
nlohmann::json incremental_where_possible(nlohmann::json catalog) {
  for (auto &stream : catalog["streams"]) {
    if (!stream.contains("metadata") || !stream["metadata"].is_array()) continue;
    for (auto &entry : stream["metadata"]) {
      if (!entry.value("breadcrumb", nlohmann::json::array()).empty()) continue;
      if (!entry.contains("metadata") || !entry["metadata"].is_object()) continue;
      nlohmann::json &metadata = entry["metadata"];
      const nlohmann::json keys = metadata.value("valid-replication-keys", nlohmann::json::array());
      if (metadata.contains("forced-replication-method") || !keys.is_array() || keys.empty() ||
          !keys.front().is_string()) {
        continue;
      }
      metadata["replication-method"] = "INCREMENTAL";
      metadata["replication-key"] = keys.front();
    }
  }
  return catalog;
}

}  // namespace

void check_tap(const std::shared_ptr<PluginLibrary> &library, const nlohmann::json &config,
               const std::filesystem::path &scratch, Report &report) {
  SandboxCall discover;
  discover.kind = SandboxCall::Kind::Discover;
  SandboxRun discovered = run_in_sandbox(library, config, discover, scratch);
  bool replicates_incrementally = true;  // unknown without a catalog: expect a bookmark
  // The syncs run on the discovered catalog with every stream selected, as the Meltano SDK's
  // tap tests do: a tap that selects nothing by default (a database tap) is still exercised.
  std::optional<std::string> all_selected;
  if (!discovered.ok()) {
    report.fail("discovery writes a valid Singer catalog", discovered.failure());
  } else {
    auto catalog = nlohmann::json::parse(discovered.output, nullptr, false);
    std::string problem =
        catalog.is_discarded() ? "discovery output is not valid JSON" : catalog_problem(catalog);
    if (problem.empty()) {
      replicates_incrementally = has_incremental_stream(catalog);
      all_selected = incremental_where_possible(select_streams(catalog, {"*"})).dump();
      report.pass("discovery writes a valid Singer catalog",
                  std::to_string(catalog["streams"].size()) + " stream(s)");
    } else {
      report.fail("discovery writes a valid Singer catalog", problem);
    }
  }

  SandboxCall sync_call;
  sync_call.tap_inputs.catalog_json = all_selected;
  SandboxRun first = run_in_sandbox(library, config, sync_call, scratch);
  if (!first.ok()) {
    report.fail("a sync succeeds", first.failure());
    report.skip("synced records match their declared schema", "the sync failed");
    report.skip("the final STATE is a JSON object", "the sync failed");
    report.skip("a second run resumes from the final STATE", "the sync failed");
    return;
  }
  report.pass("a sync succeeds");
  SyncSummary sync = read_sync(first.output);
  if (sync.problem.empty()) {
    report.pass("synced records match their declared schema",
                std::to_string(sync.records) + " record(s) checked");
  } else {
    report.fail("synced records match their declared schema", sync.problem);
  }
  if (!sync.final_state.is_object()) {
    report.fail("the final STATE is a JSON object",
                sync.final_state.is_null() ? "the sync wrote no STATE message"
                                           : "the last STATE value is " + sync.final_state.dump());
    report.skip("a second run resumes from the final STATE", "no state to resume from");
    return;
  }
  report.pass("the final STATE is a JSON object");

  SandboxCall resume;
  resume.tap_inputs.catalog_json = all_selected;
  resume.tap_inputs.state_json = sync.final_state.dump();
  SandboxRun second = run_in_sandbox(library, config, resume, scratch);
  if (!second.ok()) {
    report.fail("a second run resumes from the final STATE", second.failure());
    return;
  }
  SyncSummary again = read_sync(second.output);
  if (!again.problem.empty()) {
    report.fail("a second run resumes from the final STATE", again.problem);
  } else if (!replicates_incrementally) {
    // A full-table tap has no bookmark to honour: re-sending everything is correct, so the
    // check is only that a run given the state succeeds.
    report.pass("a second run resumes from the final STATE",
                "full-table streams only: " + std::to_string(again.records) +
                    " record(s) re-emitted, as a full-table sync should");
  } else if (again.records > sync.records || (sync.records > 1 && again.records == sync.records)) {
    report.fail("a second run resumes from the final STATE",
                "it emitted " + std::to_string(again.records) +
                    " record(s) after the first run's " + std::to_string(sync.records) +
                    ": the bookmark was not used");
  } else {
    report.pass(
        "a second run resumes from the final STATE",
        std::to_string(again.records) + " record(s) re-emitted of " + std::to_string(sync.records));
  }
}

}  // namespace chorus::host::conformance
