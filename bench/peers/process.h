// Child processes and scratch directories for the peer servers.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace custdb::bench {

// A directory under the system's temporary directory, removed with
// everything in it when the object is destroyed.
class ScratchDir {
 public:
  // Creates "<tmp>/<prefix>XXXXXX"; throws std::runtime_error on failure.
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The identity a server runs as. PostgreSQL refuses to run as root, so a
// harness started by root runs it as an unprivileged system user.
struct RunAs {
  bool drop = false;  // false: the harness's own identity
  uid_t uid = 0;
  gid_t gid = 0;
};

// The identity for PostgreSQL: the caller's own when it is not root;
// otherwise the system user `name`, created (no home, no login shell)
// when it does not exist. Throws std::runtime_error when it cannot.
RunAs ServerIdentity(const std::string& name);

// Makes `path` owned by `who` (nothing when who.drop is false).
void GiveTo(const std::filesystem::path& path, const RunAs& who);

// Starts `argv[0]` (a full path) with its output appended to `log`.
// With `die_with_harness`, the child is sent SIGQUIT if the harness dies,
// so that a killed harness leaves no server behind. Returns the child's
// pid; throws std::runtime_error when it cannot fork.
pid_t Spawn(const std::vector<std::string>& argv, const RunAs& who,
            const std::filesystem::path& log, bool die_with_harness);

// Runs a program to its end; returns its exit status (128 + signal when
// it was killed).
int RunToEnd(const std::vector<std::string>& argv, const RunAs& who,
             const std::filesystem::path& log);

// Waits for `pid` to exit for at most `seconds`; true when it did.
bool WaitForExit(pid_t pid, double seconds);

// The last `lines` lines of a text file, for error messages.
std::string TailOf(const std::filesystem::path& file, int lines);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

// Total size of the regular files under `path` (or of the file itself).
uint64_t BytesOnDisk(const std::filesystem::path& path);

}  // namespace custdb::bench
