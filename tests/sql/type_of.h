// Tests of SQL dialects build column types from a kind alone; this is that one line.
#pragma once

#include "chorus/sql/logical_type.h"

namespace chorus::sql::testing {

// A LogicalType of `kind` with every parameter at its default (integer(8), unbounded text).
inline LogicalType of(TypeKind kind) {
  LogicalType type;
  type.kind = kind;
  return type;
}

}  // namespace chorus::sql::testing
