// A state as one object in S3 (or an S3-compatible store), locked with a lease object next to it.
//
// The state is `s3://bucket/key`, or, for a location ending in '/', Meltano's layout
// `<prefix>/<state_id>/state.json`. A PUT replaces an object whole, so a reader sees the old
// state or the new one. The lock is the object `<key>.lock`: the holder's details, a random token
// and the time its lease runs out. It is created with a conditional write (If-None-Match: *) or,
// to take over a lease that ran out, replaced with If-Match on the ETag that was read; then read
// back, so that a server that ignores conditional writes (s3rver, older S3-compatible stores)
// still shows whose write won: on such a server (it accepts a second "only if absent" write of
// the lock), after the moment in which a rival that also found no lock writes its own. A lock
// that reads back torn is read again before it is taken over. The holder renews the lease in the
// background and, before every state write, checks that the lock object still carries its token: a
// worker that lost its lease (stalled longer than the lease) stops instead of overwriting another
// worker's state.
//
// A lock whose holder ran on this host and whose process is gone (a SIGKILL) is taken over at
// once; a holder on another host is waited out until its lease runs out
// (StateStoreOptions::lock_lease_seconds, kStateLeaseSeconds by default).
#pragma once

#include <memory>
#include <string>

#include "state/state_store.h"

namespace chorus::host {

// Credentials come from the AWS chain (environment, shared file, instance role), as for staging.
std::unique_ptr<StateStore> open_s3_state_store(const std::string &url,
                                                const StateStoreOptions &options);

}  // namespace chorus::host
