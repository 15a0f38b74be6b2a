// The seed's interactive menu: PUT, GET, LIST, EXIT. It shows the menu, reads a command and a
// file name (on the same line, "PUT a.txt", or asked for when missing), runs it, and shows the
// menu again. A failed command prints one line and the menu goes on; EXIT or the end of the
// input leaves with 0. Streams are passed in, so tests drive it without a terminal.
#pragma once

#include <istream>
#include <string>
#include <string_view>

#include "menu/commands.h"

namespace dfs::menu {

enum class MenuVerb { none, put, get, list, exit, unknown };

struct MenuRequest {
  MenuVerb verb = MenuVerb::none;
  std::string word;      // the command as typed, for messages
  std::string argument;  // the rest of the line, trimmed; "" when missing
};

// Case-insensitive: "put a.txt", "PUT  my file.txt" (names may hold spaces), "list", "Exit".
MenuRequest parse_menu_line(std::string_view line);

// PUT stores a local file at /<its name>, GET fetches /<name> into ./<its last component>,
// LIST lists every entry below the root (or below the directory given).
int run_menu(CommandContext& ctx, std::istream& in);

}  // namespace dfs::menu
