#include "s3/stream_compressor.h"

#include <zlib.h>
#include <zstd.h>

#include <stdexcept>

namespace chorus::s3 {
namespace {

class Passthrough final : public StreamCompressor {
 public:
  void write(std::string_view input, ByteBuffer &out) override { out.append(input); }
  void finish(ByteBuffer &) override {}
};

class Gzip final : public StreamCompressor {
 public:
  explicit Gzip(int level) {
    // windowBits 15 + 16 asks zlib for a gzip header and trailer rather than raw zlib.
    if (deflateInit2(&stream_, level == 0 ? 1 : level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("gzip: cannot initialise the compressor");
    }
  }
  ~Gzip() override { deflateEnd(&stream_); }
  void write(std::string_view input, ByteBuffer &out) override { run(input, out, Z_NO_FLUSH); }
  void finish(ByteBuffer &out) override { run({}, out, Z_FINISH); }

 private:
  void run(std::string_view input, ByteBuffer &out, int flush) {
    stream_.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    for (;;) {
      const std::size_t room = deflateBound(&stream_, stream_.avail_in) + 64;
      stream_.next_out = reinterpret_cast<Bytef *>(out.room(room));
      stream_.avail_out = static_cast<uInt>(room);
      int status = deflate(&stream_, flush);
      out.commit(room - stream_.avail_out);
      if (status == Z_STREAM_ERROR) throw std::runtime_error("gzip: compression failed");
      if (flush == Z_FINISH ? status == Z_STREAM_END : stream_.avail_in == 0) break;
    }
  }
  z_stream stream_{};
};

class Zstd final : public StreamCompressor {
 public:
  explicit Zstd(int level) : context_(ZSTD_createCCtx()) {
    if (!context_) throw std::runtime_error("zstd: cannot create a compression context");
    ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, level == 0 ? 1 : level);
    ZSTD_CCtx_setParameter(context_, ZSTD_c_checksumFlag, 1);
  }
  ~Zstd() override { ZSTD_freeCCtx(context_); }
  void write(std::string_view input, ByteBuffer &out) override { run(input, out, ZSTD_e_continue); }
  void finish(ByteBuffer &out) override { run({}, out, ZSTD_e_end); }

 private:
  void run(std::string_view input, ByteBuffer &out, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    for (;;) {
      // Room for all of it, so zstd writes its blocks straight into `out` instead of staging
      // them in its own buffer first.
      const std::size_t room = ZSTD_compressBound(in.size - in.pos) + ZSTD_CStreamOutSize();
      ZSTD_outBuffer buffer{out.room(room), room, 0};
      std::size_t remaining = ZSTD_compressStream2(context_, &buffer, &in, mode);
      out.commit(buffer.pos);
      if (ZSTD_isError(remaining)) {
        throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(remaining));
      }
      if (mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size) break;
    }
  }
  ZSTD_CCtx *context_;
};

}  // namespace

std::unique_ptr<StreamCompressor> make_compressor(Compression compression, int level) {
  switch (compression) {
    case Compression::Gzip:
      return std::make_unique<Gzip>(level);
    case Compression::Zstd:
      return std::make_unique<Zstd>(level);
    case Compression::None:
      break;
  }
  return std::make_unique<Passthrough>();
}

std::string decompress(std::string_view data, Compression compression) {
  std::string out;
  if (compression == Compression::None) return std::string(data);
  if (compression == Compression::Zstd) {
    ZSTD_DCtx *context = ZSTD_createDCtx();
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::size_t status = 0;
    while (in.pos < in.size) {
      std::size_t old_size = out.size();
      out.resize(old_size + ZSTD_DStreamOutSize());
      ZSTD_outBuffer buffer{out.data() + old_size, ZSTD_DStreamOutSize(), 0};
      status = ZSTD_decompressStream(context, &buffer, &in);
      out.resize(old_size + buffer.pos);
      if (ZSTD_isError(status)) {
        ZSTD_freeDCtx(context);
        throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(status));
      }
    }
    ZSTD_freeDCtx(context);
    if (status != 0) throw std::runtime_error("zstd: the compressed data is truncated");
    return out;
  }
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw std::runtime_error("gzip: cannot initialise");
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    std::size_t old_size = out.size();
    const std::size_t room = std::size_t{1} << 20;
    out.resize(old_size + room);
    stream.next_out = reinterpret_cast<Bytef *>(out.data() + old_size);
    stream.avail_out = static_cast<uInt>(room);
    status = inflate(&stream, Z_NO_FLUSH);
    out.resize(old_size + room - stream.avail_out);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&stream);
      throw std::runtime_error("gzip: the compressed data is corrupt or truncated");
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace chorus::s3
