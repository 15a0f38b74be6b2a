// Lets a shell script ask this process to remount its FUSE mount: a listener on an ephemeral
// 127.0.0.1 port, served by one thread, one request at a time. The script runs command(), which
// connects with bash's /dev/tcp, sends "remount" and waits (up to 120 s) for "ok" or
// "error: WHY"; it fails, with WHY on its stderr, unless the answer is "ok". This is how
// workload.sh's REMOUNT_CMD unmounts and mounts dfs-fuse again while dfs-fuse stays a child of
// the bench: its pid (for VmHWM), its log and its end (it dies with the bench) stay in reach.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "common/error.h"
#include "common/unique_fd.h"

namespace dfs::bench {

class RemountService {
 public:
  // `remount` runs on the service's thread for each request. Throws when it cannot listen.
  explicit RemountService(std::function<Status()> remount);
  ~RemountService();  // stops and joins the thread; a request being served is finished first
  RemountService(const RemountService&) = delete;
  RemountService& operator=(const RemountService&) = delete;

  // The shell command that asks for one remount (for `eval` in a bash script).
  std::string command() const;

 private:
  void serve();
  void answer(const UniqueFd& connection);

  std::function<Status()> remount_;
  UniqueFd listener_;
  UniqueFd stop_read_, stop_write_;  // a byte on this pipe ends serve()
  int port_ = 0;
  std::thread thread_;
};

}  // namespace dfs::bench
