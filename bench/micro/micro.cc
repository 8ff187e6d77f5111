// Micro benchmarks of the engine's hot paths: the normalizers, match
// names and trigrams, key encoding, and the index reads and duplicate
// search on a store of generated customers. Each benchmark cycles through
// a few hundred generated inputs, so that no single input's branch
// pattern or cache line is all that is measured.
//
// The store benchmarks share one store, built on first use in a temporary
// directory and removed at exit: CUSTDB_BENCH_CUSTOMERS customers (20,000
// unless set), one in ten a planted near-duplicate of an earlier one.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/micro/inputs.h"
#include "custdb_generated.h"
#include "engine/customers/customers.h"
#include "engine/match/duplicates.h"
#include "engine/match/match_name.h"
#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/normalize/phone.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"

namespace custdb::bench {
namespace {

constexpr size_t kInputs = 512;  // a power of two: the index is a mask
constexpr uint64_t kAccount = 1;

std::vector<std::string> Phones() {
  InputGenerator gen(1);
  return Generate(kInputs, [&] { return gen.Phone(); });
}

std::vector<std::string> Emails() {
  InputGenerator gen(2);
  return Generate(kInputs,
                  [&] { return gen.Email(gen.FirstName(), gen.LastName()); });
}

std::vector<std::string> PersonNames() {
  InputGenerator gen(3);
  return Generate(kInputs,
                  [&] { return gen.FirstName() + " " + gen.LastName(); });
}

std::vector<std::string> CompanyNames() {
  InputGenerator gen(4);
  return Generate(kInputs, [&] { return gen.CompanyName(); });
}

std::vector<std::string> E164(const std::vector<std::string>& typed) {
  std::vector<std::string> out;
  for (const auto& p : typed) {
    auto e164 = NormalizePhone(p);
    if (!e164.ok()) {
      std::fprintf(stderr, "a generated phone is refused: %s\n",
                   e164.status().message().c_str());
      std::exit(1);
    }
    out.push_back(std::move(*e164));
  }
  return out;
}

// Runs `fn` on the inputs in turn, one per iteration, keeping its result.
template <typename T, typename Fn>
void Cycle(benchmark::State& state, const std::vector<T>& inputs, Fn fn) {
  size_t i = 0;
  for (auto _ : state) {
    auto out = fn(inputs[i++ & (kInputs - 1)]);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- Normalization -------------------------------------------------------

void BM_NormalizePhone(benchmark::State& state) {
  auto phones = Phones();
  Cycle(state, phones,
        [&](const auto& input) { return NormalizePhone(input); });
}
BENCHMARK(BM_NormalizePhone);

void BM_FormatPhone(benchmark::State& state) {
  auto phones = E164(Phones());
  Cycle(state, phones, [&](const auto& input) { return FormatPhone(input); });
}
BENCHMARK(BM_FormatPhone);

void BM_ValidateEmail(benchmark::State& state) {
  auto emails = Emails();
  Cycle(state, emails, [&](const auto& input) { return ValidateEmail(input); });
}
BENCHMARK(BM_ValidateEmail);

void BM_EmailKey(benchmark::State& state) {
  auto emails = Emails();
  Cycle(state, emails, [&](const auto& input) { return EmailKey(input); });
}
BENCHMARK(BM_EmailKey);

void BM_LooseEmailKey(benchmark::State& state) {
  auto emails = Emails();
  Cycle(state, emails, [&](const auto& input) { return LooseEmailKey(input); });
}
BENCHMARK(BM_LooseEmailKey);

void BM_FoldName(benchmark::State& state) {
  auto names = PersonNames();
  Cycle(state, names, [&](const auto& input) { return FoldName(input); });
}
BENCHMARK(BM_FoldName);

// ---- Match names and trigrams ---------------------------------------------

// Arg 0: person names (nicknames mapped), 1: company names (suffixes off).
void BM_MatchName(benchmark::State& state) {
  bool company = state.range(0) == 1;
  auto names = company ? CompanyNames() : PersonNames();
  NameKind kind = company ? NameKind::kCompany : NameKind::kPerson;
  Cycle(state, names,
        [&](const auto& input) { return MatchName(input, kind); });
  state.SetLabel(company ? "company" : "person");
}
BENCHMARK(BM_MatchName)->Arg(0)->Arg(1);

std::vector<std::vector<std::string>> MatchWordsOf(
    const std::vector<std::string>& names) {
  std::vector<std::vector<std::string>> out;
  for (const auto& n : names) out.push_back(MatchWords(n, NameKind::kPerson));
  return out;
}

void BM_Trigrams(benchmark::State& state) {
  auto words = MatchWordsOf(PersonNames());
  Cycle(state, words, [&](const auto& input) { return Trigrams(input); });
}
BENCHMARK(BM_Trigrams);

// From the typed name to its trigrams: what indexing one name costs.
void BM_NameToTrigrams(benchmark::State& state) {
  auto names = PersonNames();
  Cycle(state, names, [&](const auto& input) {
    return Trigrams(MatchWords(input, NameKind::kPerson));
  });
}
BENCHMARK(BM_NameToTrigrams);

void BM_TrigramSimilarity(benchmark::State& state) {
  std::vector<std::vector<std::string>> sets;
  for (const auto& words : MatchWordsOf(PersonNames())) {
    sets.push_back(Trigrams(words));
  }
  size_t i = 0;
  for (auto _ : state) {
    // Neighbours in the list: mostly unrelated names, now and then two
    // that share a surname or a given name.
    const auto& a = sets[i & (kInputs - 1)];
    const auto& b = sets[(i * 7 + 1) & (kInputs - 1)];
    ++i;
    double similarity = TrigramSimilarity(a, b);
    benchmark::DoNotOptimize(similarity);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrigramSimilarity);

// ---- Key encoding ----------------------------------------------------------

void BM_PhoneIndexKey(benchmark::State& state) {
  auto phones = E164(Phones());
  InputGenerator gen(5);
  std::vector<uint64_t> ids;
  for (size_t n = 0; n < kInputs; ++n) ids.push_back(gen.Next() >> 20);
  size_t i = 0;
  for (auto _ : state) {
    size_t at = i++ & (kInputs - 1);
    auto key =
        keys::IndexKey(kAccount, keys::IndexTag::kPhone, phones[at], ids[at]);
    benchmark::DoNotOptimize(key);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhoneIndexKey);

void BM_ParseIndexKey(benchmark::State& state) {
  auto names = PersonNames();
  std::vector<std::string> encoded;
  for (size_t n = 0; n < kInputs; ++n) {
    encoded.push_back(keys::IndexKey(kAccount, keys::IndexTag::kName,
                                     FoldName(names[n]), 1000 + n));
  }
  Cycle(state, encoded,
        [&](const auto& input) { return keys::ParseIndexKey(input); });
}
BENCHMARK(BM_ParseIndexKey);

void BM_CustomerKey(benchmark::State& state) {
  uint64_t id = 1;
  for (auto _ : state) {
    auto key = keys::CustomerKey(kAccount, id);
    id += 7919;
    benchmark::DoNotOptimize(key);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CustomerKey);

// Every trigram key one person name writes, as AppendTrigramKeys builds
// them for a create.
void BM_TrigramKeysOfName(benchmark::State& state) {
  auto names = PersonNames();
  size_t i = 0, written = 0;
  std::vector<std::string> out;
  for (auto _ : state) {
    out.clear();
    AppendTrigramKeys(kAccount, names[i & (kInputs - 1)], NameKind::kPerson,
                      1000 + i, &out);
    ++i;
    written += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["keys_per_name"] = benchmark::Counter(
      static_cast<double>(written) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_TrigramKeysOfName);

// ---- A store of generated customers --------------------------------------

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Customers> customers;
  std::unique_ptr<Duplicates> duplicates;
  std::vector<uint64_t> ids;        // every customer, in creation order
  std::vector<std::string> phones;  // E.164 of stored customers
  std::vector<std::string> emails;  // email keys of stored customers
  double seconds_to_build = 0;

  ~Fixture() {
    duplicates.reset();
    customers.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

size_t StoreCustomers() {
  const char* v = std::getenv("CUSTDB_BENCH_CUSTOMERS");
  size_t n = v != nullptr ? std::strtoull(v, nullptr, 10) : 20000;
  return n < 100 ? 100 : n;
}

std::string Draft(const PersonInput& p) {
  fb::CustomerDraftT d;
  d.kind = p.company ? fb::CustomerKind::Company : fb::CustomerKind::Individual;
  if (p.company) {
    d.company_name = p.company_name;
  } else {
    d.first_name = p.first;
    d.last_name = p.last;
  }
  d.phone = p.phone;
  d.email = p.email;
  return PackRecord(d);
}

// Built once, on first use, so that a run that filters the store
// benchmarks out pays nothing for it.
Fixture& SharedStore() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    f->dir = std::filesystem::temp_directory_path() /
             ("custdb-bench-micro-" + std::to_string(getpid()));
    std::filesystem::remove_all(f->dir);
    StoreOptions options;
    options.sync_commits = false;
    auto store = Store::Open(f->dir.string(), options);
    if (!store.ok()) {
      std::fprintf(stderr, "opening the store: %s\n",
                   store.status().message().c_str());
      std::exit(1);
    }
    f->store = std::move(*store);
    f->customers = std::make_unique<Customers>(f->store.get());
    f->duplicates =
        std::make_unique<Duplicates>(f->store.get(), f->customers.get());

    auto start = std::chrono::steady_clock::now();
    InputGenerator gen(6);
    std::vector<PersonInput> made;
    size_t n = StoreCustomers();
    for (size_t i = 0; i < n; ++i) {
      PersonInput p = gen.Person();
      // One in ten is an earlier customer entered again: the phone typed
      // another way or the email's case changed, a nickname for the
      // first name.
      if (i % 10 == 9 && !made.empty()) {
        p = made[gen.Next() % made.size()];
        if (gen.Next() % 2 == 0) {
          p.phone = gen.Retype(p.phone);
        } else {
          p.phone = gen.Phone();
        }
        if (p.first == "Robert") p.first = "Bob";
        if (p.first == "William") p.first = "Bill";
      }
      CreateOptions create;
      create.allow_duplicate_phone = true;
      std::string bytes = Draft(p);
      auto r = f->customers->Create(
          kAccount, *flatbuffers::GetRoot<fb::CustomerDraft>(bytes.data()),
          create);
      if (!r.ok()) {
        std::fprintf(stderr, "creating a customer: %s\n",
                     r.status().message().c_str());
        std::exit(1);
      }
      auto* c = flatbuffers::GetRoot<fb::Customer>(r->record.data());
      f->ids.push_back(c->id());
      f->phones.push_back(c->phone()->str());
      if (c->email() != nullptr && c->email()->size() > 0) {
        f->emails.push_back(EmailKey(c->email()->str()));
      }
      made.push_back(std::move(p));
    }
    f->seconds_to_build =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::fprintf(stderr, "store: %zu customers created in %.1f s\n", n,
                 f->seconds_to_build);
    std::atexit([] { delete fixture; });
    return f;
  }();
  return *fixture;
}

// Inputs from the store, spread over it by a fixed stride.
template <typename T>
std::vector<T> Spread(const std::vector<T>& all) {
  std::vector<T> out;
  for (size_t i = 0; i < kInputs; ++i) {
    out.push_back(all[(i * 7919) % all.size()]);
  }
  return out;
}

// A lookup of the exact phone or email index, a page of up to 10.
void FindBy(benchmark::State& state, Lookup by,
            const std::vector<std::string>& values) {
  Fixture& f = SharedStore();
  auto keys = Spread(values);
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto page =
        f.customers->Find(kAccount, by, keys[i++ & (kInputs - 1)], "", 10);
    if (!page.ok()) {
      state.SkipWithError(page.status().message().c_str());
      break;
    }
    found += page->items.size();
    benchmark::DoNotOptimize(page->items.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["found"] = benchmark::Counter(
      static_cast<double>(found) / static_cast<double>(state.iterations()));
  state.counters["customers"] = static_cast<double>(f.ids.size());
}

void BM_FindByPhone(benchmark::State& state) {
  FindBy(state, Lookup::kPhone, SharedStore().phones);
}
BENCHMARK(BM_FindByPhone)->Unit(benchmark::kMicrosecond);

void BM_FindByEmail(benchmark::State& state) {
  FindBy(state, Lookup::kEmail, SharedStore().emails);
}
BENCHMARK(BM_FindByEmail)->Unit(benchmark::kMicrosecond);

void BM_GetCustomer(benchmark::State& state) {
  Fixture& f = SharedStore();
  auto ids = Spread(f.ids);
  size_t i = 0;
  for (auto _ : state) {
    auto record = f.customers->Get(kAccount, ids[i++ & (kInputs - 1)]);
    if (!record.ok()) {
      state.SkipWithError(record.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(record->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["customers"] = static_cast<double>(f.ids.size());
}
BENCHMARK(BM_GetCustomer)->Unit(benchmark::kMicrosecond);

// The candidates of one customer: the phone, email, address and name
// indexes read, the trigram lists walked, every candidate scored.
void BM_FindDuplicates(benchmark::State& state) {
  Fixture& f = SharedStore();
  auto ids = Spread(f.ids);
  DuplicateOptions options;
  size_t i = 0, candidates = 0;
  for (auto _ : state) {
    auto list = f.duplicates->Find(kAccount, ids[i++ & (kInputs - 1)], options);
    if (!list.ok()) {
      state.SkipWithError(list.status().message().c_str());
      break;
    }
    auto* l = flatbuffers::GetRoot<fb::DuplicateList>(list->data());
    candidates += l->candidates() == nullptr ? 0 : l->candidates()->size();
    benchmark::DoNotOptimize(l);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["candidates"] =
      benchmark::Counter(static_cast<double>(candidates) /
                         static_cast<double>(state.iterations()));
  state.counters["customers"] = static_cast<double>(f.ids.size());
}
BENCHMARK(BM_FindDuplicates)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace custdb::bench

BENCHMARK_MAIN();
