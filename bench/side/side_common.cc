#include <dirent.h>
#include <flatbuffers/flatbuffers.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "custdb_generated.h"
#include "side.h"

namespace custdb::bench::side {

std::vector<Query> ReadQueries(const std::string& path,
                               const std::string& kind) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be opened");
  std::vector<Query> queries;
  std::string line;
  while (std::getline(in, line)) {
    size_t t1 = line.find('\t');
    size_t t2 = line.find('\t', t1 + 1);
    size_t t3 = line.find('\t', t2 + 1);
    if (t3 == std::string::npos) {
      throw std::runtime_error(path + ": a line without four fields");
    }
    if (line.compare(0, t1, kind) != 0 || t1 != kind.size()) continue;
    queries.push_back({kind, std::stoll(line.substr(t1 + 1, t2 - t1 - 1)),
                       std::stoll(line.substr(t2 + 1, t3 - t2 - 1)),
                       line.substr(t3 + 1)});
  }
  return queries;
}

Report::Report(const std::string& path) : out_(path) {
  if (!out_) throw std::runtime_error(path + ": cannot be written");
  out_.precision(6);
}

std::string PhoneDigits(const std::string& typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  return digits.size() == 10 ? digits : "";
}

std::string LowerAscii(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string NameFold(const std::string& name) {
  std::string fold;
  for (const std::string& word : NameWords(name)) {
    if (!fold.empty()) fold += ' ';
    fold += word;
  }
  return fold;
}

NewCustomer NewCustomerFor(const std::string& op, size_t i) {
  // One area code per op, so that the creates of one op never meet those
  // of another; 555 is an exchange no generated phone has.
  const char* area = op == "create_sync" ? "212" : "646";
  char phone[32], email[64], last[32];
  snprintf(phone, sizeof phone, "(%s) 555-%04zu", area, i % 10000);
  snprintf(email, sizeof email, "new.customer.%s.%zu@example.com", area, i);
  snprintf(last, sizeof last, "Newcomer%zu", i);
  return {"Robin", last, phone, email};
}

// The pids of the postmaster and of its children.
std::vector<pid_t> ServerProcesses(pid_t postmaster) {
  std::vector<pid_t> pids = {postmaster};
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)),
                     std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    if (ppid == postmaster) pids.push_back(static_cast<pid_t>(pid));
  }
  closedir(proc);
  return pids;
}

// A number of kB from a "Name:   123 kB" line of a /proc file; 0 if none.
double KiBField(const std::string& file, const std::string& name) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) == 0) return std::stod(line.substr(name.size()));
  }
  return 0;
}

// The sum of its processes' proportional set
// sizes (shared pages such as shared_buffers divided among the processes
// that map them, so counted once in the sum).
double ServerPssMiB(pid_t postmaster) {
  double kib = 0;
  for (pid_t pid : ServerProcesses(postmaster)) {
    kib += KiBField("/proc/" + std::to_string(pid) + "/smaps_rollup", "Pss:");
  }
  return kib / 1024;
}

double SelfPeakMiB() { return KiBField("/proc/self/status", "VmHWM:") / 1024; }

uint64_t TableFileBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(dir, error);
       !error && it != std::filesystem::directory_iterator();
       it.increment(error)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file(error) && (ext == ".sst" || ext == ".blob")) {
      total += it->file_size(error);
    }
  }
  return total;
}

struct CustomerReader::State {
  std::ifstream file;
  std::string path;
  RecordConverter converter;
  std::string line;
  bool have_line = false;
  size_t line_number = 0;
  int64_t next_id = 1;

  // Parses the current line: its ref and type, and its record's bytes.
  void Parse(std::string* ref, std::string* type, std::string* bytes) {
    size_t tab1 = line.find('\t');
    size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) {
      throw std::runtime_error(path + ":" + std::to_string(line_number) +
                               ": expected ref, type and JSON");
    }
    *ref = line.substr(0, tab1);
    *type = line.substr(tab1 + 1, tab2 - tab1 - 1);
    bytes->assign(converter.Convert(*type,
                                    std::string_view(line).substr(tab2 + 1),
                                    path + ":" + std::to_string(line_number)));
  }
};

