#include "menu/error_report.h"

#include <string>

namespace dfs::menu {
namespace {

// Scripts read stderr line by line: a message that carries a server's multi-line answer or a
// stray control character still has to arrive as one readable line.
std::string one_line(const std::string& message) {
  std::string line;
  line.reserve(message.size());
  for (const char c : message) {
    if (c == '\n') {
      line += "; ";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      line += ' ';
    } else {
      line += c;
    }
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == ';')) line.pop_back();
  return line;
}

}  // namespace

int report_failure(std::ostream& err, const Error& error) {
  err << "dfc: " << one_line(error.message()) << '\n';
  err.flush();
  return exit_code(error.code());
}

void report_warning(std::ostream& err, const Error& error) {
  err << "dfc: warning: " << one_line(error.message()) << '\n';
  err.flush();
}

}  // namespace dfs::menu
