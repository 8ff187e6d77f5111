// The crash loop: a writer process makes synced commits through the C ABI
// and writes each acknowledged one to a log (itself synced); it is killed
// with SIGKILL at a random moment, and a verifier reopens the store and
// checks that every acknowledged write is there, whole, and that the
// consistency check finds nothing.
//
// usage: crash_loop DIR [CYCLES]   (default 100; CUSTDB_CRASH_CYCLES too)
//        crash_loop --writer STORE LOG CYCLE   (the child; not by hand)
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "custdb.h"
#include "custdb_generated.h"
#include "engine/schema/records.h"

namespace {

using custdb::PackRecord;
namespace fb = custdb::fb;

constexpr uint64_t kAccount = 1;
constexpr size_t kFileBytes = 260 * 1024;  // two chunks

int checks = 0;
int failures = 0;

#define EXPECT(cond, what)                                                  \
  do {                                                                      \
    ++checks;                                                               \
    if (!(cond)) {                                                          \
      ++failures;                                                           \
      std::fprintf(stderr, "crash_loop: %s failed: %s (%s)\n", #cond, what, \
                   custdb_last_error());                                    \
    }                                                                       \
  } while (0)

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "crash_loop writer: %s: %s\n", what,
               custdb_last_error());
  std::_Exit(3);
}

