#include "chorus/s3/xml_text.h"

#include <cstdlib>

namespace chorus::s3 {

std::vector<std::string_view> xml_elements(std::string_view document, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t at = 0;
  while ((at = document.find(open, at)) != std::string_view::npos) {
    std::size_t after_name = at + open.size();
    if (after_name >= document.size()) break;
    char next = document[after_name];
    if (next != '>' && next != ' ' && next != '/') {  // a longer tag name that starts alike
      at = after_name;
      continue;
    }
    std::size_t content = document.find('>', after_name);
    if (content == std::string_view::npos) break;
    if (document[content - 1] == '/') {  // <Tag/>
      out.emplace_back();
      at = content + 1;
      continue;
    }
    ++content;
    std::size_t end = document.find(close, content);
    if (end == std::string_view::npos) break;
    out.push_back(document.substr(content, end - content));
    at = end + close.size();
  }
  return out;
}

std::string xml_text(std::string_view document, std::string_view tag) {
  auto elements = xml_elements(document, tag);
  return elements.empty() ? std::string() : xml_unescape(elements.front());
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    std::size_t semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos) {
      out.push_back('&');
      continue;
    }
    std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    if (entity == "amp")
      out.push_back('&');
    else if (entity == "lt")
      out.push_back('<');
    else if (entity == "gt")
      out.push_back('>');
    else if (entity == "quot")
      out.push_back('"');
    else if (entity == "apos")
      out.push_back('\'');
    else if (!entity.empty() && entity[0] == '#') {
      std::string digits(entity.substr(1));
      unsigned long code = digits[0] == 'x' ? std::strtoul(digits.c_str() + 1, nullptr, 16)
                                            : std::strtoul(digits.c_str(), nullptr, 10);
      // UTF-8 encode the code point.
      if (code < 0x80) {
        out.push_back(static_cast<char>(code));
      } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      }
    } else {
      out.append(text.substr(i, semicolon - i + 1));
    }
    i = semicolon;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace chorus::s3
