// The error families a plugin raises. The SDK catches them at the ABI boundary and maps each to
// a chorus_status, with the message handed to host->set_error(). Header-only.
#pragma once

#include <stdexcept>
#include <string>

namespace chorus {

// Invalid configuration: unknown key, missing required setting, value of the wrong type.
// -> CHORUS_ERR_CONFIG
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure that retrying the same call will not fix. -> CHORUS_ERR_FATAL
// (Any other std::exception maps here too.)
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A transient failure (connection refused, throttled). -> CHORUS_ERR_RETRYABLE
class RetryableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace chorus
