// Which template texts make up the project of each kind.
#include <stdexcept>

#include "scaffold/scaffold.h"
#include "scaffold/templates.h"

namespace chorus::host::scaffold {
namespace {

std::string with_kind(std::string text, const std::string &kind, const char *run) {
  for (std::size_t at = text.find("@KIND@"); at != std::string::npos;
       at = text.find("@KIND@", at)) {
    text.replace(at, 6, kind);
  }
  std::size_t at = text.find("@RUN@");
  if (at != std::string::npos) text.replace(at, 5, run);
  return text;
}

}  // namespace

std::vector<TemplateFile> template_files(const std::string &kind) {
  const char *header = nullptr;
  const char *source = nullptr;
  const char *test = nullptr;
  const char *run = nullptr;
  if (kind == "tap") {
    header = kTapHeader;
    source = kTapSource;
    test = kTapTest;
    run = kTapRun;
  } else if (kind == "target") {
    header = kTargetHeader;
    source = kTargetSource;
    test = kTargetTest;
    run = kTargetRun;
  } else if (kind == "mapper") {
    header = kMapperHeader;
    source = kMapperSource;
    test = kMapperTest;
    run = kMapperRun;
  } else {
    throw std::invalid_argument("chorus new: unknown plugin kind '" + kind +
                                "'; use tap, target or mapper");
  }
  return {
      {"CMakeLists.txt", with_kind(kCMakeLists, kind, run)},
      {"README.md", with_kind(kReadme, kind, run)},
      {".gitignore", kGitignore},
      {"src/@IDENT@.h", header},
      {"src/@IDENT@.cpp", source},
      {"src/entry.cpp", kEntry},
      {"tests/@IDENT@_test.cpp", std::string(test) + kEntryTest},
  };
}

}  // namespace chorus::host::scaffold
