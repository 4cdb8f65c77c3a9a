// Streaming gzip and zstd compression of staged files, one compressor per open file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "chorus/s3/staging.h"
#include "s3/byte_buffer.h"

namespace chorus::s3 {

class StreamCompressor {
 public:
  virtual ~StreamCompressor() = default;
  // Appends the compressed form of `input` (possibly nothing yet) to `out`.
  virtual void write(std::string_view input, ByteBuffer &out) = 0;
  // Appends whatever is buffered and the stream's trailer to `out`.
  virtual void finish(ByteBuffer &out) = 0;
};

// level 0: the codec's fast default.
std::unique_ptr<StreamCompressor> make_compressor(Compression compression, int level);

}  // namespace chorus::s3
