#include "chorus/http/secrets.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "chorus/http/request.h"

namespace chorus::http {

void SecretMasker::add(std::string_view secret) {
  if (secret.size() < 3) return;
  add_exact(secret);
  add_exact(url_encode(secret));
  std::string escaped = nlohmann::json(std::string(secret)).dump();
  add_exact(std::string_view(escaped).substr(1, escaped.size() - 2));
}

void SecretMasker::add_exact(std::string_view encoded) {
  if (encoded.size() < 3) return;
  if (std::find(secrets_.begin(), secrets_.end(), encoded) != secrets_.end()) return;
  secrets_.emplace_back(encoded);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
}

std::string SecretMasker::mask(std::string_view text) const {
  std::string out(text);
  for (const std::string &secret : secrets_) {
    for (auto at = out.find(secret); at != std::string::npos;
         at = out.find(secret, at + kMask.size())) {
      out.replace(at, secret.size(), kMask);
    }
  }
  return out;
}

}  // namespace chorus::http
