// One tap-csv stream: the rows of every file a `files` entry matches, typed by a declared or an
// inferred schema.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/plugin/table_bookmarks.h"
#include "chorus/plugin/tap.h"
#include "file_spec.h"
#include "value_types.h"

namespace chorus::tap_csv {

struct Column {
  std::string name;
  ColumnType type = ColumnType::String;
};

struct StreamOptions {
  std::uint64_t state_every = 10000;        // records between STATE messages
  std::uint64_t infer_sample_rows = 10000;  // 0: every row
  bool allow_empty = false;                 // a path that matches no file syncs nothing
  TablePartition partition;  // `chorus run --partition K/N`: this slice's share of the files
};

class CsvStream : public Stream {
 public:
  // Reads the headers of every matched file (and, without a declared schema, a sample of rows)
  // to settle the columns and their types.
  CsvStream(FileSpec spec, StreamOptions options);

  std::string name() const override { return spec_.entity; }
  nlohmann::json schema() const override;
  std::vector<std::string> property_order() const override;
  std::vector<std::string> key_properties() const override { return spec_.keys; }
  std::vector<std::string> replication_keys() const override;
  void sync(StreamSync &sync) override;

  const std::vector<Column> &columns() const { return columns_; }

 private:
  void settle_columns();
  // Returns false when a stop was requested before the end of the file.
  bool sync_file(const std::string &path, StreamSync &sync, class ReplicationCursor *cursor,
                 const std::vector<bool> &selected, std::uint64_t &since_state);
  // A slice of a partitioned run: the whole files dealt to it, under the sync's shared version.
  void sync_slice(StreamSync &sync, const std::vector<bool> &selected);

  FileSpec spec_;
  StreamOptions options_;
  std::vector<std::string> files_;
  std::vector<Column> columns_;
  std::string time_extracted_;
  std::optional<std::int64_t> version_;  // the table version records carry, when they carry one
};

}  // namespace chorus::tap_csv
