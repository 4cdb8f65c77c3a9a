// What the ABI's discover and run calls do for each kind of plugin class.
#include <string>

#include "chorus/maps/plugin_settings.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/writer.h"
#include "resume_state.h"

namespace chorus::detail {
namespace {

nlohmann::json parse_document(const char *text, const char *what, const char *example) {
  if (text == nullptr || *text == '\0') return nullptr;
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error &error) {
    throw ConfigError(std::string("the ") + what + " is not valid JSON (" + error.what() +
                      "); expected a document such as " + example);
  }
}

}  // namespace

void discover_tap(Tap &tap, int out_fd) {
  const nlohmann::json catalog = tap.catalog();
  singer::MessageWriter out(out_fd);
  out.write_line(catalog.dump(2));
  out.flush();
}

void run_tap(Tap &tap, const chorus_run_args_v1 &args, const std::string &plugin) {
  const nlohmann::json state =
      resume_state(parse_document(args.state_json, "state", "{\"bookmarks\": {}}"), tap.context());
  const nlohmann::json catalog = parse_document(args.catalog_json, "catalog", "{\"streams\": []}");
  const bool full_refresh =
      CHORUS_HAS_FIELD(&args, chorus_run_args_v1, full_refresh) && args.full_refresh != 0;
  maps::run_tap_mapped(tap.context(), tap.config(), plugin, args.out_fd, [&](int out_fd) {
    singer::MessageWriter out(out_fd);
    tap.sync(catalog, state, out, full_refresh);
    out.flush();
  });
}

void run_target(Target &target, const chorus_run_args_v1 &args, const std::string &plugin) {
  maps::run_target_mapped(target.context(), target.config(), plugin, args.in_fd,
                          [&](int in_fd) { target.run(in_fd, args.out_fd); });
}

void run_mapper(Mapper &mapper, const chorus_run_args_v1 &args) {
  mapper.run(args.in_fd, args.out_fd);
}

}  // namespace chorus::detail
