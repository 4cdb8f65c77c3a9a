// Writes a deterministic `orders` data set for the benchmarks, either as a Singer stream
// (SCHEMA, then RECORDs of about 150 bytes with a STATE every 10,000) or as the same rows in
// CSV. Hand-rolled and dependency-free so that generating is never what the benchmark measures.
//
//   chorus-bench-generate singer|csv RECORDS [--changed N] > file
//
// --changed N rewrites the status and updated_at of N evenly spread rows, as a later extract
// of the same table would (for incremental re-run benchmarks).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const char *const kStatuses[] = {"pending", "paid", "shipped", "delivered", "returned"};

struct Row {
  std::uint64_t id;
  const char *status;
  char amount[24];
  char customer[40];
  char updated_at[32];
};

// A fixed linear congruential generator keeps the data identical on every machine and run.
std::uint64_t next_random(std::uint64_t &seed) {
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return seed >> 33;
}

Row make_row(std::uint64_t id, std::uint64_t &seed, bool changed) {
  Row row{};
  row.id = id;
  row.status = changed ? "refunded" : kStatuses[next_random(seed) % 5];
  std::uint64_t cents = next_random(seed) % 10000000;
  std::snprintf(row.amount, sizeof row.amount, "%llu.%02llu",
                static_cast<unsigned long long>(cents / 100),
                static_cast<unsigned long long>(cents % 100));
  std::snprintf(row.customer, sizeof row.customer, "customer-%06llu",
                static_cast<unsigned long long>(next_random(seed) % 1000000));
  std::uint64_t second = id % 86400;
  std::snprintf(row.updated_at, sizeof row.updated_at, "2026-11-%02d T%02llu:%02llu:%02lluZ",
                changed ? 2 : 1, static_cast<unsigned long long>(second / 3600),
                static_cast<unsigned long long>(second / 60 % 60),
                static_cast<unsigned long long>(second % 60));
  // Remove the space that keeps the format string readable: "2026-11-01T00:00:00Z".
  std::memmove(row.updated_at + 10, row.updated_at + 11, std::strlen(row.updated_at + 11) + 1);
  return row;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s singer|csv RECORDS [--changed N]\n", argv[0]);
    return 2;
  }
  const bool singer = std::strcmp(argv[1], "singer") == 0;
  const std::uint64_t records = std::strtoull(argv[2], nullptr, 10);
  std::uint64_t changed = 0;
  if (argc >= 5 && std::strcmp(argv[3], "--changed") == 0)
    changed = std::strtoull(argv[4], nullptr, 10);
  const std::uint64_t change_every = changed ? records / changed : 0;

  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  if (singer) {
    std::fputs(
        "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"key_properties\":[\"id\"],"
        "\"bookmark_properties\":[\"updated_at\"],\"schema\":{\"type\":\"object\",\"properties\":{"
        "\"id\":{\"type\":\"integer\"},\"status\":{\"type\":[\"string\",\"null\"]},"
        "\"amount\":{\"type\":[\"number\",\"null\"]},\"customer\":{\"type\":[\"string\",\"null\"]},"
        "\"updated_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}}}\n",
        stdout);
  } else {
    std::fputs("id,status,amount,customer,updated_at\n", stdout);
  }
  std::uint64_t seed = 42;
  for (std::uint64_t id = 1; id <= records; ++id) {
    const bool is_changed = change_every && id % change_every == 0;
    Row row = make_row(id, seed, is_changed);
    if (singer) {
      std::printf(
          "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":%llu,\"status\":\"%s\","
          "\"amount\":%s,\"customer\":\"%s\",\"updated_at\":\"%s\"}}\n",
          static_cast<unsigned long long>(row.id), row.status, row.amount, row.customer,
          row.updated_at);
      if (id % 10000 == 0 || id == records) {
        std::printf(
            "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{\"replication_key\":"
            "\"updated_at\",\"replication_key_value\":\"%s\",\"last_id\":%llu}}}}\n",
            row.updated_at, static_cast<unsigned long long>(row.id));
      }
    } else {
      std::printf("%llu,%s,%s,%s,%s\n", static_cast<unsigned long long>(row.id), row.status,
                  row.amount, row.customer, row.updated_at);
    }
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
