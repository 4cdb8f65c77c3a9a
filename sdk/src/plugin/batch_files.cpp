#include "batch_files.h"

#include <zlib.h>

#include <cstdio>
#include <memory>

#include "chorus/plugin/errors.h"
#include "chorus/singer/reader.h"
#include "chorus/singer/writer.h"

namespace chorus {
namespace {

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

}  // namespace

void for_each_batch_record(
    const singer::BatchMessage &batch,
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
    const std::string path = local_path(uri);
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