const uint8_t* Bytes(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

template <typename T>
const T* Root(custdb_buffer* buffer) {
  return flatbuffers::GetRoot<T>(custdb_buffer_data(buffer));
}

// A valid, unique US number for each n below seven million.
std::string PhoneFor(uint64_t n) {
  unsigned exchange = 200 + static_cast<unsigned>((n / 10000) % 700);
  if (exchange % 100 == 11) ++exchange;  // no N11 exchanges
  char text[32];
  std::snprintf(text, sizeof text, "(415) %03u-%04u", exchange,
                static_cast<unsigned>(n % 10000));
  return text;
}

// Contents that differ from file to file, cheap to make again when
// verifying (an xorshift word every 8 bytes).
std::string FileContents(uint64_t seed) {
  std::string bytes(kFileBytes, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (size_t at = 0; at + 8 <= bytes.size(); at += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(&bytes[at], &x, 8);
  }
  return bytes;
}

// Appends one acknowledged write to the log and syncs it before the next.
void Acknowledge(int log_fd, const std::string& line) {
  std::string text = line + "\n";
  if (write(log_fd, text.data(), text.size()) !=
      static_cast<ssize_t>(text.size())) {
    Die("writing the log");
  }
  if (fsync(log_fd) != 0) Die("syncing the log");
}

int RunWriter(const char* store_path, const char* log_path, uint64_t cycle) {
  custdb_store* store = nullptr;
  if (custdb_store_open(&store, store_path, nullptr) != CUSTDB_OK) {
    Die("open");
  }
  // A kill can cut the last line short (a write stops at a fatal
  // signal); that line was never acknowledged, and this cycle's lines
  // must not run on from it.
  {
    std::ifstream old(log_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(old)),
                     std::istreambuf_iterator<char>());
    size_t complete = text.rfind('\n');
    size_t keep = complete == std::string::npos ? 0 : complete + 1;
    if (keep != text.size() && truncate(log_path, static_cast<off_t>(keep))) {
      Die("trimming the log");
    }
  }
  int log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (log_fd < 0) Die("opening the log");
  std::vector<uint64_t> customers;
  std::mt19937_64 rng(cycle);
  for (uint64_t i = 0;; ++i) {
    uint64_t n = cycle * 10000 + i;
    if (i % 4 != 0 || customers.empty()) {
      fb::CustomerDraftT draft;
      draft.kind = fb::CustomerKind::Individual;
      draft.first_name = "Crash";
      draft.last_name = std::to_string(n);
      draft.phone = PhoneFor(n);
      std::string bytes = PackRecord(draft);
      custdb_buffer* out = nullptr;
      int existed = 0;
      if (custdb_customer_create(&out, &existed, store, kAccount, Bytes(bytes),
                                 bytes.size(), nullptr) != CUSTDB_OK) {
        Die("create");
      }
      uint64_t id = Root<fb::Customer>(out)->id();
      custdb_buffer_free(out);
      customers.push_back(id);
      Acknowledge(log_fd, "C " + std::to_string(id) + " " + PhoneFor(n));
      continue;
    }
    uint64_t customer = customers[rng() % customers.size()];
    if (i % 40 == 8 && customers.size() > 2) {
      // The customer picked folds into the one created before it, with
      // its notes, entries and files.
      size_t at = 1 + rng() % (customers.size() - 1);
      uint64_t duplicate = customers[at];
      uint64_t survivor = customers[at - 1];
      if (custdb_customer_merge(nullptr, store, kAccount, survivor, duplicate,
                                nullptr) != CUSTDB_OK) {
        Die("merge");
      }
      customers.erase(customers.begin() + static_cast<long>(at));
      Acknowledge(log_fd, "M " + std::to_string(duplicate) + " " +
                              std::to_string(survivor));
    } else if (i % 24 == 0) {
      fb::FileDraftT draft;
      draft.category = fb::FileCategory::Photo;
      draft.file_name = "site.jpg";
      draft.content_type = "image/jpeg";
      std::string bytes = PackRecord(draft);
      custdb_file_writer* writer = nullptr;
      if (custdb_file_begin(&writer, store, kAccount, customer, Bytes(bytes),
                            bytes.size(), nullptr) != CUSTDB_OK) {
        Die("file begin");
      }
      std::string contents = FileContents(n);
      for (size_t at = 0; at < contents.size(); at += 40000) {
        size_t size = std::min<size_t>(40000, contents.size() - at);
        if (custdb_file_write(writer, Bytes(contents) + at, size) !=
            CUSTDB_OK) {
          Die("file write");
        }
      }
      custdb_buffer* info = nullptr;
      if (custdb_file_commit(&info, writer) != CUSTDB_OK) Die("file commit");
      uint64_t file = Root<fb::FileInfo>(info)->id();
      custdb_buffer_free(info);
      custdb_file_writer_free(writer);
      Acknowledge(log_fd,
                  "F " + std::to_string(file) + " " + std::to_string(n));
    } else if (i % 4 == 0 && i % 8 != 0) {
      fb::NoteDraftT draft;
      draft.author = "tech-7";
      draft.body = "note " + std::to_string(n);
      std::string bytes = PackRecord(draft);
      custdb_buffer* out = nullptr;
      if (custdb_note_add(&out, store, kAccount, customer, Bytes(bytes),
                          bytes.size()) != CUSTDB_OK) {
        Die("note");
      }
      uint64_t note = Root<fb::Note>(out)->id();
      custdb_buffer_free(out);
      Acknowledge(log_fd, "N " + std::to_string(note));
    } else {
      fb::TimelineEntryDraftT draft;
      draft.channel = fb::TimelineChannel::Sms;
      draft.direction = fb::Direction::Inbound;
      draft.occurred_at_ms = 1700000000000 + static_cast<int64_t>(n);
      draft.summary = "on my way";
      draft.external_ref = "sms-" + std::to_string(n);
      std::string bytes = PackRecord(draft);
      if (custdb_timeline_append(nullptr, nullptr, store, kAccount, customer,
                                 Bytes(bytes), bytes.size()) != CUSTDB_OK) {
        Die("timeline");
      }
      Acknowledge(log_fd,
                  "T " + std::to_string(customer) + " " + std::to_string(n));
    }
  }
}

// Checks one acknowledged write against the reopened store.
void VerifyLine(custdb_store* store, const std::string& line) {
  std::istringstream in(line);
  std::string kind;
  in >> kind;
  custdb_buffer* out = nullptr;
  if (kind == "C") {
    uint64_t id;
    std::string phone;
    in >> id;
    std::getline(in, phone);
    phone.erase(0, 1);
    EXPECT(custdb_customer_get(&out, store, kAccount, id) == CUSTDB_OK,
           line.c_str());
    // A customer merged since reads as its survivor, with the survivor's
    // phone; the merge's own line checks where it leads.
    if (out != nullptr && Root<fb::Customer>(out)->id() == id) {
      const auto* c = Root<fb::Customer>(out);
      EXPECT(
          c->phone_display() != nullptr && c->phone_display()->str() == phone,
          line.c_str());
    }
  } else if (kind == "M") {
    uint64_t duplicate, survivor;
    in >> duplicate >> survivor;
    // Both ids lead to one customer (the survivor, or whoever it was
    // merged into later), and the duplicate's own lists are gone.
    uint64_t ends[2] = {0, 0};
    uint64_t ids[2] = {duplicate, survivor};
    for (int k = 0; k < 2; ++k) {
      custdb_buffer* record = nullptr;
      EXPECT(custdb_customer_get(&record, store, kAccount, ids[k]) == CUSTDB_OK,
             line.c_str());
      if (record != nullptr) ends[k] = Root<fb::Customer>(record)->id();
      custdb_buffer_free(record);
    }
    EXPECT(ends[0] != 0 && ends[0] == ends[1] && ends[0] != duplicate,
           line.c_str());
    custdb_cursor* notes = nullptr;
    EXPECT(custdb_note_list(&notes, store, kAccount, duplicate, nullptr) ==
               CUSTDB_ENOTFOUND,
           line.c_str());
    custdb_cursor_free(notes);
  } else if (kind == "N") {
    uint64_t id;
    in >> id;
    EXPECT(custdb_note_get(&out, store, kAccount, id) == CUSTDB_OK,
           line.c_str());
  } else if (kind == "T") {
    uint64_t customer, n;
    in >> customer >> n;
    // Appending the same reference again finds the entry and writes
    // nothing.
    fb::TimelineEntryDraftT draft;
    draft.channel = fb::TimelineChannel::Sms;
    draft.direction = fb::Direction::Inbound;
    draft.occurred_at_ms = 1700000000000 + static_cast<int64_t>(n);
    draft.external_ref = "sms-" + std::to_string(n);
    std::string bytes = PackRecord(draft);
    // The entry moved with its customer if that was merged since.
    custdb_buffer* record = nullptr;
    if (custdb_customer_get(&record, store, kAccount, customer) == CUSTDB_OK) {
      customer = Root<fb::Customer>(record)->id();
    }
    custdb_buffer_free(record);
    int existed = 0;
    EXPECT(custdb_timeline_append(nullptr, &existed, store, kAccount, customer,
                                  Bytes(bytes), bytes.size()) == CUSTDB_OK,
           line.c_str());
    EXPECT(existed == 1, line.c_str());
  } else if (kind == "F") {
    uint64_t id, n;
    in >> id >> n;
    custdb_cursor* content = nullptr;
    EXPECT(custdb_file_open_content(&content, store, kAccount, id, nullptr) ==
               CUSTDB_OK,
           line.c_str());
    std::string read;
    custdb_buffer* chunk = nullptr;
    while (content != nullptr &&
           custdb_cursor_next(&chunk, content) == CUSTDB_OK &&
           chunk != nullptr) {
      read.append(reinterpret_cast<const char*>(custdb_buffer_data(chunk)),
                  custdb_buffer_size(chunk));
      custdb_buffer_free(chunk);
    }
    custdb_cursor_free(content);
    EXPECT(read == FileContents(n), line.c_str());
  } else {
    EXPECT(false, "unknown log line");
  }
  custdb_buffer_free(out);
}

// Reopens the store, checks every acknowledged line and the checker.
size_t Verify(const std::string& store_path, const std::string& log_path) {
  custdb_store* store = nullptr;
  EXPECT(custdb_store_open(&store, store_path.c_str(), nullptr) == CUSTDB_OK,
         "reopen after the kill");
  if (store == nullptr) return 0;
  std::ifstream log(log_path);
  std::string text((std::istreambuf_iterator<char>(log)),
                   std::istreambuf_iterator<char>());
  // A line the kill cut short was never acknowledged.
  size_t complete = text.rfind('\n');
  text = complete == std::string::npos ? "" : text.substr(0, complete + 1);
  std::istringstream lines(text);
  std::string line;
  size_t count = 0;
  while (std::getline(lines, line)) {
    VerifyLine(store, line);
    ++count;
  }
  custdb_buffer* report = nullptr;
  EXPECT(custdb_store_check(&report, store) == CUSTDB_OK, "check");
  if (report != nullptr) {
    const auto* issues = Root<fb::CheckReport>(report)->issues();
    EXPECT(issues == nullptr || issues->size() == 0,
           "the checker found differences after a kill");
    if (issues != nullptr) {
      for (const auto* issue : *issues) {
        std::fprintf(stderr, "  issue: %s\n", issue->message()->c_str());
      }
    }
  }
  custdb_buffer_free(report);
  custdb_store_close(store);
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "--writer") == 0) {
    return RunWriter(argv[2], argv[3], std::strtoull(argv[4], nullptr, 10));
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [CYCLES]\n", argv[0]);
    return 2;
  }
  uint64_t cycles = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100;
  if (const char* env = std::getenv("CUSTDB_CRASH_CYCLES")) {
    cycles = std::strtoull(env, nullptr, 10);
  }
  std::filesystem::path dir(argv[1]);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string store_path = (dir / "store").string();
  std::string log_path = (dir / "acknowledged.log").string();
  std::mt19937_64 rng(std::random_device{}());
  size_t acknowledged = 0;
  for (uint64_t cycle = 1; cycle <= cycles; ++cycle) {
    pid_t child = fork();
    if (child == 0) {
      std::string cycle_text = std::to_string(cycle);
      execl("/proc/self/exe", argv[0], "--writer", store_path.c_str(),
            log_path.c_str(), cycle_text.c_str(), static_cast<char*>(nullptr));
      std::_Exit(4);
    }
    // Kill at a random moment: before, during or after opening, in the
    // middle of a commit or of a file's chunks.
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 180));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
           "the writer ran until it was killed");
    acknowledged = Verify(store_path, log_path);
  }
  std::filesystem::remove_all(dir);
  std::printf("crash loop: %llu cycles, %zu acknowledged writes verified\n",
              static_cast<unsigned long long>(cycles), acknowledged);
  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
