#pragma once
// Runs a program as a subprocess with a clean environment, for the CLI tests.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pactwatch::testing {

/** What a finished subprocess printed and how it ended. */
struct ProcessResult {
  int exit_code = -1;  ///< the exit status, or 128+signal when killed
  std::string out;
  std::string err;
  /** stderr split into non-empty lines. */
  std::vector<std::string> err_lines() const;
};

using EnvVars = std::map<std::string, std::string>;

/** A running subprocess whose stdout and stderr go to files in `dir`. */
class Subprocess {
 public:
  /** Starts `args[0]` with `args`, only `env` (plus PATH) as environment, in `cwd`. */
  Subprocess(const std::vector<std::string>& args, const EnvVars& env, const std::filesystem::path& cwd);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;
  /** Sends `signal`. */
  void signal(int signal);
  /** Waits for the exit and returns the result. */
  ProcessResult wait();

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_file_, err_file_;
  bool reaped_ = false;
};

/** Runs to completion. */
ProcessResult run_process(const std::vector<std::string>& args, const EnvVars& env,
                          const std::filesystem::path& cwd);

/** Sends "GET path" over a fresh TCP connection to 127.0.0.1:port and returns the raw response. */
std::string http_get(int port, const std::string& path);

/** Sends `request` (raw bytes, "Connection: close" expected) to 127.0.0.1:port; the raw response. */
std::string http_send(int port, const std::string& request);

/** A server (`pactwatch serve …`) in the background, with the port it logged in its "started" line. */
class RunningServer {
 public:
  /** Starts `args` (the program first) and waits up to 30 s for the "started" line or the exit. */
  RunningServer(std::vector<std::string> args, const EnvVars& env, const std::filesystem::path& cwd);
  RunningServer(RunningServer&&) = delete;
  int port() const { return port_; }
  std::string log() const { return process_.err(); }
  ProcessResult stop(int signal);

 private:
  Subprocess process_;
  int port_ = 0;
};

}  // namespace pactwatch::testing
