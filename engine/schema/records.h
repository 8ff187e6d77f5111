// Helpers for the FlatBuffers records of the public schema.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "custdb_generated.h"
#include "engine/common/status.h"

namespace custdb {

// The largest record buffer accepted from a caller.
inline constexpr size_t kMaxRecordBytes = 1u << 20;

// FlatBuffers reads scalars in place, so a buffer must start at an address
// aligned for its widest scalar (8 bytes). Returns `data` when it is, else
// a copy of the bytes kept in `storage`.
inline const uint8_t* AlignedBytes(const uint8_t* data, size_t size,
                                   std::string* storage) {
  if (reinterpret_cast<uintptr_t>(data) % 8 == 0) return data;
  storage->assign(reinterpret_cast<const char*>(data), size);
  return reinterpret_cast<const uint8_t*>(storage->data());
}

// Verifies that `size` bytes at `data` are a well-formed buffer whose root
// is a T, and returns the root, which points into `data` or, when `data`
// is misaligned, into `storage`. `what` names the argument in the message.
template <typename T>
Result<const T*> VerifyRecord(const uint8_t* data, size_t size,
                              std::string_view what, std::string* storage) {
  if (data == nullptr || size == 0) {
    return Status::InvalidArgument(std::string(what) + ": no bytes given");
  }
  if (size > kMaxRecordBytes) {
    return Status::InvalidArgument(std::string(what) +
                                   ": larger than the 1 MiB record limit");
  }
  data = AlignedBytes(data, size, storage);
  flatbuffers::Verifier verifier(data, size);
  if (!verifier.VerifyBuffer<T>(nullptr)) {
    return Status::InvalidArgument(
        std::string(what) + ": not a valid FlatBuffers record of this type");
  }
  return flatbuffers::GetRoot<T>(data);
}

// Serializes an object-API value as a finished buffer.
template <typename TObject>
std::string PackRecord(const TObject& object) {
  flatbuffers::FlatBufferBuilder builder(256);
  builder.Finish(TObject::TableType::Pack(builder, &object));
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                     builder.GetSize());
}

// The schema text, compiled into the library for the JSON conversions.
extern const char* const kSchemaText;

// Converts JSON to a record of the table `type_name` ("CustomerDraft") and
// back, through the compiled-in schema. Input records are verified first.
Result<std::string> JsonToRecord(std::string_view type_name,
                                 std::string_view json);
Result<std::string> RecordToJson(std::string_view type_name,
                                 const uint8_t* data, size_t size);

}  // namespace custdb
