#include "tiny_dataset.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

namespace custdb::bench {

namespace {

const char* const kFirstNames[] = {
    "James",   "Mary",      "Robert",   "Patricia",  "Michael", "Jennifer",
    "William", "Linda",     "David",    "Elizabeth", "Richard", "Barbara",
    "Joseph",  "Susan",     "Thomas",   "Jessica",   "Charles", "Sarah",
    "Daniel",  "Karen",     "Matthew",  "Nancy",     "Anthony", "Margaret",
    "Steven",  "Katherine", "Andrew",   "Rebecca",   "Edward",  "Deborah",
    "Samuel",  "Victoria",  "Nicholas", "Christine", "Jose",    "Maria"};
const char* const kLastNames[] = {
    "Smith",    "Johnson", "Williams",  "Brown",    "Jones",     "Garcia",
    "Miller",   "Davis",   "Rodriguez", "Martinez", "Hernandez", "Lopez",
    "Gonzalez", "Wilson",  "Anderson",  "Thomas",   "Taylor",    "Moore",
    "Jackson",  "Martin",  "Lee",       "Perez",    "Thompson",  "White",
    "Harris",   "Sanchez", "Clark",     "Ramirez",  "Lewis",     "Robinson",
    "Walker",   "Young",   "Allen",     "King",     "Wright",    "Scott",
    "Nguyen",   "Hill",    "Flores",    "Green",    "Adams",     "Nelson"};
const char* const kCompanyWords[] = {
    "Bayview", "Summit",  "Redwood", "Harbor", "Golden Gate", "Mission",
    "Pacific", "Oakland", "Sunset",  "Marina", "Presidio",    "Castro",
    "Alameda", "Bridge",  "Cypress", "Valley", "Northgate",   "Lakeside"};
const char* const kCompanyTrades[] = {
    "Plumbing", "Cleaning",    "HVAC",         "Electric",
    "Roofing",  "Landscaping", "Pest Control", "Property Management",
    "Dental",   "Bakery"};
const char* const kCompanySuffixes[] = {"", " Inc", " LLC", " Co", " & Sons"};
const char* const kStreets[] = {"Main St", "Oak Ave",   "Pine St",
                                "Elm St",  "Market St", "Mission St"};
const char* const kAreaCodes[] = {"415", "628", "510", "650", "408", "707"};

// Given names and a nickname of each, for planted duplicates.
const char* const kNicknames[][2] = {
    {"Robert", "Bob"},     {"William", "Bill"},   {"Richard", "Dick"},
    {"Elizabeth", "Liz"},  {"Katherine", "Kate"}, {"Margaret", "Peggy"},
    {"Michael", "Mike"},   {"Jennifer", "Jen"},   {"Thomas", "Tom"},
    {"Joseph", "Joe"},     {"Daniel", "Dan"},     {"Matthew", "Matt"},
    {"Anthony", "Tony"},   {"Steven", "Steve"},   {"Andrew", "Andy"},
    {"Rebecca", "Becky"},  {"Edward", "Ed"},      {"Samuel", "Sam"},
    {"Victoria", "Vicky"}, {"Nicholas", "Nick"},  {"Christine", "Chris"}};

struct Customer {
  std::string ref, kind, first, last, company, phone, email, street, city,
      state, zip;
};

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n); the engine is fully specified by the standard, and
  // the modulo keeps the draw independent of the library's distributions.
  size_t Below(size_t n) { return static_cast<size_t>(engine_() % n); }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  std::mt19937_64 engine_;
};

std::string Digits(Random& random, int count) {
  std::string digits;
  for (int i = 0; i < count; i++) {
    digits += static_cast<char>('0' + random.Below(10));
  }
  return digits;
}

// A valid US number: the exchange starts with 2-9 and is not N11.
std::string Phone(Random& random) {
  std::string exchange(1, static_cast<char>('2' + random.Below(8)));
  exchange += Digits(random, 2);
  if (exchange[1] == '1' && exchange[2] == '1') exchange[2] = '2';
  return std::string(random.Pick(kAreaCodes)) + "-" + exchange + "-" +
         Digits(random, 4);
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string OnlyLetters(const std::string& text) {
  std::string letters;
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letters += c;
  }
  return letters;
}

