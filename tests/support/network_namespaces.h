// Test hosts: K network namespaces this test makes, each a "host" with its own address, so
// servers can run as separate machines and a test can cut one off the network.
//
//   root namespace (the test: client)       switch namespace            host namespaces
//     dfst<X>  10.213.X.254/24  <-- veth -->  uplink ─┐                   ┌─ eth0 10.213.X.1  (host 0)
//                                                    br0 ── h1 <-- veth -┘
//                                                        ── h2 <-- veth -── eth0 10.213.X.2  (host 1) ...
//
// The bridge lives in a namespace of its own, so nothing of the root namespace is touched but
// the one veth end it owns (the root's bridge netfilter and firewall never see the hosts'
// traffic, and host-to-host traffic, e.g. a mount in one host reaching servers in the others,
// stays on the bridge). X is a /24 of 10.213.0.0/16 that no interface or route of this machine
// uses, picked under a lock file so parallel test processes never share one; every name holds X
// and the owner's pid ("dfs-test-<X>-<pid>-h1"), and creation first sweeps what processes that
// died left behind. The destructor deletes everything it made, also after a failed test.
//
// A blackhole drops every frame to and from a host at both ends of its veth (the `blackhole`
// qdisc, always built into the kernel: netem and nftables are not everywhere): the host's
// peers see silence, never a refusal, so a client pays its timeouts as with a dead machine.
//
// Commands run in a host with `nsenter --net`, not `ip netns exec`: the latter also unshares the
// mount namespace, which would hide a FUSE mount made in a host from the test.
//
// Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN).
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "tests/support/shell.h"

namespace dfs::testing {

class TestHosts {
 public:
  // Makes `count` hosts (1..200); throws std::runtime_error saying what failed, with nothing
  // left behind.
  explicit TestHosts(int count);
  ~TestHosts();
  TestHosts(const TestHosts&) = delete;
  TestHosts& operator=(const TestHosts&) = delete;

  int size() const { return static_cast<int>(hosts_.size()); }
  // Host i's namespace name ("dfs-test-<X>-<pid>-h<i+1>") and address ("10.213.X.<i+1>").
  const std::string& name(int i) const;
  std::string address(int i) const;
  // The root namespace's address on the hosts' network.
  std::string client_address() const;
  // Put before a program's argv to run it in host i: {"/usr/bin/nsenter", "--net=...", "--"}.
  std::vector<std::string> command_prefix(int i) const;
  // `command` run by bash in host i (stderr merged), bounded like run_shell.
  CommandResult run(int i, const std::string& command, int timeout_seconds = 30) const;

  // Drops every frame to and from host i until restore(i). Both are idempotent.
  Status blackhole(int i);
  Status restore(int i);
  bool blackholed(int i) const { return hosts_.at(static_cast<std::size_t>(i)).blackholed; }

 private:
  struct Host {
    std::string name;
    bool blackholed = false;
  };
  std::string namespace_name(const std::string& role) const;
  std::string setup_script() const;
  // Deletes every namespace and the root veth of this instance; safe on a half-made one.
  void remove_all() const;

  int subnet_ = -1;  // X of 10.213.X.0/24
  std::string root_link_;
  std::string switch_name_;
  std::vector<Host> hosts_;
};

}  // namespace dfs::testing
