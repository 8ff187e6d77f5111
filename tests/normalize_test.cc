// Tests of the pure normalization functions: text fields, phones, emails
// and names. Each behaviour is a table of real-world inputs; CAPTURE names
// the row when one fails. Invisible characters and invalid bytes are
// written as \x escapes, everything else as plain UTF-8.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/normalize/phone.h"
#include "engine/normalize/text.h"

namespace custdb {
namespace {

using namespace std::literals;

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// ---------------------------------------------------------------------------
// UTF-8 and text fields

struct Utf8Row {
  std::string_view what;
  std::string_view bytes;
  bool valid;
};

constexpr Utf8Row kUtf8Rows[] = {
    {"empty", ""sv, true},
    {"ASCII", "hello, world"sv, true},
    {"an embedded NUL is well-formed", "a\0b"sv, true},
    {"U+0080, the first two-byte code point", "\xC2\x80"sv, true},
    {"U+00E9 e acute", "\xC3\xA9"sv, true},
    {"U+07FF, the last two-byte code point", "\xDF\xBF"sv, true},
    {"U+0800, the first three-byte code point", "\xE0\xA0\x80"sv, true},
    {"U+20AC euro sign", "\xE2\x82\xAC"sv, true},
    {"U+D7FF, just below the surrogates", "\xED\x9F\xBF"sv, true},
    {"U+E000, just above the surrogates", "\xEE\x80\x80"sv, true},
    {"U+FFFF, a noncharacter but well-formed", "\xEF\xBF\xBF"sv, true},
    {"U+10000, the first four-byte code point", "\xF0\x90\x80\x80"sv, true},
    {"U+1D11E musical symbol G clef", "\xF0\x9D\x84\x9E"sv, true},
    {"U+10FFFF, the last code point", "\xF4\x8F\xBF\xBF"sv, true},
    {"mixed scripts", "José 山田"sv, true},
    {"a lone continuation byte", "\x80"sv, false},
    {"a lone continuation byte BF", "\xBF"sv, false},
    {"an extra continuation byte", "\xC3\xA9\xA9"sv, false},
    {"overlong '/' in two bytes (C0)", "\xC0\xAF"sv, false},
    {"overlong U+007F in two bytes (C1)", "\xC1\xBF"sv, false},
    {"overlong '/' in three bytes", "\xE0\x80\xAF"sv, false},
    {"overlong U+07FF in three bytes", "\xE0\x9F\xBF"sv, false},
    {"overlong U+FFFF in four bytes", "\xF0\x8F\xBF\xBF"sv, false},
    {"surrogate U+D800", "\xED\xA0\x80"sv, false},
    {"surrogate U+DFFF", "\xED\xBF\xBF"sv, false},
    {"a CESU-8 surrogate pair", "\xED\xA0\xBD\xED\xB2\xA9"sv, false},
    {"U+110000, above the last code point", "\xF4\x90\x80\x80"sv, false},
    {"lead byte F5", "\xF5\x80\x80\x80"sv, false},
    {"byte FE", "\xFE"sv, false},
    {"byte FF", "\xFF"sv, false},
    {"two-byte sequence cut short", "\xC3"sv, false},
    {"three-byte sequence cut short", "\xE2\x82"sv, false},
    {"four-byte sequence cut short", "\xF0\x9D\x84"sv, false},
    {"sequence cut short at the end of text", "abc\xC3"sv, false},
    {"ASCII where a continuation belongs", "\xC3\x28"sv, false},
    {"ASCII in the middle of a three-byte sequence", "\xE2\x28\xA1"sv, false},
    {"Latin-1 e acute", "Jos\xE9"sv, false},
};

TEST_CASE("IsValidUtf8 accepts well-formed UTF-8 and nothing else") {
  for (const Utf8Row& row : kUtf8Rows) {
    CAPTURE(row.what);
    CHECK(IsValidUtf8(row.bytes) == row.valid);
  }
}

struct TextFieldRow {
  std::string_view what;
  std::string_view text;
  size_t max_bytes;
  bool multiline;
  std::string_view error;  // empty when the field is valid
};

const std::string kHundredBytes(100, 'a');
const std::string kHundredOneBytes(101, 'a');

const TextFieldRow kTextFieldRows[] = {
    {"a plain name", "Ada", 100, false, ""},
    {"empty is not this check's business", "", 100, false, ""},
    {"exactly the limit", kHundredBytes, 100, false, ""},
    {"one byte over the limit", kHundredOneBytes, 100, false,
     "first_name: longer than 100 bytes"},
    {"the limit counts bytes, not characters", "José", 4, false,
     "first_name: longer than 4 bytes"},
    {"accents within the limit", "José", 5, false, ""},
    {"Latin-1 bytes", "Jos\xE9", 100, false, "first_name: must be valid UTF-8"},
    {"a surrogate", "\xED\xA0\x80", 100, false,
     "first_name: must be valid UTF-8"},
    {"NUL", "a\0b"sv, 100, false, "first_name: must not contain control"},
    {"NUL even in multiline text", "a\0b"sv, 100, true,
     "first_name: must not contain control"},
    {"tab in a single-line field", "a\tb", 100, false,
     "first_name: must not contain control"},
    {"line feed in a single-line field", "line 1\nline 2", 100, false,
     "first_name: must not contain control"},
    {"tab in multiline text", "a\tb", 100, true, ""},
    {"line feed in multiline text", "line 1\nline 2", 100, true, ""},
    {"CR LF in multiline text", "line 1\r\nline 2", 100, true, ""},
    {"an ANSI escape sequence", "\x1B[31mred", 100, true,
     "first_name: must not contain control"},
    {"vertical tab", "a\vb", 100, true, "first_name: must not contain control"},
    {"DEL", "a\x7F", 100, false, "first_name: must not contain control"},
    {"no-break space is not a control", "Anne\xC2\xA0Marie", 100, false, ""},
};

TEST_CASE("a text field must be valid UTF-8, free of controls, within size") {
  for (const TextFieldRow& row : kTextFieldRows) {
    CAPTURE(row.what);
    const Status status =
        CheckTextField("first_name", row.text, row.max_bytes, row.multiline);
    if (row.error.empty()) {
      CHECK(status.ok());
      CHECK(status.message().empty());
    } else {
      CHECK(status.IsInvalidArgument());
      CHECK(Contains(status.message(), row.error));
    }
  }
}

TEST_CASE("a text field error names the field and never quotes the value") {
  const Status status = CheckTextField("notes", "secret\x01value", 1000);
  REQUIRE(status.IsInvalidArgument());
  CHECK(status.message().rfind("notes: ", 0) == 0);
  CHECK_FALSE(Contains(status.message(), "secret"));
}

struct TrimRow {
  std::string_view what;
  std::string_view input;
  std::string_view trimmed;
};

constexpr TrimRow kTrimRows[] = {
    {"empty", "", ""},
    {"only spaces", "   ", ""},
    {"nothing to trim", "a", "a"},
    {"ASCII spaces", "  Ada  ", "Ada"},
    {"tabs and line breaks", "\t\n Ada Lovelace \r\n", "Ada Lovelace"},
    {"vertical tab and form feed", "\v\fAda\f\v", "Ada"},
    {"inner white space is kept", " a \t b ", "a \t b"},
    {"no-break space U+00A0", "\xC2\xA0José\xC2\xA0", "José"},
    {"next line U+0085", "\xC2\x85x\xC2\x85", "x"},
    {"ideographic space U+3000", "\xE3\x80\x80山田\xE3\x80\x80", "山田"},
    {"em space and thin space", "\xE2\x80\x83x\xE2\x80\x89", "x"},
    {"narrow no-break and medium math space", "\xE2\x80\xAFx\xE2\x81\x9F", "x"},
    {"line and paragraph separators", "\xE2\x80\xA8x\xE2\x80\xA9", "x"},
    {"zero-width space is not white space", "x\xE2\x80\x8B", "x\xE2\x80\x8B"},
    {"invalid bytes stop the trim", "\xFF x \xFF", "\xFF x \xFF"},
    {"a truncated sequence at the start", " \xC3", "\xC3"},
    {"a lone A0 is not a no-break space", "a\xA0", "a\xA0"},
};

TEST_CASE("TrimSpace trims ASCII and Unicode white space from both ends") {
  for (const TrimRow& row : kTrimRows) {
    CAPTURE(row.what);
    CHECK(TrimSpace(row.input) == row.trimmed);
  }
}

// ---------------------------------------------------------------------------
// Phones

struct PhoneRow {
  std::string_view input;
  std::string_view e164;
};

constexpr PhoneRow kValidPhones[] = {
    {"415-867-5309", "+14158675309"},
    {"(415) 867-5309", "+14158675309"},
    {"(415) 867 5309", "+14158675309"},
    {"(415)867-5309", "+14158675309"},
    {"415.867.5309", "+14158675309"},
    {"415/867-5309", "+14158675309"},
    {"415 867 5309", "+14158675309"},
    {"415  867  5309", "+14158675309"},
    {"4158675309", "+14158675309"},
    {"+1 415 867 5309", "+14158675309"},
    {"+1 (415) 867-5309", "+14158675309"},
    {"+1-415-867-5309", "+14158675309"},
    {"+1.415.867.5309", "+14158675309"},
    {"+14158675309", "+14158675309"},
    {"1-415-867-5309", "+14158675309"},
    {"1 (415) 867-5309", "+14158675309"},
    {"14158675309", "+14158675309"},
    {"  415 867 5309  ", "+14158675309"},
    {"\t(415) 867-5309\n", "+14158675309"},
    {"\xC2\xA0(415) 867-5309\xC2\xA0", "+14158675309"},
    {"(212) 555-0123", "+12125550123"},
    {"800-555-0199", "+18005550199"},
    {"(907) 200-1234", "+19072001234"},
    {"929-221-1234", "+19292211234"},
    {"(604) 555-0134", "+16045550134"},  // Canada shares +1
    {"(787) 522-1234", "+17875221234"},  // so does Puerto Rico
    {"415-917-5309", "+14159175309"},    // N11 only in the last two digits
};

TEST_CASE("a phone typed in any common US format normalizes to E.164") {
  for (const PhoneRow& row : kValidPhones) {
    CAPTURE(row.input);
    const Result<std::string> phone = NormalizePhone(row.input);
    REQUIRE_MESSAGE(phone.ok(), phone.status().message());
    CHECK(*phone == row.e164);
  }
}

struct BadPhoneRow {
  std::string_view input;
  std::string_view error;
};

constexpr BadPhoneRow kInvalidPhones[] = {
    {"", "phone: must not be empty"},
    {"   ", "phone: must not be empty"},
    {"867-5309", "phone: a US number has 10 digits (got 7)"},
    {"415-867-530", "phone: a US number has 10 digits (got 9)"},
    {"+1 415 867 530", "phone: a US number has 10 digits (got 9)"},
    {"+1 1 415 867 5309", "phone: a US number has 10 digits (got 11)"},
    {"1-415-867-53091", "phone: a US number has 10 digits (got 12)"},
    {"0014158675309", "phone: a US number has 10 digits (got 13)"},
    {"+", "phone: a US number has 10 digits (got 0)"},
    {"()--", "phone: a US number has 10 digits (got 0)"},
    {"415-867-53091", "phone: an 11-digit number must start with 1"},
    {"2-415-867-5309", "phone: an 11-digit number must start with 1"},
    {"+44 20 7946 0958", "phone: only US numbers (+1) are accepted"},
    {"+52 55 1234 5678", "phone: only US numbers (+1) are accepted"},
    {"+7 495 123-45-67", "phone: only US numbers (+1) are accepted"},
    {"1-800-FLOWERS", "phone: letters are not accepted"},
    {"1-800-356-9377 (FLOWERS)", "phone: letters are not accepted"},
    {"415-867-5309 x123", "phone: letters are not accepted"},
    {"415-867-5309 ext. 12", "phone: letters are not accepted"},
    {"tel:4158675309", "phone: letters are not accepted"},
    {"415-867-5309#12", "phone: only digits, spaces and the characters"},
    {"415_867_5309", "phone: only digits, spaces and the characters"},
    {"415,867,5309", "phone: only digits, spaces and the characters"},
    {"４１５-867-5309", "phone: only digits, spaces and the characters"},
    {"1+415-867-5309", "phone: '+' is allowed only at the start"},
    {"++1 415 867 5309", "phone: '+' is allowed only at the start"},
    {"(015) 867-5309", "phone: area code cannot start with 0 or 1"},
    {"(115) 867-5309", "phone: area code cannot start with 0 or 1"},
    {"1-115-867-5309", "phone: area code cannot start with 0 or 1"},
    {"(911) 867-5309", "phone: area code cannot be an N11 service code"},
    {"(411) 555-1234", "phone: area code cannot be an N11 service code"},
    {"(415) 067-5309", "phone: exchange cannot start with 0 or 1"},
    {"(415) 167-5309", "phone: exchange cannot start with 0 or 1"},
    {"(415) 911-5309", "phone: exchange cannot be an N11 service code"},
    {"(415) 411-1234", "phone: exchange cannot be an N11 service code"},
    {"(415) 211-1234", "phone: exchange cannot be an N11 service code"},
};

TEST_CASE("a phone that is not a valid US number is refused with its rule") {
  for (const BadPhoneRow& row : kInvalidPhones) {
    CAPTURE(row.input);
    const Result<std::string> phone = NormalizePhone(row.input);
    REQUIRE_FALSE(phone.ok());
    CHECK(phone.status().IsInvalidArgument());
    CHECK(Contains(phone.status().message(), row.error));
    // Privacy: the message must not echo what was typed.
    const std::string_view typed = TrimSpace(row.input);
    if (typed.size() >= 4) {
      CHECK_FALSE(Contains(phone.status().message(), typed));
    }
  }
}

TEST_CASE("a phone longer than 64 bytes is refused before it is parsed") {
  const std::string padding(54, ' ');
  const Result<std::string> at_limit = NormalizePhone(padding + "4158675309");
  REQUIRE(at_limit.ok());
  CHECK(*at_limit == "+14158675309");

  const Result<std::string> over = NormalizePhone(padding + " 4158675309");
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().message() == "phone: longer than 64 bytes");

