// chorus state list|get|set|merge|clear: inspect or change a pipeline's stored state, as Meltano's
// `meltano state` does. Changes take the state's lock, so they never race a run.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "log.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_state.h"
#include "state/state_line.h"
#include "state/state_store.h"

namespace chorus::host::commands {
namespace fs = std::filesystem;
namespace {

struct StateOptions {
  std::string pipeline_file;
  std::string state_file;
  std::string stream;  // get, set, clear: one stream's bookmark instead of the whole state
  std::string value;   // set, merge: JSON text or a JSON file
};

std::unique_ptr<StateStore> store_for(const StateOptions &options) {
  if (!options.state_file.empty()) {
    return open_state_store(state_location_option(options.state_file), StateStoreOptions{});
  }
  if (!options.pipeline_file.empty()) {
    return open_pipeline_state(load_pipeline_file(options.pipeline_file));
  }
  throw std::runtime_error("give --pipeline FILE or --state FILE|URL");
}

// The JSON the user gave: inline text when it starts with '{' (or '[', to refuse it clearly),
// otherwise a file.
nlohmann::json given_json(const std::string &text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
    auto value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded()) throw std::runtime_error("the state given is not valid JSON");
    return value;
  }
  return read_json_file(text, "state");
}

// A whole state, in either Singer form: the bare value or a full STATE message.
nlohmann::json given_state(const std::string &text) {
  auto value = state_value_of(given_json(text), "the state given");
  if (!value) {
    throw std::runtime_error(
        "the state given is a Singer message other than STATE; give a state "
        "such as {\"bookmarks\": {...}} or a STATE message");
  }
  return *value;
}

nlohmann::json bookmarks_of(const nlohmann::json &state) {
  auto found = state.find("bookmarks");
  return found != state.end() && found->is_object() ? *found : nlohmann::json::object();
}

std::string stream_names(const nlohmann::json &state) {
  std::string names;
  const nlohmann::json bookmarks = bookmarks_of(state);
  for (const auto &[name, bookmark] : bookmarks.items()) {
    (void)bookmark;
    names += (names.empty() ? "" : ", ") + name;
  }
  return names.empty() ? "none" : names;
}

// A stream the user named must have a bookmark: a name that matches nothing is an error.
const nlohmann::json &bookmark_of(const nlohmann::json &state, const std::string &stream,
                                  StateStore &store) {
  auto bookmarks = state.find("bookmarks");
  if (bookmarks == state.end() || !bookmarks->is_object() || !bookmarks->contains(stream)) {
    throw std::runtime_error("stream '" + stream + "' has no bookmark in " + store.location() +
                             "; streams with one: " + stream_names(state));
  }
  return (*bookmarks)[stream];
}

int list(const StateOptions &, StateStore &store) {
  auto state = store.read();
  if (!state) {
    log_info("no state stored at " + store.location() + "; the next run starts afresh");
    return 0;
  }
  const nlohmann::json bookmarks = bookmarks_of(*state);
  for (const auto &[name, bookmark] : bookmarks.items()) {
    std::cout << name << '\t' << bookmark.dump() << '\n';
  }
  return 0;
}

int get(const StateOptions &options, StateStore &store) {
  auto state = store.read();
  if (!state) {
    if (!options.stream.empty()) {
      throw std::runtime_error("no state stored at " + store.location() + ", so stream '" +
                               options.stream + "' has no bookmark");
    }
    log_info("no state stored at " + store.location() + "; the next run starts afresh");
    std::cout << "{}\n";
    return 0;
  }
  const nlohmann::json &shown =
      options.stream.empty() ? *state : bookmark_of(*state, options.stream, store);
  std::cout << shown.dump(2) << "\n";
  return 0;
}

int set(const StateOptions &options, StateStore &store) {
  nlohmann::json state;
  if (options.stream.empty()) {
    state = given_state(options.value);
  } else {
    nlohmann::json bookmark = given_json(options.value);
    if (!bookmark.is_object()) {
      throw std::runtime_error(
          "a stream's bookmark is a JSON object such as "
          "{\"replication_key_value\": \"...\"}");
    }
    state = store.read().value_or(nlohmann::json::object());
    state["bookmarks"][options.stream] = std::move(bookmark);
  }
  store.write(state);
  log_info("state stored at " + store.location());
  return 0;
}

