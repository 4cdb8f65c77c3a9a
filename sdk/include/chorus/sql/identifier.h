// SQL identifiers: one quoter and one namer for every warehouse dialect.
//
// chorus always quotes identifiers, so reserved words ("select", "order"), mixed case, spaces,
// '"', ';' and non-ASCII names all load under their own name; nothing is silently rewritten
// except what a warehouse cannot store at all (see safe_identifier).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chorus::sql {

enum class CaseFolding { Preserve, Lower, Upper };

struct IdentifierRules {
  // Longest identifier the warehouse keeps, in bytes (PostgreSQL: 63, Redshift: 127,
  // Snowflake: 255). Longer names would be cut by the server, possibly into collisions.
  std::size_t max_bytes = 63;
  char quote = '"';
  // Applied by safe_identifier(). Redshift folds even quoted names to lower case, so its
  // dialect asks for Lower to make collisions visible to the planner instead of the server.
  CaseFolding folding = CaseFolding::Preserve;
};

// `name` as a quoted identifier: wrapped in rules.quote, with that character doubled inside.
// NUL bytes (which no warehouse accepts) become '_'. Does not fold or shorten: pass names
// through safe_identifier() first.
std::string quote_identifier(std::string_view name, const IdentifierRules &rules);

// "_" followed by 8 lower-case hex digits of the 64-bit FNV-1a hash of `text`. Deterministic
// across runs, machines and compilers.
std::string hash_suffix(std::string_view text);

// The name a warehouse object gets for `name`: case-folded per the rules (ASCII letters only),
// NUL bytes replaced by '_', "_" for an empty name, and at most rules.max_bytes bytes. A name
// that is too long keeps its longest prefix that ends on a UTF-8 character boundary and fits
// with hash_suffix(name) appended, so two long names sharing a prefix stay distinct and the
// same input always gives the same output.
std::string safe_identifier(std::string_view name, const IdentifierRules &rules);

// The name of version `version` (>= 2) of a column, used when a property's type changes
// incompatibly: safe_identifier(name + "__v" + version), except that when shortening is needed
// the "__v<version>" stays at the end (before the hash suffix) so versions remain readable.
std::string versioned_identifier(std::string_view name, int version, const IdentifierRules &rules);

}  // namespace chorus::sql
