#include "tests/support/dfc_process.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/scratch_dir.h"
#include "tests/support/shell.h"

namespace dfs::testing {
namespace {

void write_text(const std::filesystem::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void write_dfc_yaml(const TestCluster& cluster, const client::Credentials& credentials,
                    const std::filesystem::path& file) {
  std::string text = "servers:\n";
  for (const auto& server : cluster.addresses()) {
    text += "  - name: " + server.name + "\n    address: " + server.host + ":" + std::to_string(server.port) + "\n";
  }
  text += "user: " + credentials.user + "\npassword: " + credentials.password + "\n";
  if (const auto& tls = cluster.address(0).tls; tls.enabled) {
    text += "tls: true\n";
    if (!tls.ca_file.empty()) text += "tls_ca_file: " + tls.ca_file + "\n";
  }
  write_text(file, text);
}

void write_dfc_conf(const TestCluster& cluster, const client::Credentials& credentials,
                    const std::filesystem::path& file) {
  std::string text;
  int number = 1;
  for (const auto& server : cluster.addresses()) {
    text += "Server DFS" + std::to_string(number++) + " " + server.host + ":" + std::to_string(server.port) + "\n";
  }
  text += "Username: " + credentials.user + "\nPassword: " + credentials.password + "\n";
  write_text(file, text);
}

std::vector<std::string> DfcResult::err_lines() const {
  std::vector<std::string> lines;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

DfcResult run_dfc(const std::vector<std::string>& args, const std::filesystem::path& working_dir,
                  std::string_view input, int timeout_seconds) {
  // stdin and stderr go through files outside `working_dir`, which tests inspect.
  const ScratchDir io("dfc-io");
  write_text(io / "stdin", input);
  std::string command = "cd " + shell_quote(working_dir.string()) + " && " + shell_quote(DFS_DFC_BINARY);
  for (const auto& arg : args) command.append(" ").append(shell_quote(arg));
  command.append(" <").append(shell_quote((io / "stdin").string()));
  command.append(" 2>").append(shell_quote((io / "stderr").string()));
  const CommandResult ran = run_shell(command, timeout_seconds);
  return {ran.exit_code, ran.output, read_text(io / "stderr")};
}

}  // namespace dfs::testing