  const Result<std::string> huge = NormalizePhone(std::string(100000, '5'));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().message() == "phone: longer than 64 bytes");
}

TEST_CASE("a phone error starts with the name of the field checked") {
  const Result<std::string> phone = NormalizePhone("555-1234", "mobile_phone");
  REQUIRE_FALSE(phone.ok());
  CHECK(phone.status().message() ==
        "mobile_phone: a US number has 10 digits (got 7)");
}

struct FormatRow {
  std::string_view e164;
  std::string_view display;
};

constexpr FormatRow kFormatRows[] = {
    {"+14158675309", "(415) 867-5309"},
    {"+12125550123", "(212) 555-0123"},
    {"+18005550199", "(800) 555-0199"},
    {"", ""},
    {"415", "415"},
    {"4158675309", "4158675309"},
    {"14158675309", "14158675309"},
    {"+1415867530", "+1415867530"},
    {"+141586753091", "+141586753091"},
    {"+1415867530x", "+1415867530x"},
    {"+441234567890", "+441234567890"},
    {"(415) 867-5309", "(415) 867-5309"},
};

TEST_CASE("an E.164 US phone is displayed as (NPA) NXX-XXXX") {
  for (const FormatRow& row : kFormatRows) {
    CAPTURE(row.e164);
    CHECK(FormatPhone(row.e164) == row.display);
  }
}

