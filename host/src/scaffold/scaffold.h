// `chorus new tap|target|mapper NAME`: writes a plugin project that builds against the installed
// SDK (find_package(chorus-sdk)) and passes its own test, for the author to edit from there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace chorus::host::scaffold {

struct ProjectRequest {
  std::string kind;  // "tap", "target" or "mapper"
  std::string name;  // "myapi": the project is tap-myapi, built as tap-myapi.so
  // Where the project goes; empty: ./<kind>-<name>. It must not exist or be an empty folder.
  std::filesystem::path directory;
};

// The names a project's files use, derived from kind and name.
struct ProjectNames {
  std::string plugin;      // "tap-my-api"
  std::string identifier;  // "tap_my_api": file names, namespace, CMake target suffixes
  std::string class_name;  // "MyApiTap"
};

// Throws std::invalid_argument (with what to do) when the kind is unknown or the name is not
// lower-case letters, digits and dashes starting with a letter.
ProjectNames project_names(const std::string &kind, const std::string &name);

// Writes the project and returns the paths written, relative to the project folder. Throws
// std::runtime_error naming the folder when it exists and is not empty, or cannot be written.
std::vector<std::filesystem::path> write_project(const ProjectRequest &request);

// One file of a template: path and text with @PLUGIN@, @NAME@, @IDENT@, @CLASS@ placeholders
// (the path may hold @IDENT@).
struct TemplateFile {
  std::string path;
  std::string text;
};
// The files of the `kind` project template, shared ones included.
std::vector<TemplateFile> template_files(const std::string &kind);

}  // namespace chorus::host::scaffold
