#include "batch_files.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "chorus/singer/reader.h"
#include "chorus/singer/writer.h"

namespace chorus {
namespace {

const Setting<std::vector<std::string>> kRoots =
    Setting<std::vector<std::string>>(
        "batch_file_roots",
        "Folders (absolute, or file:// URIs) that BATCH message files may be read from; a BATCH "
        "naming a file elsewhere is refused. Empty: the folder of batch_config.storage.root when "
        "given, else BATCH messages are refused.")
        .defaults_to({});
const Setting<nlohmann::json> kBatchConfig = Setting<nlohmann::json>(
    "batch_config",
    "The Meltano SDK's batch_config, as the tap has it: its storage.root (a file:// URI) is "
    "where BATCH files may be read from when batch_file_roots is empty.");

std::string without_file_scheme(std::string text) {
  constexpr std::string_view kScheme = "file://";
  if (text.rfind(kScheme, 0) == 0) text.erase(0, kScheme.size());
  return text;
}

std::string local_path(const std::string &uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.rfind(kScheme, 0) != 0 || uri.size() <= kScheme.size() || uri[kScheme.size()] != '/') {
    throw FatalError("BATCH manifest entry '" + uri +
                     "': only local files (file:///absolute/path) can be read; stage the "
                     "batch files where the target runs, or run the tap without batch output");
  }
  return uri.substr(kScheme.size());
}

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};

// Copies the lines of `path` (gzip or plain: zlib reads both) into `out` as RECORD messages of
// `stream`, one per line, blank lines kept blank so that line numbers stay those of the file.
void wrap_lines(const std::string &path, const std::string &stream, std::FILE *out) {
  std::unique_ptr<gzFile_s, GzCloser> in(gzopen(path.c_str(), "rb"));
  if (!in) {
    throw FatalError("BATCH file '" + path +
                     "' cannot be opened; check that it exists and is "
                     "readable where the target runs");
  }
  std::string head = R"({"type":"RECORD","stream":)";
  singer::append_json_string(head, stream);
  head += R"(,"record":)";
  std::string line;
  char buffer[1 << 16];
  auto flush_line = [&] {
    bool blank = line.find_first_not_of(" \t\r") == std::string::npos;
    if (!blank) {
      std::fwrite(head.data(), 1, head.size(), out);
      std::fwrite(line.data(), 1, line.size(), out);
      std::fputc('}', out);
    }
    std::fputc('\n', out);
    line.clear();
  };
  for (;;) {
    int n = gzread(in.get(), buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      throw FatalError("BATCH file '" + path + "' cannot be read: " + gzerror(in.get(), &code));
    }
    if (n == 0) break;
    for (int i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        flush_line();
      } else {
        line.push_back(buffer[i]);
      }
    }
  }
  if (!line.empty()) flush_line();
}

std::string roots_text(const std::vector<std::string> &roots) {
  std::string text;
  for (const std::string &root : roots) text += (text.empty() ? "" : ", ") + root;
  return text;
}

}  // namespace

BatchFileRoots::BatchFileRoots(const nlohmann::json &config) {
  std::vector<std::string> given;
  for (const std::string &root : kRoots.read(config)) given.push_back(without_file_scheme(root));
  if (given.empty()) {
    const nlohmann::json batch_config = kBatchConfig.read(config);
    if (batch_config.is_object()) {
      const auto storage = batch_config.find("storage");
      if (storage != batch_config.end() && storage->is_object()) {
        const auto root = storage->find("root");
        if (root != storage->end() && root->is_string() &&
            root->get<std::string>().rfind("file://", 0) == 0) {
          given.push_back(without_file_scheme(root->get<std::string>()));
        }
      }
    }
  }
  for (const std::string &folder : given) {
    if (folder.empty() || folder.front() != '/') {
      throw ConfigError("setting `batch_file_roots`: '" + folder +
                        "' is not an absolute folder; give folders such as /data/batches");
    }
    // A root that does not exist (yet) is kept as written: nothing under it can be admitted
    // before it exists, and then its canonical form is compared too.
    std::error_code error;
    std::string canonical = std::filesystem::weakly_canonical(folder, error).string();
    if (error) canonical = std::filesystem::path(folder).lexically_normal().string();
    if (canonical.empty() || canonical.back() != '/') canonical.push_back('/');
    roots_.push_back(std::move(canonical));
  }
}

std::string BatchFileRoots::admit(const std::string &path) const {
  if (roots_.empty()) {
    throw FatalError("BATCH file '" + path + "' is not read: reading BATCH files is off until " +
                     "setting `" + kRoots.name() +
                     "` names the folders they may come from (the folder of the tap's "
                     "batch_config storage root), or `batch_config.storage.root` is given");
  }
  // Resolved before the check, so that neither '..' nor a symbolic link leads outside a root.
  char *resolved = ::realpath(path.c_str(), nullptr);
  std::string canonical = resolved != nullptr
                              ? std::string(resolved)
                              : std::filesystem::path(path).lexically_normal().string();
  std::free(resolved);
  for (const std::string &root : roots_) {
    if (canonical.compare(0, root.size(), root) == 0) return canonical;
  }
  throw FatalError("BATCH file '" + path + "' is outside the folders BATCH files may be read " +
                   "from (setting `" + kRoots.name() + "`: " + roots_text(roots_) +
                   "); add its folder to " + kRoots.name() +
                   " if the tap writes its batches there");
}

nlohmann::json batch_file_settings() { return SettingList{&kRoots, &kBatchConfig}.schema(); }

void for_each_batch_record(
    const singer::BatchMessage &batch, const BatchFileRoots &roots,
    const std::function<void(singer::Message &record, const std::string &file,
                             std::uint64_t file_line)> &on_record) {
  if (batch.format != "jsonl") {
    throw FatalError("BATCH encoding format '" + batch.format +
                     "' is not supported; chorus targets read \"jsonl\"");
  }
  if (batch.compression != "gzip" && batch.compression != "none") {
    throw FatalError("BATCH compression '" + batch.compression +
                     "' is not supported; chorus targets read \"gzip\" and \"none\"");
  }
  for (const std::string &uri : batch.manifest) {
    const std::string path = roots.admit(local_path(uri));
    // Wrapping each line as a RECORD lets the codec parse batch records exactly as it parses
    // the stream's own (numbers kept as text, the same validation).
    std::unique_ptr<std::FILE, FileCloser> wrapped(std::tmpfile());
    if (!wrapped) throw FatalError("BATCH file '" + path + "': no temporary file to read it");
    wrap_lines(path, batch.stream, wrapped.get());
    std::fflush(wrapped.get());
    std::rewind(wrapped.get());
    singer::MessageReader reader(fileno(wrapped.get()));
    singer::Message message;
    try {
      while (reader.next(message)) on_record(message, path, message.line_number);
    } catch (const singer::ProtocolError &error) {
      throw FatalError("BATCH file '" + path + "': " + error.what());
    }
  }
}

}  // namespace chorus
