#include "chorus/s3/staging_leftovers.h"

#include <cctype>
#include <ctime>
#include <string_view>

namespace chorus::s3 {
namespace {

bool all_of_class(std::string_view text, int (*accepts)(int)) {
  for (char c : text) {
    if (!accepts(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int lower_hex(int c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); }

// "20240101T000000Z-0123456789abcdef" (batch_prefix's folder) to seconds since the epoch; -1
// for anything else.
long long folder_time(std::string_view folder) {
  if (folder.size() != 33 || folder[8] != 'T' || folder[15] != 'Z' || folder[16] != '-') return -1;
  if (!all_of_class(folder.substr(0, 8), isdigit) || !all_of_class(folder.substr(9, 6), isdigit) ||
      !all_of_class(folder.substr(17), lower_hex)) {
    return -1;
  }
  auto number = [&](std::size_t at, std::size_t length) {
    return std::stoi(std::string(folder.substr(at, length)));
  };
  std::tm time{};
  time.tm_year = number(0, 4) - 1900;
  time.tm_mon = number(4, 2) - 1;
  time.tm_mday = number(6, 2);
  time.tm_hour = number(9, 2);
  time.tm_min = number(11, 2);
  time.tm_sec = number(13, 2);
  return static_cast<long long>(timegm(&time));
}

// A file the staging writer names: "manifest.json" or "part-00000.csv" with an optional
// compression extension.
bool staged_file_name(std::string_view name) {
  if (name == "manifest.json") return true;
  if (name.size() < 14 || name.substr(0, 5) != "part-" || !all_of_class(name.substr(5, 5), isdigit))
    return false;
  std::string_view rest = name.substr(10);
  return rest == ".csv" || rest == ".csv.gz" || rest == ".csv.zst";
}

std::string normalised_base(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.empty()) base += "/";
  return base;
}

}  // namespace

long long staged_batch_time(const std::string &base, const std::string &key) {
  const std::string prefix = normalised_base(base);
  if (key.compare(0, prefix.size(), prefix) != 0) return -1;
  std::string_view rest = std::string_view(key).substr(prefix.size());
  // <stream>/<folder>/<file>, exactly three parts.
  const std::size_t first = rest.find('/');
  if (first == std::string_view::npos || first == 0) return -1;
  const std::size_t second = rest.find('/', first + 1);
  if (second == std::string_view::npos) return -1;
  std::string_view file = rest.substr(second + 1);
  if (file.find('/') != std::string_view::npos || !staged_file_name(file)) return -1;
  return folder_time(rest.substr(first + 1, second - first - 1));
}

StagingLeftovers find_staging_leftovers(Client &client, const std::string &base,
                                        long long min_age_seconds, long long now) {
  StagingLeftovers leftovers;
  const std::string prefix = normalised_base(base);
  auto old_enough = [&](const std::string &key) {
    const long long started = staged_batch_time(base, key);
    if (started < 0) return false;
    if (now - started < min_age_seconds) {
      ++leftovers.too_recent;
      return false;
    }
    return true;
  };
  for (ObjectInfo &object : client.list_objects(prefix)) {
    if (old_enough(object.key)) leftovers.objects.push_back(std::move(object));
  }
  try {
    for (PendingUpload &upload : client.list_multipart_uploads(prefix)) {
      if (old_enough(upload.key)) leftovers.uploads.push_back(std::move(upload));
    }
  } catch (const S3Error &error) {
    if (error.status() != 501) throw;
    leftovers.uploads_not_listed = error.what();
  }
  return leftovers;
}

void remove_staging_leftovers(Client &client, const StagingLeftovers &leftovers) {
  for (const PendingUpload &upload : leftovers.uploads) {
    client.abort_multipart_upload(upload.key, upload.upload_id);
  }
  std::vector<std::string> keys;
  for (const ObjectInfo &object : leftovers.objects) keys.push_back(object.key);
  if (!keys.empty()) client.delete_objects(keys);
}

}  // namespace chorus::s3
