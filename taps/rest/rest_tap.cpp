// tap-rest: reads JSON web APIs described entirely in the config (streams, paths, pagination,
// auth, records path, keys, replication key), on the SDK's RestStream.
#include <map>
#include <memory>

#include "chorus/http/rest_stream.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "settings.h"
#include "stream_config.h"

namespace chorus::tap_rest {

class RestTap final : public chorus::Tap {
 public:
  static chorus::PluginInfo info() {
    return {"tap-rest",
            "0.1.0",
            "Reads JSON REST APIs declared in the config: paginated, authenticated, incremental.",
            {"discover", "catalog", "state", "about"},
            settings_schema()};
  }

  RestTap(chorus::PluginContext context, nlohmann::json config)
      : Tap(context, std::move(config)),
        specs_(stream_specs(this->config())),
        client_(chorus::http::HttpClientOptions::from_config(this->config()), &this->context()),
        authenticator_(chorus::http::make_authenticator(
            kAuth.find(this->config()).value_or(nlohmann::json()), client_)) {}

  // Discovery infers each stream's schema from its first page. A stream that fails there does
  // not hide the others' failures: the error lists every stream that could not be read.
  nlohmann::json catalog() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams = discover_streams();
    std::string failures;
    for (auto &stream : streams) {
      try {
        static_cast<chorus::http::RestStream &>(*stream).discover_schema();
      } catch (const std::exception &error) {
        failures += std::string(failures.empty() ? "" : "; ") + error.what();
      }
    }
    if (!failures.empty()) {
      throw chorus::FatalError(
          "discovery could not read the first page of every stream: " + failures +
          ". Fix those streams' settings, or declare their 'schema' so that "
          "discovery does not need to read them");
    }
    return catalog_of(streams);
  }

  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams;
    std::map<std::string, chorus::http::RestStream *> by_name;
    for (const auto &spec : specs_) {
      auto stream = std::make_unique<chorus::http::RestStream>(spec, client_, authenticator_.get());
      by_name[spec.name] = stream.get();
      streams.push_back(std::move(stream));
    }
    // stream_specs() checked that every parent exists.
    for (const auto &spec : specs_) {
      if (!spec.parent_stream.empty()) by_name[spec.name]->set_parent(by_name[spec.parent_stream]);
    }
    return streams;
  }

 private:
  std::vector<chorus::http::RestStreamSpec> specs_;
  chorus::http::HttpClient client_;
  std::unique_ptr<chorus::http::Authenticator> authenticator_;
};

}  // namespace chorus::tap_rest

CHORUS_PLUGIN(chorus::tap_rest::RestTap)
