// mapper-pii: drops or hashes (salted SHA-256, hex) listed properties, in both SCHEMA and
// RECORD messages, so that personal data never reaches the target.
//
// It fails closed: a rule that matches nothing is an error, never a silent pass in clear. A
// rule naming a property its stream's SCHEMA lacks fails at that SCHEMA, before any record of
// the stream passes. A rule naming a stream that never arrives fails at the end of the input;
// until its stream arrives, STATE messages are held back, so the target commits no state and a
// failed run is resumed from where it began. A stream arriving under a name close to that of
// a rule's missing stream ("sales" for a rule on "sale") fails at once, before its records pass.
#include <openssl/evp.h>

#include <algorithm>
#include <set>
#include <string>

#include "chorus/plugin/did_you_mean.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "property_rules.h"

namespace chorus::mapper_pii {
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

const Setting<std::vector<std::string>> kHash =
    Setting<std::vector<std::string>>("hash",
                                      "\"stream.property\" entries replaced by the hex SHA-256 "
                                      "of salt + value (null stays null).")
        .defaults_to({});
const Setting<std::vector<std::string>> kDrop =
    Setting<std::vector<std::string>>("drop",
                                      "\"stream.property\" entries removed from schema and "
                                      "records.")
        .defaults_to({});
const Setting<std::string> kSalt =
    Setting<std::string>("salt",
                         "Prefix hashed with each value, so hashes cannot be looked up; required "
                         "when `hash` lists properties.")
        .defaults_to("")
        .secret();

}  // namespace

class PiiMapper : public Mapper {
 public:
  static PluginInfo info() {
    return {"mapper-pii",
            "0.1.0",
            "Drops or hashes personal data properties of chosen streams.",
            {"about"},
            SettingList{&kHash, &kDrop, &kSalt}.schema()};
  }

  PiiMapper(PluginContext context, nlohmann::json config)
      : Mapper(context, std::move(config)),
        rules_(kHash.read(this->config()), kDrop.read(this->config())),
        salt_(kSalt.read(this->config())) {
    if (salt_.empty() && !kHash.read(this->config()).empty()) {
      throw ConfigError(
          "mapper-pii: `salt` is empty, but `hash` lists properties: an unsalted SHA-256 of an "
          "email or a phone number is undone by hashing likely values. Set `salt` to a long "
          "random secret, the same on every run so that hashes stay comparable");
    }
  }

  bool holds_state() const override { return !unseen_streams().empty(); }

  void end_of_input() override {
    std::vector<std::string> unseen = unseen_streams();
    if (unseen.empty()) return;
    std::string rules;
    for (const std::string &stream : unseen) {
      for (const auto &rule : rules_.rules_of(stream))
        rules += (rules.empty() ? "" : ", ") + rule.first;
    }
    throw ConfigError("mapper-pii: no stream matched rule(s) " + rules +
                      "; the streams seen were: " + names(seen_) +
                      ". Fix the stream name; the STATE of this run was held back, so nothing "
                      "of it is committed");
  }

  void map_schema(singer::SchemaMessage &schema) override {
    seen_.insert(schema.stream);
    if (!rules_.touches(schema.stream)) {
      refuse_near_miss(schema.stream);
      return;
    }
    check_properties(schema);
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
  static std::string names(const std::set<std::string> &set) {
    std::string out;
    for (const std::string &name : set) out += (out.empty() ? "" : ", ") + name;
    return out.empty() ? "(none)" : out;
  }

  std::vector<std::string> unseen_streams() const {
    std::vector<std::string> unseen;
    for (const std::string &stream : rules_.streams()) {
      if (seen_.count(stream) == 0) unseen.push_back(stream);
    }
    return unseen;
  }

  // A stream without rules whose name is a likely typo of a rule's stream that has not
  // arrived: its records would pass in clear, so it is refused before they do.
  void refuse_near_miss(const std::string &stream) const {
    for (const std::string &expected : unseen_streams()) {
      // Stricter than a hint: a close name refuses the stream, so short names need near-equality.
      if (!closest_name(stream, {expected}, std::min<std::size_t>(2, expected.size() / 3)))
        continue;
      std::string rules;
      for (const auto &rule : rules_.rules_of(expected))
        rules += (rules.empty() ? "" : ", ") + rule.first;
      throw ConfigError("mapper-pii: stream '" + stream + "' arrived, but rule(s) " + rules +
                        " name stream '" + expected + "', which has not; did you mean '" + stream +
                        "'? Its records would pass in clear, so none of them did");
    }
  }

  // Every rule of the stream must name a property its SCHEMA has.
  void check_properties(const singer::SchemaMessage &schema) const {
    std::vector<std::string> properties;
    if (schema.schema.contains("properties") && schema.schema["properties"].is_object()) {
      for (const auto &property : schema.schema["properties"].items()) {
        properties.push_back(property.key());
      }
    }
    for (const auto &[rule, property] : rules_.rules_of(schema.stream)) {
      if (std::find(properties.begin(), properties.end(), property) != properties.end()) continue;
      std::string seen;
      for (const std::string &name : properties) seen += (seen.empty() ? "" : ", ") + name;
      throw ConfigError("mapper-pii: rule " + rule + " names property '" + property +
                        "', which the SCHEMA of stream '" + schema.stream + "' does not have" +
                        did_you_mean(property, properties) +
                        "; its properties are: " + (seen.empty() ? "(none)" : seen));
    }
  }

  PropertyRules rules_;
  std::set<std::string> seen_;  // streams whose SCHEMA arrived
  std::string salt_;
  std::string digest_;
};

}  // namespace chorus::mapper_pii

CHORUS_PLUGIN(chorus::mapper_pii::PiiMapper)