TEST_CASE("a displayed phone normalizes back to the same E.164") {
  for (const PhoneRow& row : kValidPhones) {
    CAPTURE(row.input);
    const Result<std::string> display = NormalizePhone(FormatPhone(row.e164));
    REQUIRE(display.ok());
    CHECK(*display == row.e164);
  }
}

// ---------------------------------------------------------------------------
// Emails

// An address of exactly `size` bytes (at least 70): a 64-byte local part
// and a domain of labels of at most 63 bytes under ".com".
std::string AddressOfSize(size_t size) {
  std::string address = std::string(64, 'l') + "@";
  // Each label is written with the dot that follows it.
  size_t left = size - address.size() - 3;
  while (left > 0) {
    size_t chunk = left < 64 ? left : 64;
    if (left - chunk == 1) --chunk;  // a lone dot is not a label
    address.append(chunk - 1, 'd');
    address.push_back('.');
    left -= chunk;
  }
  return address + "com";
}

struct EmailRow {
  std::string_view input;
  std::string_view kept;
};

constexpr EmailRow kValidEmails[] = {
    {"john.smith@example.com", "john.smith@example.com"},
    {"  Jane.Doe@Example.COM  ", "Jane.Doe@Example.COM"},
    {"\tuser@example.com\r\n", "user@example.com"},
    {"\xC2\xA0user@example.com\xC2\xA0", "user@example.com"},
    {"user+newsletter@gmail.com", "user+newsletter@gmail.com"},
    {"o'brien@example.ie", "o'brien@example.ie"},
    {"first_last@sub.example.co.uk", "first_last@sub.example.co.uk"},
    {"a@b.co", "a@b.co"},
    {"1234567890@example.com", "1234567890@example.com"},
    {"user@123.example.com", "user@123.example.com"},
    {"user@my-host.example.com", "user@my-host.example.com"},
    {"user@xn--d1acufc.xn--p1ai", "user@xn--d1acufc.xn--p1ai"},
    {"!#$%&'*+/=?^_`{|}~-@example.org", "!#$%&'*+/=?^_`{|}~-@example.org"},
    {"x.y.z@example.museum", "x.y.z@example.museum"},
    {"info@example.com4", "info@example.com4"},
};

