// mapper-pii: drops or hashes (SHA-256, hex, with an optional salt) listed properties, in both
// SCHEMA and RECORD messages, so that personal data never reaches the target.
#include <openssl/evp.h>

#include <string>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "property_rules.h"

namespace chorus::pii {
namespace {

// Hex SHA-256 of salt + text, into `out`.
void sha256_hex(std::string_view salt, std::string_view text, std::string &out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(context, salt.data(), salt.size()) == 1 &&
            EVP_DigestUpdate(context, text.data(), text.size()) == 1 &&
            EVP_DigestFinal_ex(context, digest, &length) == 1;
  EVP_MD_CTX_free(context);
  if (!ok) throw FatalError("mapper-pii: SHA-256 failed in OpenSSL");
  static const char kHex[] = "0123456789abcdef";
  out.clear();
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
}

}  // namespace

class PiiMapper : public Mapper {
 public:
  static PluginInfo info() {
    PluginInfo info;
    info.name = "mapper-pii";
    info.version = "0.1.0";
    info.description = "Drops or hashes personal data properties of chosen streams.";
    info.capabilities = {"about", "stream-maps"};
    info.settings = {
        {"type", "object"},
        {"properties",
         {{"hash",
           {{"type", "array"},
            {"items", {{"type", "string"}}},
            {"default", nlohmann::json::array()},
            {"description",
             "\"stream.property\" entries replaced by the hex SHA-256 of salt + "
             "value (null stays null)."}}},
          {"drop",
           {{"type", "array"},
            {"items", {{"type", "string"}}},
            {"default", nlohmann::json::array()},
            {"description", "\"stream.property\" entries removed from schema and records."}}},
          {"salt",
           {{"type", "string"},
            {"default", ""},
            {"secret", true},
            {"description", "Prefix hashed with each value, so hashes cannot be looked up."}}}}}};
    return info;
  }

  PiiMapper(PluginContext context, nlohmann::json config)
      : Mapper(std::move(context), std::move(config)),
        rules_(this->config().value("hash", nlohmann::json::array()),
               this->config().value("drop", nlohmann::json::array())),
        salt_(this->config().value("salt", std::string())) {}

  void map_schema(singer::SchemaMessage &schema) override {
    if (!rules_.touches(schema.stream) || !schema.schema.contains("properties")) return;
    auto &properties = schema.schema["properties"];
    for (auto it = properties.begin(); it != properties.end();) {
      Action action = rules_.action(schema.stream, it.key());
      if (action == Action::Drop) {
        for (const std::string &key : schema.key_properties) {
          if (key == it.key()) {
            throw ConfigError("mapper-pii: cannot drop '" + schema.stream + "." + key +
                              "', a key property of the stream; hash it instead");
          }
        }
        it = properties.erase(it);
        continue;
      }
      if (action == Action::Hash) it.value() = {{"type", {"string", "null"}}};
      ++it;
    }
    if (schema.schema.contains("required") && schema.schema["required"].is_array()) {
      nlohmann::json kept = nlohmann::json::array();
      for (const auto &name : schema.schema["required"]) {
        if (!properties.contains(name.get<std::string>())) continue;
        kept.push_back(name);
      }
      schema.schema["required"] = kept;
    }
  }

  void map_record(const singer::RecordView &record, singer::MessageWriter &out) override {
    if (!rules_.touches(record.stream)) {
      out.write_record(record);
      return;
    }
    out.begin_record(record.stream);
    for (const singer::Field &field : record.fields) {
      switch (rules_.action(record.stream, field.name)) {
        case Action::Keep:
          out.add_value(field.name, field.value);
          break;
        case Action::Drop:
          break;
        case Action::Hash:
          if (field.value.is_null()) {
            out.add_null(field.name);
          } else {
            sha256_hex(salt_, field.value.text, digest_);
            out.add_string(field.name, digest_);
          }
          break;
      }
    }
    if (record.version) {
      out.end_record(record.time_extracted, *record.version);
    } else {
      out.end_record(record.time_extracted);
    }
  }

 private:
  PropertyRules rules_;
  std::string salt_;
  std::string digest_;
};

}  // namespace chorus::pii

CHORUS_PLUGIN(chorus::pii::PiiMapper)
