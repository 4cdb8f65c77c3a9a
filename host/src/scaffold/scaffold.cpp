#include "scaffold/scaffold.h"

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace chorus::host::scaffold {
namespace {

std::string replace_all(std::string text, const std::string &from, const std::string &to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool valid_name(const std::string &name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return name.back() != '-' && name.find("--") == std::string::npos;
}

}  // namespace

ProjectNames project_names(const std::string &kind, const std::string &name) {
  if (kind != "tap" && kind != "target" && kind != "mapper") {
    throw std::invalid_argument("chorus new: unknown plugin kind '" + kind +
                                "'; use tap, target or mapper");
  }
  if (!valid_name(name)) {
    throw std::invalid_argument("chorus new " + kind + ": '" + name +
                                "' is not a plugin name; use lower-case letters, digits and "
                                "dashes, starting with a letter (e.g. my-api)");
  }
  ProjectNames names;
  names.plugin = kind + "-" + name;
  names.identifier = replace_all(names.plugin, "-", "_");
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    names.class_name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  std::string kind_class = kind;
  kind_class[0] = static_cast<char>(kind_class[0] - 'a' + 'A');
  names.class_name += kind_class;
  return names;
}

std::vector<std::filesystem::path> write_project(const ProjectRequest &request) {
  const ProjectNames names = project_names(request.kind, request.name);
  const std::filesystem::path root =
      request.directory.empty() ? std::filesystem::path(names.plugin) : request.directory;
  std::error_code error;
  if (std::filesystem::exists(root, error) && !std::filesystem::is_empty(root, error)) {
    throw std::runtime_error("chorus new: " + root.string() +
                             " already exists and is not empty; choose another --dir");
  }
  std::vector<std::filesystem::path> written;
  for (const TemplateFile &file : template_files(request.kind)) {
    std::filesystem::path relative = replace_all(file.path, "@IDENT@", names.identifier);
    std::string text = file.text;
    text = replace_all(text, "@PLUGIN@", names.plugin);
    text = replace_all(text, "@NAME@", request.name);
    text = replace_all(text, "@IDENT@", names.identifier);
    text = replace_all(text, "@CLASS@", names.class_name);
    std::filesystem::path target = root / relative;
    std::filesystem::create_directories(target.parent_path(), error);
    if (error) {
      throw std::runtime_error("chorus new: cannot create " + target.parent_path().string() + ": " +
                               error.message());
    }
    std::ofstream out(target, std::ios::binary);
    out << text;
    if (!out.flush()) throw std::runtime_error("chorus new: cannot write " + target.string());
    written.push_back(relative);
  }
  return written;
}

}  // namespace chorus::host::scaffold