int merge(const StateOptions &options, StateStore &store) {
  nlohmann::json update = given_state(options.value);
  store.write(merge_state(store.read().value_or(nlohmann::json::object()), update));
  log_info("state merged into " + store.location());
  return 0;
}

int clear(const StateOptions &options, StateStore &store) {
  if (!options.stream.empty()) {
    nlohmann::json state = store.read().value_or(nlohmann::json::object());
    bookmark_of(state, options.stream, store);  // throws when the stream has none
    state["bookmarks"].erase(options.stream);
    store.write(state);
    log_info("bookmark of stream '" + options.stream + "' removed from " + store.location() +
             "; the next run reads that stream afresh");
    return 0;
  }
  if (store.clear()) {
    log_info("state removed: " + store.location() + "; the next run starts afresh");
  } else {
    log_info("no state stored at " + store.location());
  }
  return 0;
}

// A subcommand's work on the opened store.
using StateWork = int (*)(const StateOptions &, StateStore &);
// A change runs under the state's lock (taken for `purpose`), so that it never races a run.
enum class StateAccess { Read, Change };

int on_store(const StateOptions &options, StateAccess access, const std::string &purpose,
             StateWork work) {
  std::unique_ptr<StateStore> store = store_for(options);
  std::unique_ptr<StateLock> lock;
  if (access == StateAccess::Change) lock = store->lock(purpose);
  return work(options, *store);
}

}  // namespace

void add_state(CLI::App &app, Command &command) {
  auto options = std::make_shared<StateOptions>();
  CLI::App *state = app.add_subcommand(
      "state",
      "List, get, set, merge or clear a pipeline's state (--pipeline FILE or --state FILE)");
  state->require_subcommand(1);
  auto add_location = [options](CLI::App *sub) {
    auto *pipeline = sub->add_option("-p,--pipeline", options->pipeline_file,
                                     "Pipeline YAML file: its state file");
    auto *file = sub->add_option("-s,--state,--state-file", options->state_file,
                                 "State file, or a store URL (s3://..., postgresql://...)");
    pipeline->excludes(file);
  };
  auto add_stream = [options](CLI::App *sub, const std::string &what) {
    sub->add_option("--stream", options->stream, what);
  };
  auto add_value = [options](CLI::App *sub, const std::string &what) {
    sub->add_option("value", options->value, what)->required();
  };
  auto add = [&](const char *name, const char *description, StateAccess access, StateWork work) {
    CLI::App *sub = state->add_subcommand(name, description);
    add_location(sub);
    const std::string purpose = std::string("chorus state ") + name;
    sub->callback([options, &command, access, work, purpose] {
      command = [options, access, work, purpose] {
        return on_store(*options, access, purpose, work);
      };
    });
    return sub;
  };
  add("list", "List the streams that have a bookmark, one per line with the bookmark",
      StateAccess::Read, list);
  CLI::App *get_cmd =
      add("get", "Print the stored state, or one stream's bookmark", StateAccess::Read, get);
  get_cmd->alias("show");
  add_stream(get_cmd, "Print only this stream's bookmark");
  CLI::App *set_cmd =
      add("set", "Replace the stored state, or one stream's bookmark", StateAccess::Change, set);
  add_stream(set_cmd, "Replace only this stream's bookmark (VALUE is the bookmark)");
  add_value(set_cmd, "The state (a bare value or a STATE message): JSON text or a JSON file");
  CLI::App *merge_cmd =
      add("merge", "Merge a state into the stored one, key by key", StateAccess::Change, merge);
  add_value(merge_cmd, "The state to merge (a bare value or a STATE message): JSON text or a file");
  CLI::App *clear_cmd =
      add("clear", "Remove the stored state, or one stream's bookmark", StateAccess::Change, clear);
  add_stream(clear_cmd, "Remove only this stream's bookmark");
}

}  // namespace chorus::host::commands
