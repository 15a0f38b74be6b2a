// Pins common/metrics_registry.h: the Prometheus text format 0.0.4 as rendered, label and HELP
// escaping, histograms' cumulative _bucket lines with _sum and _count, and values read at render
// time; and common/host_port.h's admin_listen form (HOST:PORT, :PORT, PORT).
#include "common/metrics_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "common/host_port.h"

namespace dfs::metrics {
namespace {

TEST(MetricsRegistry, CounterFamilyRendersHelpTypeAndOneLinePerChild) {
  MetricsRegistry registry;
  auto& requests = registry.counter_family("dfs_requests_total", "Requests answered.", {"method", "status"});
  requests.with({"PUT", "201"}).add(3);
  requests.with({"GET", "200"}).add();
  requests.with({"GET", "200"}).add();
  EXPECT_EQ(registry.render(),
            "# HELP dfs_requests_total Requests answered.\n"
            "# TYPE dfs_requests_total counter\n"
            "dfs_requests_total{method=\"GET\",status=\"200\"} 2\n"
            "dfs_requests_total{method=\"PUT\",status=\"201\"} 3\n");
}

TEST(MetricsRegistry, UnlabelledMetricsHaveNoBraces) {
  MetricsRegistry registry;
  registry.counter("dfs_commits_total", "Commits.").add(7);
  registry.gauge("dfs_open_connections", "Open connections.").set(-2);
  EXPECT_EQ(registry.render(),
            "# HELP dfs_commits_total Commits.\n"
            "# TYPE dfs_commits_total counter\n"
            "dfs_commits_total 7\n"
            "# HELP dfs_open_connections Open connections.\n"
            "# TYPE dfs_open_connections gauge\n"
            "dfs_open_connections -2\n");
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.counter_family("dfs_odd_total", "Odd labels.", {"path"}).with({"a\\b\"c\nd"}).add();
  const std::string text = registry.render();
  EXPECT_NE(text.find("dfs_odd_total{path=\"a\\\\b\\\"c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, HelpIsEscapedButKeepsQuotes) {
  EXPECT_EQ(escape_help("a \"b\" \\ c\nd"), "a \"b\" \\\\ c\\nd");
  EXPECT_EQ(escape_label_value("plain"), "plain");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  auto& latency = registry.histogram_family("dfs_latency_seconds", "Latency.", {"method"}, {0.1, 1, 5});
  auto& put = latency.with({"PUT"});
  put.observe(0.05);
  put.observe(0.1);  // on the bound: counts in that bucket (le = less or equal)
  put.observe(2);
  put.observe(100);
  EXPECT_EQ(registry.render(),
            "# HELP dfs_latency_seconds Latency.\n"
            "# TYPE dfs_latency_seconds histogram\n"
            "dfs_latency_seconds_bucket{method=\"PUT\",le=\"0.1\"} 2\n"
            "dfs_latency_seconds_bucket{method=\"PUT\",le=\"1\"} 2\n"
            "dfs_latency_seconds_bucket{method=\"PUT\",le=\"5\"} 3\n"
            "dfs_latency_seconds_bucket{method=\"PUT\",le=\"+Inf\"} 4\n"
            "dfs_latency_seconds_sum{method=\"PUT\"} 102.15\n"
            "dfs_latency_seconds_count{method=\"PUT\"} 4\n");
}

TEST(MetricsRegistry, UnlabelledHistogramHasOnlyTheLeLabel) {
  MetricsRegistry registry;
  registry.histogram("dfs_commit_seconds", "Commit.", {1}).observe(0.5);
  const std::string text = registry.render();
  EXPECT_NE(text.find("dfs_commit_seconds_bucket{le=\"1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("dfs_commit_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("dfs_commit_seconds_sum 0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("dfs_commit_seconds_count 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, FunctionsAreReadAtRenderTime) {
  MetricsRegistry registry;
  double free_bytes = 10;
  registry.gauge_function("dfs_disk_free_bytes", "Free.", [&] { return free_bytes; });
  registry.counter_function("dfs_degraded_total", "Degraded.", [] { return 4.0; });
  free_bytes = 123456789012;
  EXPECT_EQ(registry.render(),
            "# HELP dfs_disk_free_bytes Free.\n"
            "# TYPE dfs_disk_free_bytes gauge\n"
            "dfs_disk_free_bytes 123456789012\n"
            "# HELP dfs_degraded_total Degraded.\n"
            "# TYPE dfs_degraded_total counter\n"
            "dfs_degraded_total 4\n");
}

TEST(MetricsRegistry, ValuesFormatAsPrometheusReadsThem) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(0.0025), "0.0025");
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(-2.5), "-2.5");
  EXPECT_EQ(format_value(1e-9), "1e-09");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(MetricsRegistry, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  auto& family = registry.counter_family("dfs_ops_total", "Ops.", {"op"});
  auto& histogram = registry.histogram("dfs_op_seconds", "Op time.", latency_buckets_seconds());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10'000; ++i) {
        family.with({t % 2 == 0 ? "even" : "odd"}).add();
        histogram.observe(0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.with({"even"}).value(), 20'000u);
  EXPECT_EQ(family.with({"odd"}).value(), 20'000u);
  EXPECT_EQ(histogram.count(), 40'000u);
  EXPECT_NEAR(histogram.sum(), 40.0, 1e-6);
}

}  // namespace
}  // namespace dfs::metrics

namespace dfs {
namespace {

TEST(BindAddress, HostDefaultsToLoopback) {
  auto port_only = parse_bind_address("9100");
  ASSERT_TRUE(port_only.ok()) << port_only.error().message();
  EXPECT_EQ(port_only->host, "127.0.0.1");
  EXPECT_EQ(port_only->port, 9100);
  auto colon_port = parse_bind_address(":0");
  ASSERT_TRUE(colon_port.ok()) << colon_port.error().message();
  EXPECT_EQ(colon_port->display(), "127.0.0.1:0");
}

TEST(BindAddress, TakesIpAddressesOnly) {
  auto v4 = parse_bind_address("0.0.0.0:9101");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->display(), "0.0.0.0:9101");
  auto v6 = parse_bind_address("[::1]:9102");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->display(), "[::1]:9102");
  auto name = parse_bind_address("localhost:9100");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().code(), Errc::config);
  EXPECT_NE(name.error().message().find("not an IP address"), std::string::npos);
}

TEST(BindAddress, RefusesWhatIsNoPort) {
  for (const char* text : {"", ":", "abc", "99999", ":-1", "127.0.0.1:"}) {
    auto parsed = parse_bind_address(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code(), Errc::config) << text;
    }
  }
}

}  // namespace
}  // namespace dfs
