// PostgreSQL COPY binary format: the tuples of `COPY ... FROM STDIN (FORMAT binary)`, each field
// in its type's wire (send/recv) form. The server parses binary fields far faster than text:
// no number, date or escape parsing, which is most of what a text COPY costs it.
//
// Every encoder takes the text a COPY text field would have carried and writes exactly the value
// the type's input function would have made of it, or writes nothing and returns false when it
// cannot be sure (a form it does not parse, a value out of range, more precision than the type
// keeps): the caller then sends that row as text, so PostgreSQL's own parser decides and names
// any error. Binary fields are only right for a column of exactly that type (not a domain over
// it, not real for double precision): field_type_of() maps a column's type OID.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::pg::binary {

enum class FieldType : std::uint8_t {
  Int2,         // smallint
  Int4,         // integer
  Int8,         // bigint
  Numeric,      // numeric, numeric(p,s): the column's typmod is applied by the server
  Float8,       // double precision
  Bool,         // boolean
  Text,         // text, varchar(n): the bytes as they are
  Date,         // date
  Timestamp,    // timestamp without time zone: an offset in the text is ignored, as the
                // input function ignores it
  TimestampTz,  // timestamp with time zone: the text must carry its offset
  Uuid,         // uuid
  Jsonb,        // jsonb: the JSON text
  Bytea,        // bytea: the raw bytes (not bytea's text input form)
};

// The field type for a column whose type has OID `type_oid` (pg_attribute.atttypid), or nullopt
// when binary fields cannot feed it (a domain, an enum, real, time, ...: send text).
std::optional<FieldType> field_type_of(std::uint32_t type_oid);

// Starts a tuple of `fields` fields.
void append_tuple_start(std::string &out, std::uint16_t fields);
// Appends a NULL field.
void append_null(std::string &out);
// Appends a bigint field.
void append_int8(std::string &out, std::int64_t value);
// Appends a field of `type` for `text` (for Bytea: the raw bytes), or appends nothing and
// returns false when `text` is not a form this encoder turns into exactly the server's value.
bool append_field(std::string &out, FieldType type, std::string_view text);

}  // namespace chorus::pg::binary
