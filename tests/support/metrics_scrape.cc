#include "tests/support/metrics_scrape.h"

#include <thread>

#include <cstdlib>

#include "tests/support/raw_http.h"

namespace dfs::testing {
namespace {

std::string lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The value of header `name` (lower case) in a raw header block, "" when absent.
std::string header_value(const std::string& head, const std::string& name) {
  const std::string lower = lowercase(head);
  const auto at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  auto start = at + 2 + name.size() + 1;
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

double MetricsScrape::value(const std::string& series) const {
  const auto it = samples.find(series);
  return it == samples.end() ? 0 : it->second;
}

MetricsScrape scrape_metrics(std::uint16_t port, std::string_view target, std::chrono::milliseconds timeout) {
  const std::string answer = raw_http_exchange(
      port, "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout);
  MetricsScrape scrape;
  scrape.status = status_of(answer);
  const auto end_of_head = answer.find("\r\n\r\n");
  if (end_of_head == std::string::npos) return scrape;
  scrape.content_type = header_value(answer.substr(0, end_of_head + 2), "content-type");
  scrape.body = answer.substr(end_of_head + 4);
  std::size_t pos = 0;
  while (pos < scrape.body.size()) {
    const auto end = scrape.body.find('\n', pos);
    const std::string line = scrape.body.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? scrape.body.size() : end + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    scrape.samples[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return scrape;
}

std::optional<std::uint16_t> metrics_port_in_log(const std::string& log) {
  constexpr std::string_view marker = "metrics on http://";
  const auto at = log.rfind(marker);  // the last start's
  if (at == std::string::npos) return std::nullopt;
  const auto slash = log.find("/metrics", at + marker.size());
  const auto colon = log.rfind(':', slash);
  if (slash == std::string::npos || colon == std::string::npos || colon < at) return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(log.substr(colon + 1, slash - colon - 1)));
}

MetricsScrape scrape_metrics_until(std::uint16_t port, const std::function<bool(const MetricsScrape&)>& done,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    MetricsScrape scrape = scrape_metrics(port);
    if (done(scrape) || std::chrono::steady_clock::now() >= deadline) return scrape;
    // The poll interval of a bounded wait for a condition, not a guess at how long it takes.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace dfs::testing
