// What killed or failed runs leave under a staging prefix, found and removed on request
// (`chorus staging list|clean`): staged files and manifests of batches that were never cleaned
// up, and multipart uploads that were never completed or aborted (S3 bills their parts).
//
// Only keys of the shape batch_prefix() makes count: <base>/<stream>/<UTC time>-<16 hex>/<file>.
// Anything else under the same base (the files of a Redshift Spectrum external table, which
// default to <base>/<schema>/<table>/...) is never touched. A batch younger than `min_age` may
// belong to a run still loading it, so it is left alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chorus/s3/client.h"

namespace chorus::s3 {

struct StagingLeftovers {
  std::vector<ObjectInfo> objects;     // staged files and manifests of old batches
  std::vector<PendingUpload> uploads;  // incomplete multipart uploads of old batches
  std::size_t too_recent = 0;          // batch objects and uploads left alone for their age
  // Why the incomplete uploads could not be listed ("" when they were): s3rver, for one,
  // answers ListMultipartUploads with 501 NotImplemented.
  std::string uploads_not_listed;
};

// The start time (seconds since the epoch) of the batch a key belongs to, or -1 when the key
// is not a staged batch file under `base` (the s3_key_prefix, as batch_prefix() takes it).
long long staged_batch_time(const std::string &base, const std::string &key);

// Lists the leftovers under `base` whose batch started at least `min_age_seconds` before `now`.
StagingLeftovers find_staging_leftovers(Client &client, const std::string &base,
                                        long long min_age_seconds, long long now);

// Deletes the objects and aborts the uploads. Throws S3Error (DeleteObjectsError naming the
// keys S3 refused to delete).
void remove_staging_leftovers(Client &client, const StagingLeftovers &leftovers);

}  // namespace chorus::s3
