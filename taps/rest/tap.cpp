// tap-rest: reads JSON web APIs described entirely in the config (streams, paths, pagination,
// auth, records path, keys, replication key), on the SDK's RestStream.
#include <memory>

#include "chorus/http/rest_stream.h"
#include "chorus/plugin/entry.h"
#include "settings.h"
#include "stream_config.h"

namespace tap_rest {

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
      : Tap(std::move(context), std::move(config)),
        specs_(stream_specs(this->config())),
        client_(chorus::http::HttpClientOptions::from_config(this->config()), &this->context()),
        authenticator_(chorus::http::make_authenticator(
            this->config().value("auth", nlohmann::json()), client_)) {}

  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams;
    for (const auto &spec : specs_) {
      streams.push_back(
          std::make_unique<chorus::http::RestStream>(spec, client_, authenticator_.get()));
    }
    return streams;
  }

 private:
  std::vector<chorus::http::RestStreamSpec> specs_;
  chorus::http::HttpClient client_;
  std::unique_ptr<chorus::http::Authenticator> authenticator_;
};

}  // namespace tap_rest

CHORUS_PLUGIN(tap_rest::RestTap)
