// A plugin's about document as Markdown: what `chorus about --format markdown` prints and what
// plugin READMEs embed.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace chorus::host {

// Title, description, capabilities, and a settings table (name, type, required, secret,
// default, description).
std::string about_markdown(const nlohmann::json &about);

}  // namespace chorus::host
