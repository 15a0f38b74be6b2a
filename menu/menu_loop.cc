#include "menu/menu_loop.h"

#include <algorithm>
#include <cctype>

#include "menu/error_report.h"

namespace dfs::menu {
namespace {

constexpr std::string_view kMenu =
    "\n"
    "dfs menu\n"
    "  PUT  <file>   store a local file at /<its name>\n"
    "  GET  <name>   fetch /<name> into the current directory\n"
    "  LIST          list every file (ones that cannot be rebuilt say [incomplete])\n"
    "  EXIT          leave\n";
constexpr std::string_view kPrompt = "dfc> ";

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The file name for PUT or GET: from the command's line, else asked for. nullopt at the end of input.
std::optional<std::string> file_name(CommandContext& ctx, std::istream& in, const MenuRequest& request) {
  if (!request.argument.empty()) return request.argument;
  ctx.out << "File name: " << std::flush;
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  return std::string(trim(line));
}

}  // namespace

MenuRequest parse_menu_line(std::string_view line) {
  const std::string_view text = trim(line);
  if (text.empty()) return {};
  const auto space =
      std::find_if(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
  MenuRequest request;
  request.word = std::string(text.begin(), space);
  request.argument = std::string(trim(std::string_view(space, text.end())));
  const std::string verb = upper(request.word);
  request.verb = verb == "PUT"    ? MenuVerb::put
                 : verb == "GET"  ? MenuVerb::get
                 : verb == "LIST" ? MenuVerb::list
                 : verb == "EXIT" ? MenuVerb::exit
                                  : MenuVerb::unknown;
  return request;
}

int run_menu(CommandContext& ctx, std::istream& in) {
  for (;;) {
    ctx.out << kMenu << kPrompt << std::flush;
    std::string line;
    if (!std::getline(in, line)) break;
    const MenuRequest request = parse_menu_line(line);
    switch (request.verb) {
      case MenuVerb::none:
        break;
      case MenuVerb::exit:
        return 0;
      case MenuVerb::unknown:
        report_failure(ctx.err, Error(Errc::invalid_argument,
                                      "unknown command '" + request.word + "'; choose PUT, GET, LIST or EXIT"));
        break;
      case MenuVerb::list:
        tree_command(ctx, request.argument.empty() ? "/" : request.argument);
        break;
      case MenuVerb::put:
      case MenuVerb::get: {
        const auto name = file_name(ctx, in, request);
        if (!name) return 0;
        if (name->empty()) {
          report_failure(ctx.err, Error(Errc::invalid_argument, upper(request.word) + " needs a file name"));
        } else if (request.verb == MenuVerb::put) {
          put_command(ctx, *name, std::nullopt);
        } else {
          get_command(ctx, *name, std::nullopt);
        }
        break;
      }
    }
    ctx.out.flush();
  }
  ctx.out << "\n" << std::flush;  // the end of input (Ctrl-D) leaves the prompt's line finished
  return 0;
}

}  // namespace dfs::menu