TEST_CASE("a well-formed email is kept as typed, less surrounding space") {
  for (const EmailRow& row : kValidEmails) {
    CAPTURE(row.input);
    const Result<std::string> email = ValidateEmail(row.input);
    REQUIRE_MESSAGE(email.ok(), email.status().message());
    CHECK(*email == row.kept);
  }
}

struct BadEmailRow {
  std::string_view input;
  std::string_view error;
};

constexpr BadEmailRow kInvalidEmails[] = {
    {"", "email: must not be empty"},
    {" \t ", "email: must not be empty"},
    {"plainaddress", "email: must contain exactly one '@'"},
    {"john.smith.example.com", "email: must contain exactly one '@'"},
    {"a@b@example.com", "email: must contain exactly one '@'"},
    {"@example.com", "email: the part before '@' is empty"},
    {".john@example.com", "email: the part before '@' cannot start or end"},
    {"john.@example.com", "email: the part before '@' cannot start or end"},
    {"john..smith@example.com", "email: the part before '@' cannot have two"},
    {"john(work)@example.com", "email: the part before '@' may contain only"},
    {"\"john\"@example.com", "email: the part before '@' may contain only"},
    {"john,smith@example.com", "email: the part before '@' may contain only"},
    {"\"john smith\"@example.com", "email: must not contain spaces"},
    {"john smith@example.com", "email: must not contain spaces"},
    {"john@example .com", "email: must not contain spaces"},
    {"john@example.com\x01", "email: must not contain spaces or control"},
    {"jo\x7Fhn@example.com", "email: must not contain spaces or control"},
    {"john@", "email: the domain is empty"},
    {"john@localhost", "email: the domain needs at least one dot"},
    {"john@.example.com", "email: the domain cannot start or end with a dot"},
    {"john@example..com", "email: the domain cannot start or end with a dot"},
    {"john@example.com.", "email: the domain cannot start or end with a dot"},
    {"john@-example.com", "email: a domain label cannot start or end with"},
    {"john@example-.com", "email: a domain label cannot start or end with"},
    {"john@exa_mple.com", "email: the domain may contain only letters"},
    {"john@[192.0.2.1]", "email: the domain may contain only letters"},
    {"john@192.0.2.1", "email: the top-level domain cannot be all digits"},
    {"john@example.c", "email: the top-level domain needs at least 2"},
    {"jöhn@example.com", "email: only ASCII addresses are supported"},
    {"john@exämple.com", "email: only ASCII addresses are supported"},
    {"用户@例子.广告", "email: only ASCII addresses are supported"},
    {"john@example.com\xFF", "email: only ASCII addresses are supported"},
};

