#include "tests/cli/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pactwatch::testing {
namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> ProcessResult::err_lines() const {
  std::vector<std::string> lines;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

Subprocess::Subprocess(const std::vector<std::string>& args, const EnvVars& env,
                       const std::filesystem::path& cwd) {
  static std::atomic<int> counter{0};
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  out_file_ = std::filesystem::temp_directory_path() / ("pactwatch-cli-" + tag + ".out");
  err_file_ = std::filesystem::temp_directory_path() / ("pactwatch-cli-" + tag + ".err");

  // Everything the child needs is prepared before fork(): the child only calls async-signal-safe functions.
  std::vector<std::string> env_strings;
  const char* path = std::getenv("PATH");
  env_strings.push_back(std::string("PATH=") + (path ? path : "/usr/bin:/bin"));
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args_copy = args;
  for (auto& s : args_copy)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  const int out_fd = ::open(out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) throw std::runtime_error("cannot create output files");

  pid_ = ::fork();
  if (pid_ == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  ::close(null_fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

Subprocess::~Subprocess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove(out_file_, ec);
  std::filesystem::remove(err_file_, ec);
}

std::string Subprocess::out() const {
  return slurp(out_file_);
}
std::string Subprocess::err() const {
  return slurp(err_file_);
}
void Subprocess::signal(int signal) {
  ::kill(pid_, signal);
}

ProcessResult Subprocess::wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  reaped_ = true;
  ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = out();
  result.err = err();
  return result;
}

ProcessResult run_process(const std::vector<std::string>& args, const EnvVars& env,
                          const std::filesystem::path& cwd) {
  Subprocess process(args, env, cwd);
  return process.wait();
}

RunningServer::RunningServer(std::vector<std::string> args, const EnvVars& env,
                             const std::filesystem::path& cwd)
    : process_(args, env, cwd) {
  // Wait for the "started" line; the loop ends when the process prints it or exits.
  const std::regex port_re(R"re("event":"started".*"port":(\d+))re");
  for (int i = 0; i < 3000 && port_ == 0; ++i) {
    std::smatch m;
    const std::string err = process_.err();
    if (std::regex_search(err, m, port_re)) port_ = std::stoi(m[1]);
    if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ProcessResult RunningServer::stop(int signal) {
  process_.signal(signal);
  return process_.wait();
}

std::string http_get(int port, const std::string& path) {
  return http_send(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

std::string http_send(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
        response.append(buffer, n);
    }
  }
  ::close(fd);
  return response;
}

}  // namespace pactwatch::testing
