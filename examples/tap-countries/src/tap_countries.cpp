// tap-countries: the countries of the world from the REST Countries API (restcountries.com), as
// one Singer stream keyed by the ISO 3166-1 alpha-2 code.
//
// It shows the REST kit of the chorus SDK: a RestStream declared by a spec, with one hook
// (post_process) to flatten the API's nested names into the columns a warehouse wants.
#include <chorus/http/rest_stream.h>
#include <chorus/plugin/entry.h>

namespace tap_countries {

using nlohmann::json;

class CountriesStream final : public chorus::http::RestStream {
 public:
  CountriesStream(const std::string &api_url, chorus::http::HttpClient &client)
      : RestStream(spec(api_url), client, nullptr) {}

 protected:
  // The API nests names ({"name": {"common": "France", "official": "French Republic"}}); the
  // stream's schema is flat.
  std::optional<json> post_process(json country) const override {
    json names = country.value("name", json::object());
    return json{{"code", country.value("cca2", "")},
                {"name", names.value("common", "")},
                {"official_name", names.value("official", "")},
                {"region", country.value("region", "")},
                {"population", country.value("population", 0)}};
  }

 private:
  static chorus::http::RestStreamSpec spec(const std::string &api_url) {
    chorus::http::RestStreamSpec spec;
    spec.name = "countries";
    spec.url_base = api_url;
    spec.path = "/all";
    spec.params = {{"fields", "name,cca2,region,population"}};
    spec.records_path = "$[*]";
    spec.primary_keys = {"code"};
    spec.schema = {{"type", "object"},
                   {"properties",
                    {{"code", {{"type", "string"}}},
                     {"name", {{"type", "string"}}},
                     {"official_name", {{"type", {"null", "string"}}}},
                     {"region", {{"type", {"null", "string"}}}},
                     {"population", {{"type", {"null", "integer"}}}}}},
                   {"required", {"code", "name"}}};
    return spec;
  }
};

class CountriesTap final : public chorus::Tap {
 public:
  static chorus::PluginInfo info() {
    json settings = {
        {"type", "object"},
        {"properties",
         {{"api_url",
           {{"type", "string"},
            {"default", "https://restcountries.com/v3.1"},
            {"description", "Base URL of the REST Countries API."}}},
          {"requests_per_second",
           {{"type", "number"}, {"default", 2}, {"description", "Politeness limit."}}}}}};
    return {"tap-countries",
            "1.0.0",
            "Countries of the world from the REST Countries API.",
            {"discover", "catalog", "about"},
            settings};
  }

  CountriesTap(chorus::PluginContext context, json config)
      : Tap(context, std::move(config)),
        client_(chorus::http::HttpClientOptions::from_config(this->config()), &this->context()) {}

  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams;
    streams.push_back(
        std::make_unique<CountriesStream>(config().at("api_url").get<std::string>(), client_));
    return streams;
  }

 private:
  chorus::http::HttpClient client_;
};

}  // namespace tap_countries

CHORUS_PLUGIN(tap_countries::CountriesTap)
