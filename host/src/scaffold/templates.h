// The text of the project templates (see *_templates.cpp). Placeholders: @PLUGIN@ (tap-my-api),
// @NAME@ (my-api), @IDENT@ (tap_my_api), @CLASS@ (MyApiTap), @KIND@ (tap), @RUN@ (README run
// lines of the kind). Each template is defined in the *_templates.cpp file of its kind.
#pragma once

namespace chorus::host::scaffold {

extern const char *const kCMakeLists;
extern const char *const kGitignore;
extern const char *const kEntry;
extern const char *const kEntryTest;
extern const char *const kReadme;

extern const char *const kTapHeader;
extern const char *const kTapSource;
extern const char *const kTapTest;
extern const char *const kTapRun;

extern const char *const kTargetHeader;
extern const char *const kTargetSource;
extern const char *const kTargetTest;
extern const char *const kTargetRun;

extern const char *const kMapperHeader;
extern const char *const kMapperSource;
extern const char *const kMapperTest;
extern const char *const kMapperRun;

}  // namespace chorus::host::scaffold
