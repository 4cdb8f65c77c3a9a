// The credentials an HTTP client sent, so that nothing it logs or reports repeats them.
//
// Authenticators register every secret they put on the wire, including the ones they obtain at
// run time (OAuth2 access tokens) and the encoded forms a server may echo (the base64 of a Basic
// header, the percent-encoding of a query parameter, the JSON escaping of a body).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chorus::http {

class SecretMasker {
 public:
  // What a secret is replaced with.
  static constexpr std::string_view kMask = "********";

  // Registers `secret` and its percent-encoded and JSON-escaped forms. Values shorter than 3
  // characters are ignored: they would mask ordinary text and protect nothing.
  void add(std::string_view secret);
  // Registers an already encoded form as is (the value of a Basic header).
  void add_exact(std::string_view encoded);

  // `text` with every registered secret replaced by kMask.
  std::string mask(std::string_view text) const;
  bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;  // longest first, so that a longer form wins
};

}  // namespace chorus::http
