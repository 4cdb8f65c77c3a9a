// Just enough XML reading for the small, flat response documents of S3 (ListObjectsV2, errors,
// multipart replies) and the other AWS query APIs (Redshift's GetClusterCredentials): the text
// of elements by tag name. Not a general XML parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chorus::s3 {

// The raw contents of every <tag>...</tag> in `document`, in order (nested markup included).
std::vector<std::string_view> xml_elements(std::string_view document, std::string_view tag);
// The decoded text of the first <tag> element, or "" when there is none.
std::string xml_text(std::string_view document, std::string_view tag);
// Decodes the five predefined entities and numeric character references.
std::string xml_unescape(std::string_view text);
// Escapes text for an element's content.
std::string xml_escape(std::string_view text);

}  // namespace chorus::s3
