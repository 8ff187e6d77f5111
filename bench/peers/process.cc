#include "process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace custdb::bench {
namespace fs = std::filesystem;

namespace {

std::runtime_error SystemError(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

ScratchDir::ScratchDir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX"));
  if (mkdtemp(pattern.data()) == nullptr) {
    throw SystemError("mkdtemp " + pattern);
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

RunAs ServerIdentity(const std::string& name) {
  if (geteuid() != 0) return RunAs{};

  if (getpwnam(name.c_str()) == nullptr) {
    fprintf(stderr,
            "custdb-bench-dupes: running as root; creating the system user "
            "%s to run PostgreSQL\n",
            name.c_str());
    int status = RunToEnd(
        {"/usr/sbin/useradd", "--system", "--user-group", "--no-create-home",
         "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name},
        RunAs{}, "/dev/stderr");
    if (status != 0) {
      throw std::runtime_error("useradd " + name + " failed");
    }
  }
  const passwd* user = getpwnam(name.c_str());
  if (user == nullptr) throw std::runtime_error("no user " + name);
  return RunAs{true, user->pw_uid, user->pw_gid};
}

void GiveTo(const fs::path& path, const RunAs& who) {
  if (!who.drop) return;
  if (chown(path.c_str(), who.uid, who.gid) != 0) {
    throw SystemError("chown " + path.string());
  }
}

pid_t Spawn(const std::vector<std::string>& argv, const RunAs& who,
            const fs::path& log, bool die_with_harness) {
  // Everything the child needs is prepared before fork: between fork and
  // exec only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::string log_path = log.string();
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) throw SystemError("fork");
  if (pid > 0) return pid;

  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    close(null_fd);
  }
  if (who.drop) {
    if (setgroups(0, nullptr) != 0 || setgid(who.gid) != 0 ||
        setuid(who.uid) != 0) {
      _exit(126);
    }
  }
  // Set after the change of identity, which would clear it.
  if (die_with_harness) {
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != parent) _exit(125);
  }
  execv(args[0], args.data());
  _exit(127);
}

int RunToEnd(const std::vector<std::string>& argv, const RunAs& who,
             const fs::path& log) {
  pid_t pid = Spawn(argv, who, log, true);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw SystemError("waitpid");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

bool WaitForExit(pid_t pid, double seconds) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string TailOf(const fs::path& file, int lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string text;
  for (const std::string& kept : last) text += "    " + kept + "\n";
  return text;
}

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw SystemError("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    close(fd);
    throw SystemError("bind 127.0.0.1:0");
  }
  close(fd);
  return ntohs(address.sin_port);
}

uint64_t BytesOnDisk(const fs::path& path) {
  std::error_code error;
  if (fs::is_regular_file(path, error)) return fs::file_size(path, error);
  uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, error);
       !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    if (it->is_regular_file(error)) total += it->file_size(error);
  }
  return total;
}

}  // namespace custdb::bench