TEST_CASE("a malformed email is refused with the rule it breaks") {
  for (const BadEmailRow& row : kInvalidEmails) {
    CAPTURE(row.input);
    const Result<std::string> email = ValidateEmail(row.input);
    REQUIRE_FALSE(email.ok());
    CHECK(email.status().IsInvalidArgument());
    CHECK(Contains(email.status().message(), row.error));
    const std::string_view typed = TrimSpace(row.input);
    if (typed.size() >= 4) {
      CHECK_FALSE(Contains(email.status().message(), typed));
    }
  }
}

TEST_CASE("an email may have 64 bytes before '@', 63 per label, 254 in all") {
  const std::string label63(63, 'd');
  const std::string local64(64, 'l');
  REQUIRE(AddressOfSize(254).size() == 254);
  REQUIRE(AddressOfSize(255).size() == 255);

  struct {
    std::string what;
    std::string address;
    std::string_view error;
  } rows[] = {
      {"a 64-byte local part", local64 + "@example.com", ""},
      {"a 65-byte local part", local64 + "l@example.com",
       "email: the part before '@' is longer than 64 bytes"},
      {"a 63-byte label", "user@" + label63 + ".com", ""},
      {"a 64-byte label", "user@" + label63 + "d.com",
       "email: a domain label is longer than 63 bytes"},
      {"a 63-byte top-level domain", "user@example." + label63, ""},
      {"254 bytes in all", AddressOfSize(254), ""},
      {"255 bytes in all", AddressOfSize(255), "email: longer than 254 bytes"},
      {"a megabyte", std::string(1 << 20, 'a'), "email: longer than 254 bytes"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    const Result<std::string> email = ValidateEmail(row.address);
    if (row.error.empty()) {
      CHECK_MESSAGE(email.ok(), email.status().message());
    } else {
      REQUIRE_FALSE(email.ok());
      CHECK(email.status().message() == row.error);
    }
  }
}

TEST_CASE("an email error starts with the name of the field checked") {
  const Result<std::string> email = ValidateEmail("nobody", "billing_email");
  REQUIRE_FALSE(email.ok());
  CHECK(email.status().message() ==
        "billing_email: must contain exactly one '@'");
}

struct EmailKeyRow {
  std::string_view email;
  std::string_view key;
};

constexpr EmailKeyRow kEmailKeys[] = {
    {"jane.doe@example.com", "jane.doe@example.com"},
    {"Jane.Doe@Example.COM", "jane.doe@example.com"},
    {"ALL@CAPS.ORG", "all@caps.org"},
    {"O'Brien+Tag@X.IE", "o'brien+tag@x.ie"},
    {"Z_{|}~@A-B.CO", "z_{|}~@a-b.co"},
};

TEST_CASE("an email's key is the whole address lower-cased") {
  for (const EmailKeyRow& row : kEmailKeys) {
    CAPTURE(row.email);
    CHECK(EmailKey(row.email) == row.key);
  }
}

// ---------------------------------------------------------------------------
// Names

struct NameRow {
  std::string_view what;
  std::string_view name;
  std::string_view folded;
};

constexpr NameRow kNames[] = {
    {"acute accent", "José", "jose"},
    {"diaeresis", "Zoë", "zoe"},
    {"umlaut", "Müller", "muller"},
    {"capital umlaut", "MÜLLER", "muller"},
    {"tilde and acute", "Ñúñez", "nunez"},
    {"decomposed input folds like precomposed", "Jose\xCC\x81", "jose"},
    {"Vietnamese stacked diacritics", "Nguyễn Thị Minh", "nguyen thi minh"},
    {"Turkish dotted capital I", "İstanbul", "istanbul"},
    {"sharp s folds to ss", "Straße", "strasse"},
    {"fi ligature", "ﬁnn", "finn"},
    {"fl ligature", "ﬂores", "flores"},
    {"Dz digraph with caron", "ǅuro", "dzuro"},
    {"Dutch IJ ligature", "Ĳsselmeer", "ijsselmeer"},
    {"full-width letters", "ＪＯＨＮ", "john"},
    {"letters with no decomposition keep their shape", "Łódź", "łodz"},
    {"Greek, final sigma folded", "Σωκράτης", "σωκρατησ"},
    {"Cyrillic", "Ёлкин", "елкин"},
    {"apostrophe joins", "O'Brien", "obrien"},
    {"typographic apostrophe joins", "O’Brien", "obrien"},
    {"backtick apostrophe joins", "O`Brien", "obrien"},
    {"acute-accent apostrophe joins", "O´Brien", "obrien"},
    {"Hawaiian okina joins", "Hawaiʻi", "hawaii"},
    {"periods join initials", "J.R.R. Tolkien", "jrr tolkien"},
    {"Catalan middle dot joins", "Paral·lel", "parallel"},
    {"soft hyphen joins", "Mül\xC2\xADler", "muller"},
    {"hyphen separates", "Jean-Luc Picard", "jean luc picard"},
    {"en dash separates", "Smith–Jones", "smith jones"},
    {"the header's example", "  José  O'Brien-Smith ", "jose obrien smith"},
    {"apostrophe and hyphen", "D'Angelo-Rossi", "dangelo rossi"},
    {"comma and period", "Martin Luther King, Jr.", "martin luther king jr"},
    {"symbols separate", "Smith & Sons, Inc.", "smith sons inc"},
    {"parentheses separate", "Robert (Bob) Smith", "robert bob smith"},
    {"digits are kept", "3M Company", "3m company"},
    {"digits and hyphen", "R2-D2", "r2 d2"},
    {"extra white space", "  Mary  Ann\tSmith\n", "mary ann smith"},
    {"no-break space", "Anne\xC2\xA0Marie", "anne marie"},
    {"control characters separate", "Ada\x01Lovelace", "ada lovelace"},
    {"Chinese passes through", "王小明", "王小明"},
    {"Japanese with a space", "山田 太郎", "山田 太郎"},
    {"ideographic space", "山田\xE3\x80\x80太郎", "山田 太郎"},
    {"Korean syllables come back whole", "김민준", "김민준"},
    {"katakana keeps its voicing marks", "ガブリエル", "ガブリエル"},
    {"half-width katakana widens", "ｶﾞﾌﾞﾘｴﾙ", "ガブリエル"},
    {"katakana middle dot separates", "ジョン・スミス", "ジョン スミス"},
    {"Devanagari keeps its vowel signs", "राम", "राम"},
    {"Thai keeps its vowel and tone marks", "สมศักดิ์", "สมศักดิ์"},
    // Pointed Hebrew "shalom" and voweled Arabic "Muhammad".
    {"Hebrew points are stripped",
     "\xD7\xA9\xD7\x81\xD6\xB8\xD7\x9C\xD7\x95\xD6\xB9\xD7\x9D", "שלום"},
    {"Arabic vowel signs are stripped",
     "\xD9\x85\xD9\x8F\xD8\xAD\xD9\x8E\xD9\x85\xD9\x91\xD9\x8E\xD8\xAF",
     "محمد"},
    {"empty", "", ""},
    {"only white space", " \t\n ", ""},
    {"only punctuation", "--- ''.. ()", ""},
    {"only symbols", "★ + $", ""},
};

TEST_CASE("a name folds to lower case, without accents or punctuation") {
  for (const NameRow& row : kNames) {
    CAPTURE(row.what);
    CHECK(FoldName(row.name) == row.folded);
  }
}

TEST_CASE("folding a folded name changes nothing") {
  for (const NameRow& row : kNames) {
    CAPTURE(row.what);
    const std::string folded = FoldName(row.name);
    CHECK(FoldName(folded) == folded);
  }
}

TEST_CASE("spellings of one name that differ in case and accents fold equal") {
  const std::string_view spellings[] = {
      "José Müller",           "JOSE MULLER",
      "jose  muller",          "Jose\xCC\x81 Mu\xCC\x88ller",
      " José\xC2\xA0Müller. ",
  };
  for (const std::string_view spelling : spellings) {
    CAPTURE(spelling);
    CHECK(FoldName(spelling) == "jose muller");
  }
}

struct InvalidNameRow {
  std::string_view what;
  std::string_view name;
  std::string_view folded;
};

constexpr InvalidNameRow kInvalidUtf8Names[] = {
    {"Latin-1 e acute", "Jos\xE9", "jos"},
    {"Latin-1 u umlaut", "M\xFCller", "mller"},
    {"nothing valid", "\xFF\xFE", ""},
    {"truncated at the end", "Ok\xC3", "ok"},
    {"a surrogate in the middle", "a\xED\xA0\x80z", "az"},
    {"an overlong slash", "a\xC0\xAFz", "az"},
};

TEST_CASE("a name with invalid UTF-8 folds its valid parts only") {
  for (const InvalidNameRow& row : kInvalidUtf8Names) {
    CAPTURE(row.what);
    CHECK(FoldName(row.name) == row.folded);
  }
}

std::string EncodeUtf8(char32_t c) {
  std::string bytes;
  if (c < 0x80) {
    bytes.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    bytes.push_back(static_cast<char>(0xC0 | (c >> 6)));
    bytes.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    bytes.push_back(static_cast<char>(0xE0 | (c >> 12)));
    bytes.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    bytes.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    bytes.push_back(static_cast<char>(0xF0 | (c >> 18)));
    bytes.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    bytes.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    bytes.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return bytes;
}

// A fixed linear congruential generator: the same inputs every run.
class Lcg {
 public:
  uint32_t Next() {
    state_ = state_ * 1103515245u + 12345u;
    return state_ >> 8;
  }

 private:
  uint32_t state_ = 12345;
};

TEST_CASE("any byte string is handled without crashing") {
  Lcg random;
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(static_cast<size_t>(i % 40), '\0');
    for (char& b : bytes) b = static_cast<char>(random.Next());
    CAPTURE(i);
    const std::string folded = FoldName(bytes);
    CHECK(IsValidUtf8(folded));
    CHECK(FoldName(folded) == folded);
    CHECK(TrimSpace(bytes).size() <= bytes.size());
    (void)NormalizePhone(bytes);
    (void)ValidateEmail(bytes);
    (void)CheckTextField("notes", bytes, 30, true);
    (void)FormatPhone(bytes);
  }
}

TEST_CASE("any valid text folds to valid text that folds to itself") {
  Lcg random;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int j = 0; j < i % 12; ++j) {
      // Mostly the scripts and punctuation names are written in, sometimes
      // any code point at all.
      const uint32_t r = random.Next();
      char32_t c = (r % 4 == 0) ? r % 0x110000 : r % 0x3100;
      if (c >= 0xD800 && c <= 0xDFFF) c = U'?';
      text += EncodeUtf8(c);
    }
    CAPTURE(i);
    REQUIRE(IsValidUtf8(text));
    const std::string folded = FoldName(text);
    CHECK(IsValidUtf8(folded));
    CHECK(FoldName(folded) == folded);
    CHECK(TrimSpace(folded) == folded);
    CHECK_FALSE(Contains(folded, "  "));
  }
}

