// Stream selection (`--select`, `select:`) applied to a tap's discovered catalog.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus::host {

// Returns `catalog` with Singer `selected` metadata set. Patterns take shell wildcards:
//   "orders", "orders.*"    the stream with all its properties
//   "orders.id"             the stream, and of its properties only those named by such
//                           patterns (properties with `inclusion: automatic` are always kept)
//   "!orders"               the stream deselected; "!orders.email" the property deselected
//                           (Meltano's exclusion form)
// Without any inclusion pattern every stream and property starts selected and the exclusions
// apply to that; otherwise streams no inclusion matches are deselected. Throws
// std::runtime_error, with a did-you-mean hint and the names there are, when a pattern
// matches no stream or a property pattern no property of the streams it matches, when an
// exclusion names an automatic property (the tap always sends it), or when the catalog has no
// "streams" list.
nlohmann::json select_streams(nlohmann::json catalog, const std::vector<std::string> &patterns);

// The selection state of every stream and property of a catalog, from its metadata (as
// select_streams() leaves it), in catalog order: the stream first, then its properties.
struct SelectionEntry {
  enum class State { Selected, Excluded, Automatic };
  std::string stream;
  std::string property;  // empty: the stream itself
  State state = State::Selected;
};
std::vector<SelectionEntry> selection_states(const nlohmann::json &catalog);

}  // namespace chorus::host
