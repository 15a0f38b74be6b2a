// Running the real `dfc` binary in tests: client configuration files (YAML and the classic
// dfc.conf) for a TestCluster, and one bounded run with stdout and stderr kept apart, so a test
// can hold dfc to its promises (silent success, exactly one "dfc: ..." line per failure).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "client-core/server_connection.h"
#include "tests/support/test_cluster.h"

namespace dfs::testing {

// dfc.yaml naming every server of `cluster` in placement order, with `credentials` (and the
// cluster's client TLS settings).
void write_dfc_yaml(const TestCluster& cluster, const client::Credentials& credentials,
                    const std::filesystem::path& file);
// The classic format: "Server DFS1 127.0.0.1:PORT" lines, "Username:", "Password:".
void write_dfc_conf(const TestCluster& cluster, const client::Credentials& credentials,
                    const std::filesystem::path& file);

struct DfcResult {
  int exit_code = -1;  // 124 when it ran out of time
  std::string out;
  std::string err;
  std::vector<std::string> err_lines() const;
};

// Runs `dfc args...` in `working_dir` with `input` on stdin, killed after `timeout_seconds`.
DfcResult run_dfc(const std::vector<std::string>& args, const std::filesystem::path& working_dir,
                  std::string_view input = "", int timeout_seconds = 60);

}  // namespace dfs::testing
