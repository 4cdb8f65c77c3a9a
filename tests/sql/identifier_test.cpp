#include "chorus/sql/identifier.h"

#include <doctest/doctest.h>

using namespace chorus::sql;

TEST_CASE("quoting doubles the quote character and keeps everything else") {
  IdentifierRules rules;
  CHECK(quote_identifier("order", rules) == "\"order\"");
  CHECK(quote_identifier("a\"b", rules) == "\"a\"\"b\"");
  CHECK(quote_identifier("x; DROP TABLE y", rules) == "\"x; DROP TABLE y\"");
  CHECK(quote_identifier("Ünïcødé name", rules) == "\"Ünïcødé name\"");
  IdentifierRules backticks{63, '`', CaseFolding::Preserve};
  CHECK(quote_identifier("a`b\"c", backticks) == "`a``b\"c`");
}

TEST_CASE("quoting replaces NUL bytes, which no warehouse stores") {
  IdentifierRules rules;
  CHECK(quote_identifier(std::string_view("a\0b", 3), rules) == "\"a_b\"");
}

TEST_CASE("hash suffix is deterministic and distinguishes inputs") {
  CHECK(hash_suffix("abc") == hash_suffix("abc"));
  CHECK(hash_suffix("abc") != hash_suffix("abd"));
  CHECK(hash_suffix("abc").size() == 9);
  CHECK(hash_suffix("abc")[0] == '_');
  // Pinned so that table names stay stable across releases.
  CHECK(hash_suffix("") == "_4fd0bfc1");
}

TEST_CASE("short names are kept as they are, folded per dialect") {
  IdentifierRules keep{63, '"', CaseFolding::Preserve};
  IdentifierRules lower{127, '"', CaseFolding::Lower};
  IdentifierRules upper{255, '"', CaseFolding::Upper};
  CHECK(safe_identifier("CamelCase", keep) == "CamelCase");
  CHECK(safe_identifier("CamelCase", lower) == "camelcase");
  CHECK(safe_identifier("CamelCase", upper) == "CAMELCASE");
  CHECK(safe_identifier("Ünï", lower) == "Ünï");  // only ASCII letters are folded
  CHECK(safe_identifier("", keep) == "_");
}

TEST_CASE("long names are shortened with a hash suffix and stay distinct") {
  IdentifierRules rules;  // 63 bytes
  std::string a(80, 'a');
  std::string b = std::string(79, 'a') + "b";
  std::string safe_a = safe_identifier(a, rules);
  std::string safe_b = safe_identifier(b, rules);
  CHECK(safe_a.size() == 63);
  CHECK(safe_b.size() == 63);
  CHECK(safe_a != safe_b);
  CHECK(safe_a == std::string(54, 'a') + hash_suffix(a));
  CHECK(safe_identifier(a, rules) == safe_a);
  CHECK(safe_identifier(std::string(63, 'x'), rules) == std::string(63, 'x'));
}

TEST_CASE("shortening never cuts a UTF-8 character in half") {
  IdentifierRules rules;
  std::string name;
  for (int i = 0; i < 40; ++i) name += "é";  // 2 bytes each: 80 bytes
  std::string safe = safe_identifier(name, rules);
  CHECK(safe.size() <= 63);
  // 54 bytes are left for the prefix: 27 whole characters.
  CHECK(safe.substr(0, 54) == name.substr(0, 54));
  CHECK(safe.substr(54) == hash_suffix(name));
}

TEST_CASE("versioned names keep the version visible when shortened") {
  IdentifierRules rules;
  CHECK(versioned_identifier("amount", 2, rules) == "amount__v2");
  std::string name(70, 'n');
  std::string versioned = versioned_identifier(name, 3, rules);
  CHECK(versioned.size() == 63);
  CHECK(versioned.find("__v3_") == 63 - 9 - 4);
}