Customer MakeCustomer(Random& random, int number) {
  Customer c;
  c.ref = "c" + std::to_string(100000 + number);
  c.phone = Phone(random);
  c.street =
      std::to_string(1 + random.Below(9000)) + " " + random.Pick(kStreets);
  c.city = "San Francisco";
  c.state = "CA";
  c.zip = "941" + Digits(random, 2);
  if (random.Below(100) < 15) {
    c.kind = "company";
    c.company = std::string(random.Pick(kCompanyWords)) + " " +
                random.Pick(kCompanyTrades) + random.Pick(kCompanySuffixes);
    c.email = "office@" + Lower(OnlyLetters(c.company)) + ".example";
  } else {
    c.kind = "individual";
    c.first = random.Pick(kFirstNames);
    c.last = random.Pick(kLastNames);
    c.email = Lower(c.first) + "." + Lower(c.last) + std::to_string(number) +
              "@example.com";
  }
  return c;
}

// A typing slip in `word`: two neighbouring letters swapped, or one
// dropped.
std::string Typo(Random& random, std::string word) {
  if (word.size() < 4) return word + word.back();
  size_t at = 1 + random.Below(word.size() - 2);
  if (random.Below(2) == 0) {
    std::swap(word[at], word[at + 1]);
  } else {
    word.erase(at, 1);
  }
  return word;
}

// A duplicate of `original` as a person re-entering it would make it;
// `kind` says how.
Customer MakeDuplicate(Random& random, const Customer& original, int number,
                       std::string& kind) {
  Customer d = original;
  d.ref = "c" + std::to_string(100000 + number);
  if (original.kind == "company") {
    kind = random.Below(2) == 0 ? "company_typo" : "company_suffix";
    d.company = kind == "company_typo" ? Typo(random, original.company)
                                       : original.company + " Inc.";
    return d;
  }
  switch (random.Below(4)) {
    case 0:
      kind = "typo";
      d.last = Typo(random, original.last);
      break;
    case 1:
      kind = "nickname";
      for (const auto& pair : kNicknames) {
        if (original.first == pair[0]) d.first = pair[1];
      }
      if (d.first == original.first) d.first = Typo(random, original.first);
      break;
    case 2:
      kind = "swapped";
      std::swap(d.first, d.last);
      break;
    default:
      kind = "new_phone_typo";
      d.first = Typo(random, original.first);
      d.phone = Phone(random);
      d.email = "";
      break;
  }
  return d;
}

std::ofstream Open(const std::filesystem::path& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return out;
}

}  // namespace

void WriteTinyDataset(const std::string& dir, int customers, uint64_t seed) {
  std::filesystem::create_directories(dir);
  Random random(seed);
  std::vector<Customer> rows;
  std::ofstream truth = Open(std::filesystem::path(dir) / "truth.csv");
  truth << "a,b,kind\n";
  for (int number = 0; number < customers; number++) {
    if (rows.size() >= 10 && random.Below(20) == 0) {
      std::string kind;
      const Customer& original = rows[random.Below(rows.size())];
      Customer duplicate = MakeDuplicate(random, original, number, kind);
      truth << original.ref << "," << duplicate.ref << "," << kind << "\n";
      rows.push_back(std::move(duplicate));
    } else {
      rows.push_back(MakeCustomer(random, number));
    }
  }

  std::ofstream flat = Open(std::filesystem::path(dir) / "flat.tsv");
  flat << "ref\tkind\tfirst_name\tlast_name\tcompany_name\tphone\temail\t"
          "street\tcity\tstate\tzip\n";
  for (const Customer& c : rows) {
    flat << c.ref << '\t' << c.kind << '\t' << c.first << '\t' << c.last << '\t'
         << c.company << '\t' << c.phone << '\t' << c.email << '\t' << c.street
         << '\t' << c.city << '\t' << c.state << '\t' << c.zip << '\n';
  }

  // Negatives: different people with the same last name.
  std::ofstream negatives = Open(std::filesystem::path(dir) / "negatives.csv");
  negatives << "a,b,kind\n";
  for (size_t i = 1; i < rows.size() && i < 2000; i++) {
    const Customer& a = rows[i - 1];
    const Customer& b = rows[i];
    if (a.kind == "individual" && b.kind == "individual" && a.last == b.last &&
        a.first != b.first) {
      negatives << a.ref << "," << b.ref << ",same_last_name\n";
    }
  }
}

}  // namespace custdb::bench
