// A logical replication stream: a replication connection (libpq, replication=database) that
// runs START_REPLICATION SLOT ... LOGICAL and then reads the server's CopyBoth messages.
//
// Usage:
//   pg::ReplicationStream stream(settings, "tap-postgres");
//   stream.start("chorus", state_lsn, {{"format-version", "2"}});
//   stream.confirm(state_lsn);            // what a committed state proves: WAL before it is freed
//   while (auto change = stream.next()) { ... change->lsn, change->data ... }
//
// Why a replication connection rather than pg_logical_slot_peek_changes(): the server sends
// changes as it decodes them, so progress is incremental, and the walsender notices a client
// that died at once (its socket closes) instead of decoding on until its result is complete, so
// a resumed run finds the slot free.
//
// Threads: next() and confirm() are called from the thread that owns the stream. A heartbeat
// thread of the stream's own repeats the last confirmation every few seconds, so the server's
// wal_sender_timeout does not end the stream while the owner is blocked writing records to a
// slow reader. The protocol messages (XLogData 'w', keepalive 'k', standby status update 'r')
// are the only wire format written here; libpq carries them (PQgetCopyData, PQputCopyData).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chorus/pg/connection.h"
#include "chorus/plugin/errors.h"

namespace chorus::pg {

// "16/B374D848" <-> 64-bit WAL position. parse_lsn() throws FatalError on other text.
std::uint64_t parse_lsn(std::string_view text);
std::string format_lsn(std::uint64_t lsn);

// START_REPLICATION was refused because another backend holds the slot (SQLSTATE 55006).
class SlotInUse : public RetryableError {
 public:
  using RetryableError::RetryableError;
};

class ReplicationStream {
 public:
  // Opens the replication connection. Errors as pg::Connection's constructor.
  ReplicationStream(const ConnectionSettings &settings, std::string plugin);
  ~ReplicationStream();
  ReplicationStream(const ReplicationStream &) = delete;
  ReplicationStream &operator=(const ReplicationStream &) = delete;

  // START_REPLICATION SLOT <slot> LOGICAL <start> (<options>): the server sends the
  // transactions that commit at or after `start`. Throws SlotInUse when the slot is active
  // elsewhere, FatalError for any other refusal.
  void start(const std::string &slot, std::uint64_t start,
             const std::vector<std::pair<std::string, std::string>> &options);

  // Reports `lsn` as written, flushed and applied: the server may release the WAL before it
  // and moves the slot's confirmed_flush_lsn there. Never call it with a position that is not
  // durably loaded downstream. The heartbeat repeats the last value.
  void confirm(std::uint64_t lsn);

  struct Change {
    std::uint64_t lsn;      // the position the server gave this message
    std::string_view data;  // the output plugin's text; valid until the next call of next()
  };
  // Blocks until the next change arrives; answers keepalives that ask for a reply. Throws
  // RetryableError when the connection is lost, FatalError when the server ends the stream.
  Change next();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chorus::pg
