#include "bench/micro/inputs.h"

#include <cctype>
#include <iterator>

namespace custdb::bench {
namespace {

const char* const kAreaCodes[] = {"415", "510", "212", "617", "303", "512",
                                  "206", "312", "404", "702", "813", "919"};

const char* const kFirstNames[] = {
    "Maria",    "James", "Robert", "Bob",      "Linda",       "Liz",
    "Michael",  "Mike",  "David",  "Jennifer", "William",     "Bill",
    "José",     "Zoë",   "Chloé",  "Ana",      "Thomas",      "Sarah",
    "Daniel",   "Dan",   "Karen",  "Nancy",    "Christopher", "Chris",
    "Patricia", "Kate",  "Andrés", "Siobhan",  "Wei",         "Priya"};

const char* const kLastNames[] = {
    "Smith",     "Johnson", "Williams", "Brown",     "Jones",
    "Garcia",    "Miller",  "Davis",    "Rodriguez", "Martinez",
    "Hernández", "Lopez",   "Gonzalez", "Wilson",    "Anderson",
    "Thomas",    "Taylor",  "Moore",    "Jackson",   "Martin",
    "Lee",       "Pérez",   "Thompson", "White",     "Harris",
    "Sánchez",   "Clark",   "Ramirez",  "Lewis",     "Robinson",
    "O'Brien",   "Müller",  "Nguyen",   "Kowalski",  "Van der Berg",
    "McAllister"};

const char* const kTrades[] = {"Plumbing",
                               "HVAC",
                               "Electric",
                               "Roofing",
                               "Property Management",
                               "Dental",
                               "Landscaping",
                               "Cleaning Services",
                               "Pest Control",
                               "Heating & Air"};

const char* const kSuffixes[] = {"",       "",        "",    " Inc", " LLC",
                                 ", Inc.", " & Sons", " Co", " Corp"};

const char* const kDomains[] = {"gmail.com",   "yahoo.com",  "outlook.com",
                                "example.com", "icloud.com", "comcast.net"};

// Lower-cased ASCII letters of a name, for an email's local part.
std::string Local(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalpha(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out.empty() ? "x" : out;
}

// "4158675309" typed in format `f`.
std::string Typed(const std::string& d, size_t f) {
  std::string a = d.substr(0, 3), b = d.substr(3, 3), c = d.substr(6);
  switch (f) {
    case 0:
      return "(" + a + ") " + b + "-" + c;
    case 1:
      return a + "-" + b + "-" + c;
    case 2:
      return a + "." + b + "." + c;
    case 3:
      return d;
    case 4:
      return "+1 " + a + " " + b + " " + c;
    default:
      return "1-" + a + "-" + b + "-" + c;
  }
}

}  // namespace

std::string InputGenerator::Phone() {
  std::string digits = kAreaCodes[Pick(std::size(kAreaCodes))];
  // An exchange from 200 to 999 that is not an N11 code nor 555.
  for (;;) {
    size_t exchange = 200 + Pick(800);
    if (exchange % 100 == 11 || exchange == 555) continue;
    digits += std::to_string(exchange);
    break;
  }
  std::string line = std::to_string(Pick(10000));
  digits += std::string(4 - line.size(), '0') + line;
  return Typed(digits, Pick(6));
}

std::string InputGenerator::Retype(const std::string& phone) {
  std::string digits;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  if (digits.size() == 11) digits.erase(0, 1);
  return Typed(digits, Pick(6));
}

std::string InputGenerator::Email(const std::string& first,
                                  const std::string& last) {
  std::string local;
  switch (Pick(4)) {
    case 0:
      local = Local(first) + "." + Local(last);
      break;
    case 1:
      local = Local(first).substr(0, 1) + Local(last);
      break;
    case 2:
      local = Local(first) + Local(last) + std::to_string(Pick(100));
      break;
    default:
      local = Local(first) + "." + Local(last) + "+jobs";
      break;
  }
  // Some people type their address with capitals.
  if (Pick(5) == 0) local[0] = static_cast<char>(std::toupper(local[0]));
  return local + "@" + kDomains[Pick(std::size(kDomains))];
}

std::string InputGenerator::FirstName() {
  return kFirstNames[Pick(std::size(kFirstNames))];
}

std::string InputGenerator::LastName() {
  return kLastNames[Pick(std::size(kLastNames))];
}

std::string InputGenerator::CompanyName() {
  std::string name = Pick(6) == 0 ? "The " : "";
  name += Pick(3) == 0 ? "Reliable" : LastName();
  name += " ";
  name += kTrades[Pick(std::size(kTrades))];
  name += kSuffixes[Pick(std::size(kSuffixes))];
  return name;
}

PersonInput InputGenerator::Person() {
  PersonInput p;
  p.company = Pick(6) == 0;
  p.first = FirstName();
  p.last = LastName();
  if (p.company) p.company_name = CompanyName();
  p.phone = Phone();
  if (Pick(3) != 0) p.email = Email(p.first, p.last);
  return p;
}

}  // namespace custdb::bench
