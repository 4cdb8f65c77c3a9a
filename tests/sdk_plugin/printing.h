// Lets doctest print the vectors the tests compare, so a failure shows both sides.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace doctest {

template <class T>
struct StringMaker<std::vector<T>> {
  static String convert(const std::vector<T> &values) {
    String out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ", ";
      out += toString(values[i]);
    }
    return out + "}";
  }
};

}  // namespace doctest