TEST_CASE("a name in ASCII folds as it does among other scripts") {
  // A name that is ASCII alone takes a shorter path; a word with an
  // accent after it sends the same name through utf8proc.
  Lcg random;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int j = 0; j < 1 + i % 16; ++j) {
      text += static_cast<char>(random.Next() % 0x80);
    }
    CAPTURE(text);
    const std::string ascii = FoldName(text);
    const std::string unicode = FoldName(text + " \xC3\xA9");
    CHECK(unicode == (ascii.empty() ? "e" : ascii + " e"));
  }
}

struct DisplayNameRow {
  std::string_view first;
  std::string_view last;
  std::string_view display;
};

constexpr DisplayNameRow kDisplayNames[] = {
    {"Ada", "Lovelace", "Ada Lovelace"},
    {"Ada", "", "Ada"},
    {"Ada", "   ", "Ada"},
    {"  Ada ", " Lovelace ", "Ada Lovelace"},
    {"", "Lovelace", "Lovelace"},
    {"", "", ""},
    {"José", "Ñúñez", "José Ñúñez"},
    {"Mary Ann", "O'Brien-Smith", "Mary Ann O'Brien-Smith"},
};

TEST_CASE("an individual is displayed as first and last name, trimmed") {
  for (const DisplayNameRow& row : kDisplayNames) {
    CAPTURE(row.first);
    CAPTURE(row.last);
    CHECK(IndividualDisplayName(row.first, row.last) == row.display);
  }
}

}  // namespace
}  // namespace custdb
