// Generated inputs for the micro benchmarks: phones, emails and names as
// people type them, the same for the same seed, so that one run measures
// the same work as the last.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace custdb::bench {

// One generated customer, fields as typed into a form.
struct PersonInput {
  bool company = false;
  std::string first, last, company_name;
  std::string phone;  // a valid US number in one of the common formats
  std::string email;  // empty for about a third
};

class InputGenerator {
 public:
  explicit InputGenerator(uint64_t seed) : rng_(seed) {}

  // A valid US number typed one of several ways: "(415) 867-5309",
  // "415-867-5309", "415.867.5309", "4158675309", "+1 415 867 5309",
  // "1-415-867-5309".
  std::string Phone();
  // The same number in another of those ways.
  std::string Retype(const std::string& phone);
  // An address such as "Maria.Lopez+jobs@Example.com", valid.
  std::string Email(const std::string& first, const std::string& last);
  std::string FirstName();  // now and then a nickname or an accented name
  std::string LastName();
  std::string CompanyName();  // trade words, a surname, often a suffix
  PersonInput Person();

  uint64_t Next() { return rng_(); }

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  std::mt19937_64 rng_;
};

// `n` values of `make`, in a vector the benchmarks cycle through.
template <typename Make>
std::vector<std::string> Generate(size_t n, Make make) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(make());
  return out;
}

}  // namespace custdb::bench
