// Tests of the pure address functions: USPS state codes, ZIP codes, and
// the normalized address key. Each behaviour is a table; CAPTURE names the
// row when one fails.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "engine/normalize/address.h"

namespace custdb {
namespace {

// ---------------------------------------------------------------------------
// States

struct StateRow {
  std::string_view input;
  std::string_view want;  // empty: refused
};

constexpr StateRow kStateRows[] = {
    {"CA", "CA"},
    {"ca", "CA"},
    {"Ny", "NY"},
    {"  tx ", "TX"},
    {"DC", "DC"},
    {"AK", "AK"},
    {"HI", "HI"},
    {"WY", "WY"},
    // Territories, freely associated states and military codes.
    {"PR", "PR"},
    {"vi", "VI"},
    {"GU", "GU"},
    {"AS", "AS"},
    {"MP", "MP"},
    {"UM", "UM"},
    {"FM", "FM"},
    {"MH", "MH"},
    {"PW", "PW"},
    {"AA", "AA"},
    {"ae", "AE"},
    {"AP", "AP"},
    // Refused.
    {"", ""},
    {"   ", ""},
    {"C", ""},
    {"CAL", ""},
    {"California", ""},
    {"XX", ""},
    {"ZZ", ""},
    {"C.", ""},
    {"1A", ""},
    {"BC", ""},  // a Canadian province
    {"C\xC3", ""},
};

TEST_CASE("a state is a USPS code, any case, stored upper case") {
  for (const auto& row : kStateRows) {
    CAPTURE(row.input);
    auto got = NormalizeState(row.input, "state");
    if (row.want.empty()) {
      REQUIRE_FALSE(got.ok());
      CHECK(got.status().IsInvalidArgument());
      CHECK(got.status().message().rfind("state:", 0) == 0);
    } else {
      REQUIRE(got.ok());
      CHECK(*got == row.want);
    }
  }
}

TEST_CASE("every one of the 50 states and DC is accepted") {
  const char* codes[] = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL",
                         "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
                         "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
                         "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
                         "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
                         "VA", "WA", "WV", "WI", "WY", "DC"};
  CHECK(std::size(codes) == 51);
  for (const char* code : codes) {
    CAPTURE(code);
    CHECK(NormalizeState(code).ok());
  }
}

// ---------------------------------------------------------------------------
// ZIP codes

struct ZipRow {
  std::string_view input;
  std::string_view want;  // empty: refused
};

constexpr ZipRow kZipRows[] = {
    {"94107", "94107"},
    {"00501", "00501"},
    {" 94107 ", "94107"},
    {"94107-1234", "94107-1234"},
    {"941071234", "94107-1234"},
    {"\t941071234\n", "94107-1234"},
    // Refused.
    {"", ""},
    {"9410", ""},
    {"941070", ""},
    {"9410712", ""},
    {"94107-12", ""},
    {"94107-12345", ""},
    {"94107 1234", ""},
    {"94107--1234", ""},
    {"9410-71234", ""},
    {"94107-", ""},
    {"-94107", ""},
    {"ABCDE", ""},
    {"9410A", ""},
    {"94107-12a4", ""},
    {"SW1A 1AA", ""},
    {"９４１０７", ""},  // full-width digits
};

TEST_CASE("a ZIP is 5 digits or ZIP+4, and 9 digits become ZIP+4") {
  for (const auto& row : kZipRows) {
    CAPTURE(row.input);
    auto got = NormalizeZip(row.input, "zip");
    if (row.want.empty()) {
      REQUIRE_FALSE(got.ok());
      CHECK(got.status().IsInvalidArgument());
      CHECK(got.status().message().rfind("zip:", 0) == 0);
    } else {
      REQUIRE(got.ok());
      CHECK(*got == row.want);
    }
  }
}

// ---------------------------------------------------------------------------
// Address lines

struct LineRow {
  std::string_view input;
  std::string_view want;
};

constexpr LineRow kLineRows[] = {
    // Case, punctuation and white space.
    {"123 Main St", "123 main st"},
    {"  123   MAIN   st  ", "123 main st"},
    {"123 Main St.", "123 main st"},
    {"123 Main St., ", "123 main st"},
    {"123 Main\tSt", "123 main st"},
    {"123 O'Farrell St", "123 ofarrell st"},
    {"123-A Main St", "123 a main st"},
    {"", ""},
    {" , . ", ""},
    // Accents.
    {"1 Calle José Martí", "1 calle jose marti"},
    // Street suffixes.
    {"123 Main Street", "123 main st"},
    {"123 Main Str", "123 main st"},
    {"5 Elm Avenue", "5 elm ave"},
    {"5 Elm Av", "5 elm ave"},
    {"5 Elm Ave.", "5 elm ave"},
    {"9 Sunset Boulevard", "9 sunset blvd"},
    {"9 Sunset Blvd", "9 sunset blvd"},
    {"7 Mill Road", "7 mill rd"},
    {"7 Lake Drive", "7 lake dr"},
    {"7 Lovers Lane", "7 lovers ln"},
    {"7 Oak Court", "7 oak ct"},
    {"7 Pine Place", "7 pine pl"},
    {"7 Pacific Coast Highway", "7 pacific coast hwy"},
    {"7 Bay Parkway", "7 bay pkwy"},
    {"7 Rose Circle", "7 rose cir"},
    {"7 Vista Terrace", "7 vista ter"},
    {"7 Union Square", "7 union sq"},
    {"7 Oregon Trail", "7 oregon trl"},
    {"7 Saint Marks Place", "7 st marks pl"},
    // Directions.
    {"100 North Main Street", "100 n main st"},
    {"100 N. Main St.", "100 n main st"},
    {"100 South Elm", "100 s elm"},
    {"100 East 5th Street", "100 e 5th st"},
    {"100 West Oak", "100 w oak"},
    {"100 Northeast Broadway", "100 ne broadway"},
    {"100 North East Broadway", "100 ne broadway"},
    {"100 N.E. Broadway", "100 ne broadway"},
    {"100 NE Broadway", "100 ne broadway"},
    {"100 Southwest Pine", "100 sw pine"},
    {"100 South West Pine", "100 sw pine"},
    {"100 Northwest Pine", "100 nw pine"},
    {"100 Southeast Pine", "100 se pine"},
    {"100 Main St Northwest", "100 main st nw"},
    // Units: every designator, and '#', is one unit mark.
    {"Apartment 5", "# 5"},
    {"Apt 5", "# 5"},
    {"Apt. 5", "# 5"},
    {"#5", "# 5"},
    {"# 5", "# 5"},
    {"Apt #5", "# 5"},
    {"Apt. # 5", "# 5"},
    {"Suite 200", "# 200"},
    {"Ste 200", "# 200"},
    {"Ste. 200", "# 200"},
    {"Unit 3B", "# 3b"},
    {"Room 12", "# 12"},
    {"123 Main St #5", "123 main st # 5"},
    {"123 Main St Apt#5", "123 main st # 5"},
    {"123 Main St, Apt. #5", "123 main st # 5"},
    // Other designators keep their meaning.
    {"Floor 3", "fl 3"},
    {"Building C", "bldg c"},
};

TEST_CASE("an address line is folded and its abbreviations unified") {
  for (const auto& row : kLineRows) {
    CAPTURE(row.input);
    CHECK(FoldAddressLine(row.input) == row.want);
  }
}

// ---------------------------------------------------------------------------
// Address keys

struct KeyRow {
  std::string_view what;
  std::string_view line1, line2, city, state, zip;
  std::string_view want;
};

constexpr KeyRow kKeyRows[] = {
    {"the parts in order", "123 Main Street", "", "San Francisco", "CA",
     "94107", "123 main st|san francisco|ca|94107"},
    {"the unit on line 2", "123 Main Street", "Suite 5", "San Francisco", "CA",
     "94107-1234", "123 main st # 5|san francisco|ca|94107"},
    {"the unit on line 1", "123 Main St #5", "", "san francisco", "ca", "94107",
     "123 main st # 5|san francisco|ca|94107"},
    {"a designator split over the lines", "123 Main St Apt", "#5",
     "San Francisco", "CA", "94107", "123 main st # 5|san francisco|ca|94107"},
    {"the city folded too", "1 Elm St", "", "  SAINT   Paul ", "MN", "55101",
     "1 elm st|st paul|mn|55101"},
    {"only five digits of ZIP+4", "1 Elm St", "", "Austin", "TX", "78701-0001",
     "1 elm st|austin|tx|78701"},
};

TEST_CASE("the address key joins the folded parts and the 5-digit ZIP") {
  for (const auto& row : kKeyRows) {
    CAPTURE(row.what);
    CHECK(AddressKey(row.line1, row.line2, row.city, row.state, row.zip) ==
          row.want);
  }
}

struct SamePlaceRow {
  std::string_view a_line1, a_line2, b_line1, b_line2;
};

constexpr SamePlaceRow kSamePlaceRows[] = {
    {"123 North Main Street", "Apartment 5", "123 N Main St", "#5"},
    {"123 N. Main St., Apt. 5", "", "123 NORTH MAIN STREET", "Unit 5"},
    {"500 Northeast Broadway Blvd", "Ste 200", "500 NE Broadway Boulevard",
     "Suite 200"},
    {"1 Pacific Coast Hwy", "", "1 Pacific Coast Highway", ""},
};

TEST_CASE("one place written two ways gives one key") {
  for (const auto& row : kSamePlaceRows) {
    CAPTURE(row.a_line1);
    CHECK(AddressKey(row.a_line1, row.a_line2, "Springfield", "IL", "62701") ==
          AddressKey(row.b_line1, row.b_line2, "springfield", "IL",
                     "62701-1234"));
  }
}

TEST_CASE("different places give different keys") {
  std::string base =
      AddressKey("123 Main St", "", "Springfield", "IL", "62701");
  CHECK(base != AddressKey("124 Main St", "", "Springfield", "IL", "62701"));
  CHECK(base != AddressKey("123 Main Ave", "", "Springfield", "IL", "62701"));
  CHECK(base != AddressKey("123 Main St", "#2", "Springfield", "IL", "62701"));
  CHECK(base != AddressKey("123 Main St", "", "Springfield", "MO", "62701"));
  CHECK(base != AddressKey("123 Main St", "", "Springfield", "IL", "62702"));
  CHECK(base != AddressKey("123 Main St", "", "Chatham", "IL", "62701"));
}

}  // namespace
}  // namespace custdb
