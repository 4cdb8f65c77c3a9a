// Reads a SQLite database through the C API, for checking what target-sqlite stored.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace chorus::file_plugins_test {

// Every row of `sql`, each value as text; NULL as "<null>". Throws on an error.
std::vector<std::vector<std::string>> query(const std::filesystem::path &database,
                                            const std::string &sql);
// The single value of a one-row, one-column query.
std::string query_value(const std::filesystem::path &database, const std::string &sql);

}  // namespace chorus::file_plugins_test
