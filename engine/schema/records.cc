#include "engine/schema/records.h"

#include <algorithm>
#include <memory>

#include <flatbuffers/idl.h>

namespace custdb {
namespace {

using Verify = bool (*)(const uint8_t*, size_t);

template <typename T>
bool VerifyAs(const uint8_t* data, size_t size) {
  flatbuffers::Verifier verifier(data, size);
  return verifier.VerifyBuffer<T>(nullptr);
}

struct RecordType {
  std::string_view name;
  Verify verify;
};

// The tables that may be the root of a record crossing the ABI.
constexpr RecordType kRecordTypes[] = {
    {"Customer", VerifyAs<fb::Customer>},
    {"CustomerDraft", VerifyAs<fb::CustomerDraft>},
    {"CustomerPatch", VerifyAs<fb::CustomerPatch>},
    {"Summary", VerifyAs<fb::Summary>},
    {"Account", VerifyAs<fb::Account>},
    {"CheckReport", VerifyAs<fb::CheckReport>},
    {"Contact", VerifyAs<fb::Contact>},
    {"ContactDraft", VerifyAs<fb::ContactDraft>},
    {"ContactPatch", VerifyAs<fb::ContactPatch>},
    {"Location", VerifyAs<fb::Location>},
    {"LocationDraft", VerifyAs<fb::LocationDraft>},
    {"LocationPatch", VerifyAs<fb::LocationPatch>},
    {"TimelineEntry", VerifyAs<fb::TimelineEntry>},
    {"TimelineEntryDraft", VerifyAs<fb::TimelineEntryDraft>},
    {"Note", VerifyAs<fb::Note>},
    {"NoteDraft", VerifyAs<fb::NoteDraft>},
    {"NotePatch", VerifyAs<fb::NotePatch>},
    {"FileInfo", VerifyAs<fb::FileInfo>},
    {"FileDraft", VerifyAs<fb::FileDraft>},
    {"Tag", VerifyAs<fb::Tag>},
    {"TagDraft", VerifyAs<fb::TagDraft>},
    {"Link", VerifyAs<fb::Link>},
    {"LinkDraft", VerifyAs<fb::LinkDraft>},
    {"PortalLink", VerifyAs<fb::PortalLink>},
    {"PortalLinkDraft", VerifyAs<fb::PortalLinkDraft>},
    {"DuplicateList", VerifyAs<fb::DuplicateList>},
    {"DuplicatePair", VerifyAs<fb::DuplicatePair>},
    {"MergePreview", VerifyAs<fb::MergePreview>},
    {"CustomerRow", VerifyAs<fb::CustomerRow>},
    {"ImportBatch", VerifyAs<fb::ImportBatch>},
    {"ImportResult", VerifyAs<fb::ImportResult>},
};

constexpr size_t kMaxJsonBytes = 4u << 20;

const RecordType* FindType(std::string_view name) {
  for (const auto& t : kRecordTypes) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

flatbuffers::IDLOptions JsonOptions();

// This thread's parser loaded with the schema. Parsing the schema costs
// far more than converting one record, so each thread keeps one parser and
// reuses it; one that failed on a record is dropped (DropParser), so that
// no state of a failed parse carries over to the next call.
std::unique_ptr<flatbuffers::Parser>& ThreadParser() {
  thread_local std::unique_ptr<flatbuffers::Parser> parser;
  return parser;
}

// The thread's parser, its root set to `type`.
Result<flatbuffers::Parser*> LoadParser(std::string_view type) {
  auto& parser = ThreadParser();
  if (parser == nullptr) {
    auto fresh = std::make_unique<flatbuffers::Parser>(JsonOptions());
    if (!fresh->Parse(kSchemaText)) {
      return Status::Internal("json: the compiled-in schema does not parse");
    }
    parser = std::move(fresh);
  }
  if (!parser->SetRootType(std::string(type).c_str())) {
    return Status::Internal("json: the schema lacks a record type");
  }
  return parser.get();
}

void DropParser() { ThreadParser().reset(); }

flatbuffers::IDLOptions JsonOptions() {
  flatbuffers::IDLOptions options;
  options.strict_json = true;
  options.natural_utf8 = true;
  options.output_default_scalars_in_json = true;
  options.indent_step = -1;
  return options;
}

// FlatBuffers' messages can quote the offending input, which may be a
// customer's data; only the position and the kind of error are kept.
std::string DescribeParseError(const std::string& error) {
  std::string where;
  size_t colon = error.find(": error");
  if (colon != std::string::npos) where = " at " + error.substr(0, colon);
  std::string what = "cannot be parsed";
  if (error.find("unknown field") != std::string::npos) {
    what = "has a field the schema does not define";
  } else if (error.find("required field") != std::string::npos) {
    what = "lacks a required field";
  } else if (error.find("enum") != std::string::npos) {
    what = "has a value that is not one of the field's names";
  }
  return "json: " + what + where;
}

// With natural_utf8 the printer copies valid UTF-8 as it is, control
// characters included, which JSON allows in a string only escaped (and
// which JsonToRecord refuses as a NUL). The printer escapes those with a
// short form (\n, \t, ...) itself, so a raw byte below 0x20 other than a
// line break between members is inside a string.
std::string EscapeControlBytes(const std::string& json) {
  auto raw = [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\n';
  };
  if (std::none_of(json.begin(), json.end(), raw)) return json;
  std::string out;
  out.reserve(json.size() + 16);
  for (char c : json) {
    if (!raw(c)) {
      out += c;
      continue;
    }
    static const char kHex[] = "0123456789abcdef";
    out += "\\u00";
    out += kHex[(c >> 4) & 0xF];
    out += kHex[c & 0xF];
  }
  return out;
}

}  // namespace

Result<std::string> JsonToRecord(std::string_view type_name,
                                 std::string_view json) {
  if (FindType(type_name) == nullptr) {
    return Status::InvalidArgument("type_name: not a record type");
  }
  if (json.size() > kMaxJsonBytes) {
    return Status::InvalidArgument("json: larger than the 4 MiB limit");
  }
  if (json.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("json: contains a NUL byte");
  }
  auto parser = LoadParser(type_name);
  if (!parser.ok()) return parser.status();
  std::string text(json);
  if (!(*parser)->ParseJson(text.c_str())) {
    std::string message = DescribeParseError((*parser)->error_);
    DropParser();
    return Status::InvalidArgument(message);
  }
  const auto& builder = (*parser)->builder_;
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                     builder.GetSize());
}

Result<std::string> RecordToJson(std::string_view type_name,
                                 const uint8_t* data, size_t size) {
  const RecordType* type = FindType(type_name);
  if (type == nullptr) {
    return Status::InvalidArgument("type_name: not a record type");
  }
  if (data == nullptr || size == 0) {
    return Status::InvalidArgument("record: no bytes given");
  }
  if (size > kMaxRecordBytes) {
    return Status::InvalidArgument(
        "record: larger than the 1 MiB record limit");
  }
  std::string storage;
  data = AlignedBytes(data, size, &storage);
  if (!type->verify(data, size)) {
    return Status::InvalidArgument(
        "record: not a valid FlatBuffers record of this type");
  }
  auto parser = LoadParser(type_name);
  if (!parser.ok()) return parser.status();
  std::string json;
  if (!flatbuffers::GenerateText(**parser, data, &json)) {
    DropParser();
    return Status::InvalidArgument("record: cannot be printed as json");
  }
  return EscapeControlBytes(json);
}

}  // namespace custdb
