#include "fixture_plugins.h"

namespace chorus::test {

Journal &journal() {
  static Journal value;
  return value;
}

}  // namespace chorus::test