CustomerReader::CustomerReader(const std::string& data_dir)
    : state_(std::make_unique<State>()) {
  state_->path = data_dir + "/customers.tsv";
  state_->file.open(state_->path);
  if (!state_->file) {
    throw std::runtime_error(state_->path + ": cannot be opened");
  }
}

CustomerReader::~CustomerReader() = default;

namespace {

std::string Str(const flatbuffers::String* s) { return s ? s->str() : ""; }

}  // namespace

bool CustomerReader::Next(PeerCustomer* customer) {
  State& s = *state_;
  auto read_line = [&] {
    while (std::getline(s.file, s.line)) {
      ++s.line_number;
      if (!s.line.empty()) return true;
    }
    return false;
  };
  if (!s.have_line && !read_line()) return false;
  s.have_line = false;

  std::string ref, type, bytes;
  s.Parse(&ref, &type, &bytes);
  if (type != "CustomerDraft") {
    throw std::runtime_error(s.path + ":" + std::to_string(s.line_number) +
                             ": expected a CustomerDraft");
  }
  *customer = PeerCustomer();
  customer->id = s.next_id++;
  customer->record = bytes;
  auto* draft = flatbuffers::GetRoot<fb::CustomerDraft>(bytes.data());
  customer->company = draft->kind() == fb::CustomerKind::Company;
  customer->first_name = Str(draft->first_name());
  customer->last_name = Str(draft->last_name());
  customer->company_name = Str(draft->company_name());
  if (customer->company) {
    customer->display_name = customer->company_name;
  } else if (customer->last_name.empty()) {
    customer->display_name = customer->first_name;
  } else {
    customer->display_name = customer->first_name + " " + customer->last_name;
  }
  customer->name_fold = NameFold(customer->display_name);
  customer->phone = PhoneDigits(Str(draft->phone()));
  customer->email = LowerAscii(Str(draft->email()));
  if (!customer->company) {
    customer->contacts.push_back({customer->first_name, customer->last_name,
                                  customer->phone, customer->email, true});
  } else if (draft->primary_contact() != nullptr) {
    const auto* named = draft->primary_contact();
    customer->contacts.push_back({Str(named->first_name()),
                                  Str(named->last_name()), "",
                                  LowerAscii(Str(named->email())), true});
  }

  while (read_line()) {
    std::string child_ref, child_type, child_bytes;
    size_t tab = s.line.find('\t');
    if (s.line.compare(0, tab, ref) != 0 || tab != ref.size()) {
      s.have_line = true;  // the next customer's draft
      break;
    }
    s.Parse(&child_ref, &child_type, &child_bytes);
    if (child_type == "ContactDraft") {
      auto* c = flatbuffers::GetRoot<fb::ContactDraft>(child_bytes.data());
      customer->contacts.push_back({Str(c->first_name()), Str(c->last_name()),
                                    PhoneDigits(Str(c->phone())),
                                    LowerAscii(Str(c->email())),
                                    customer->contacts.empty()});
      customer->contact_records.push_back(child_bytes);
    } else if (child_type == "LocationDraft") {
      auto* l = flatbuffers::GetRoot<fb::LocationDraft>(child_bytes.data());
      customer->locations.push_back({static_cast<int>(l->kind()),
                                     Str(l->address_line1()),
                                     Str(l->address_line2()), Str(l->city()),
                                     Str(l->state()), Str(l->zip())});
      customer->location_records.push_back(child_bytes);
    } else {
      throw std::runtime_error(s.path + ":" + std::to_string(s.line_number) +
                               ": unknown record type " + child_type);
    }
  }
  return true;
}

}  // namespace custdb::bench::side
