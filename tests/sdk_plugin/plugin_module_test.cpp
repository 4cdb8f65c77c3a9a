// CHORUS_PLUGIN in a module built like a plugin (hidden visibility, the static SDK inside):
// the entry symbol is exported, the SDK's symbols are not, and the ABI works across dlopen.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include "chorus/abi.h"
#include "test_host.h"

namespace {

struct Module {
  void *handle = dlopen(HIDDEN_TAP_MODULE, RTLD_NOW | RTLD_LOCAL);
  ~Module() {
    if (handle != nullptr) dlclose(handle);
  }
};

}  // namespace

TEST_CASE("a plugin module exports chorus_plugin_entry and nothing of the SDK") {
  Module module;
  REQUIRE_MESSAGE(module.handle != nullptr, dlerror());
  auto entry = reinterpret_cast<chorus_plugin_entry_fn>(dlsym(module.handle, CHORUS_ENTRY_SYMBOL));
  REQUIRE(static_cast<bool>(entry));
  // chorus::detail::kind_name(chorus_kind), a function of the static SDK.
  CHECK(dlsym(module.handle, "_ZN6chorus6detail9kind_nameE11chorus_kind") == nullptr);

  const chorus_plugin_v1 *plugin = entry(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR);
  REQUIRE(plugin != nullptr);
  CHECK(std::string(plugin->name) == "tap-hidden");
  CHECK(plugin->kind == CHORUS_KIND_TAP);

  chorus::test::TestHost host;
  chorus_instance *instance = nullptr;
  CHECK(plugin->create(host.get(), R"({"lable": "x"})", &instance) == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("did you mean 'label'?") != std::string::npos);

  REQUIRE(plugin->create(host.get(), "{}", &instance) == CHORUS_OK);
  chorus::test::TempFile out;
  chorus_run_args_v1 args{};
  args.struct_size = sizeof args;
  args.in_fd = -1;
  args.out_fd = out.fd();
  CHECK(plugin->run(instance, &args) == CHORUS_OK);
  plugin->destroy(instance);
  const auto records =
      chorus::test::messages_of(chorus::test::json_lines(out.read_all()), "RECORD");
  REQUIRE(records.size() == 2);
  CHECK(records[1]["record"]["n"] == 2);
}
