#include "process/line_splitter.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using chorus::host::for_each_piece;
using chorus::host::LineSplitter;

namespace {

std::vector<std::string> split_blocks(LineSplitter &splitter,
                                      const std::vector<std::string> &blocks) {
  std::vector<std::string> lines;
  const auto keep = [&](std::string_view line) { lines.emplace_back(line); };
  for (const auto &block : blocks) splitter.feed(block, keep);
  splitter.finish(keep);
  return lines;
}

}  // namespace

TEST_CASE("a line splitter joins lines across blocks and gives a last line without newline") {
  LineSplitter splitter;
  CHECK(split_blocks(splitter, {"a\nb", "c\n\nd", "", "e"}) ==
        std::vector<std::string>{"a", "bc", "", "de"});
}

TEST_CASE("a line splitter drops a line longer than its limit whole and goes on after it") {
  LineSplitter splitter(4);
  CHECK(split_blocks(splitter, {"ok\n12", "345", "67\nnext\n", "toolong"}) ==
        std::vector<std::string>{"ok", "next"});
}

TEST_CASE("a line that throws is not handed out again, and the rest of its block is dropped") {
  LineSplitter splitter;
  std::vector<std::string> seen;
  const auto fail_on_bad = [&](std::string_view line) {
    seen.emplace_back(line);
    if (line == "bad") throw std::runtime_error("bad line");
  };
  CHECK_THROWS(splitter.feed("one\nbad\ntwo", fail_on_bad));
  splitter.feed("three\n", fail_on_bad);
  CHECK(seen == std::vector<std::string>{"one", "bad", "three"});
}

TEST_CASE("for_each_piece gives every piece between newlines, an empty last one included") {
  std::vector<std::string> pieces;
  for_each_piece("x\n\ny\n", [&](std::string_view piece) { pieces.emplace_back(piece); });
  CHECK(pieces == std::vector<std::string>{"x", "", "y", ""});
}
