// MariaDB's GTID position: the last global transaction id committed in each replication
// domain, in the server's text form "domain-server-sequence", one per domain, comma-separated
// (as @@gtid_binlog_pos, BINLOG_GTID_POS() and @slave_connect_state write and read it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::tap_mysql {

class GtidPosition {
 public:
  // nullopt when `text` is not a GTID position; "" is the position before any transaction.
  static std::optional<GtidPosition> parse(std::string_view text);

  // A transaction of `domain` committed: it is now that domain's last one.
  void commit(std::uint32_t domain, std::uint32_t server, std::uint64_t sequence);
  bool empty() const { return last_.empty(); }
  // The text form, domains in ascending order.
  std::string text() const;
  bool operator==(const GtidPosition &other) const { return last_ == other.last_; }

 private:
  struct Gtid {
    std::uint32_t server = 0;
    std::uint64_t sequence = 0;
    bool operator==(const Gtid &other) const {
      return server == other.server && sequence == other.sequence;
    }
  };
  std::map<std::uint32_t, Gtid> last_;  // by domain
};

}  // namespace chorus::tap_mysql
