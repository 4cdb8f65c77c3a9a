// How a refused or failed connection, and a server's message, are reported; shared by
// pg::Connection and pg::ReplicationStream, defined in connection.cpp.
#pragma once

#include <string>

namespace chorus::pg {

// A libpq message without its trailing newline and spaces ("" for null).
std::string trimmed_message(const char *text);

// Throws ConfigError when the server refused the credentials, the database or the TLS setup
// (retrying will not help), RetryableError otherwise. The message names `plugin` and
// `description` (never the password) and says what to check.
[[noreturn]] void throw_connect_error(const std::string &plugin, const std::string &description,
                                      const std::string &server_message);

}  // namespace chorus::pg
