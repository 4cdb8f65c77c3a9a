// CSV encoding for warehouse loads (RFC 4180), with NULL kept apart from the empty string.
//
// The convention every loader of chorus uses with it:
//   NULL          -> an empty, unquoted field:   a,,c
//   empty string  -> a quoted empty field:       a,"",c
//   text          -> always quoted, `"` doubled: "say ""hi"""
//   number, bool  -> as is (numbers keep their original digits)
//   object, array -> their JSON text, quoted
// PostgreSQL's and Redshift's COPY ... CSV and Snowflake's FIELD_OPTIONALLY_ENCLOSED_BY='"'
// read an unquoted empty field as NULL and a quoted one as the empty string.
#pragma once

#include <string>
#include <string_view>

#include "chorus/singer/message.h"

namespace chorus::s3 {

void append_csv_quoted(std::string &out, std::string_view text);
void append_csv_value(std::string &out, const singer::Value &value);

}  // namespace chorus::s3
