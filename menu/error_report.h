// How dfc tells a person what went wrong: exactly one line on stderr per failure,
// "dfc: <message>", and the exit code DESIGN.md promises for the error's kind
// (0 ok, 1 operation failed, 2 usage or config error, 3 file incomplete or not found).
#pragma once

#include <ostream>

#include "common/error.h"

namespace dfs::menu {

// Prints "dfc: <message>" on one line and returns exit_code(error.code()).
int report_failure(std::ostream& err, const Error& error);
// Prints "dfc: warning: <message>" on one line (the command goes on).
void report_warning(std::ostream& err, const Error& error);

}  // namespace dfs::menu
