// Stream selection (`--select`, `select:`) applied to a tap's discovered catalog.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::host {

// Returns `catalog` with Singer `selected` metadata set: a pattern "orders" (shell wildcards
// allowed) selects a stream with all its properties; "orders.id" selects the stream and only the
// properties named by such patterns (properties with `inclusion: automatic` are kept). Streams
// no pattern matches are deselected. Throws std::runtime_error, listing the catalog's streams,
// when a pattern matches no stream, or when the catalog has no "streams" list.
nlohmann::json select_streams(nlohmann::json catalog, const std::vector<std::string> &patterns);

}  // namespace chorus::host
