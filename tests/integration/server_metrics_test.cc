// dfs-server's /metrics (admin_listen): known traffic against every server of a real cluster,
// then each server scraped and its counters checked exactly, histograms' counts against the
// requests they time; and a wrong admin_listen is a config error (exit 2) naming the key.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/raw_http.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/shell.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

std::string requests(const std::string& method, int status) {
  return "dfs_server_requests_total{method=\"" + method + "\",status=\"" + std::to_string(status) + "\"}";
}

std::string latency(const std::string& method, const std::string& suffix) {
  return "dfs_server_request_duration_seconds" + suffix + "{method=\"" + method + "\"}";
}

std::uint16_t metrics_port(const TestCluster& cluster, int i) {
  const auto port = metrics_port_in_log(cluster.log(i));
  if (!port) ADD_FAILURE() << "no 'metrics on' line in the log of server " << i << ":\n" << cluster.log(i);
  return port.value_or(0);
}

TEST(ServerMetrics, CountsKnownTrafficExactlyOnEveryServer) {
  TestCluster cluster({.extra_yaml = "admin_listen: 127.0.0.1:0\n", .verbose = false});
  for (int i = 0; i < cluster.size(); ++i) {
    SCOPED_TRACE("server " + std::to_string(i));
    const std::uint16_t port = metrics_port(cluster, i);
    ASSERT_NE(port, 0);
    const MetricsScrape before = scrape_metrics(port);
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_EQ(before.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << before.content_type;

    // 3 part PUTs of 1000, 2000 and 3000 bytes, 1 PUT of two parts of 1000 bytes, 1 commit, 1 drop,
    // 2 GETs of 1000 bytes, 1 LIST, 1 GET that finds nothing (404), all on one kept-alive connection.
    auto c = cluster.connect(i);
    const VersionId v{5000, 9};
    std::vector<RemotePath> paths;
    for (int f = 0; f < 3; ++f) {
      paths.push_back(*RemotePath::parse("/m/file" + std::to_string(f)));
      const std::string data = random_bytes(1000 * static_cast<std::size_t>(f + 1), static_cast<std::uint64_t>(f));
      ASSERT_TRUE(c.put_part(paths.back(), descriptor_for(data, v), source_of(data)).ok());
    }
    const std::string multi = random_bytes(4000, 7);
    std::vector<protocol::PartDescriptor> two;
    for (int k = 0; k < 2; ++k) {
      protocol::EntryAttributes attributes;
      attributes.kind = protocol::EntryKind::file;
      attributes.size = multi.size();
      two.push_back({k + 1, 4, v, 1000, xxh3(multi.data() + 1000 * k, 1000), attributes});
    }
    ASSERT_TRUE(c.send_parts(*RemotePath::parse("/m/multi"), two, std::string_view(multi).substr(0, 2000)).ok());
    ASSERT_TRUE(c.finish().ok());
    ASSERT_TRUE(c.commit(paths[0], v).ok());
    ASSERT_TRUE(c.drop(paths[2], v).ok());  // heal's removal of a staged version
    for (int g = 0; g < 2; ++g) {
      auto got = get_all(c, paths[0], 1);
      ASSERT_TRUE(got.ok()) << got.error().message();
      EXPECT_EQ(got->size(), 1000u);
    }
    ASSERT_TRUE(c.list(*RemotePath::parse("/m")).ok());
    EXPECT_EQ(get_all(c, *RemotePath::parse("/m/none"), 1).error().code(), Errc::not_found);
    // A method no route knows: counted under "other", whatever its name.
    EXPECT_EQ(status_of(raw_http_exchange(cluster.address(i).port,
                                          "DELETE /m/file0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
              405);

    // 11 requests: the server counts each just after its answer has left.
    const MetricsScrape after = scrape_metrics_until(port, [&](const MetricsScrape& now) {
      double counted = 0;
      for (const auto& [series, value] : now.samples) {
        if (series.starts_with("dfs_server_requests_total{")) counted += value - before.value(series);
      }
      return counted >= 11 && now.value("dfs_server_open_connections") == 1;
    });
    ASSERT_EQ(after.status, 200);
    auto delta = [&](const std::string& series) { return after.value(series) - before.value(series); };
    EXPECT_EQ(delta(requests("PUT", 201)), 4);
    EXPECT_EQ(delta(requests("PUT", 200)), 2);
    EXPECT_EQ(delta(requests("GET", 200)), 2);
    EXPECT_EQ(delta(requests("GET", 404)), 1);
    EXPECT_EQ(delta(requests("LIST", 200)), 1);
    EXPECT_EQ(delta(requests("other", 405)), 1);
    EXPECT_EQ(delta("dfs_server_parts_stored_total"), 5);  // the two-part PUT stored two
    EXPECT_EQ(delta("dfs_server_commits_total"), 1);
    EXPECT_EQ(delta("dfs_server_drops_total"), 1);
    EXPECT_EQ(delta("dfs_server_received_bytes_total"), 8000);
    EXPECT_GE(delta("dfs_server_sent_bytes_total"), 2000);
    EXPECT_EQ(delta("dfs_server_errors_total{kind=\"not_found\"}"), 1);
    EXPECT_EQ(delta("dfs_server_errors_total{kind=\"method_not_allowed\"}"), 1);

    // Every request is timed once: each method's histogram counts its requests.
    EXPECT_EQ(delta(latency("PUT", "_count")), 6);
    EXPECT_EQ(delta(latency("GET", "_count")), 3);
    EXPECT_EQ(delta(latency("LIST", "_count")), 1);
    EXPECT_EQ(delta(latency("other", "_count")), 1);
    for (const std::string method : {"GET", "PUT", "LIST", "EXIT", "other"}) {
      EXPECT_EQ(after.value("dfs_server_request_duration_seconds_bucket{method=\"" + method + "\",le=\"+Inf\"}"),
                after.value(latency(method, "_count")))
          << method;
    }
    EXPECT_GT(after.value(latency("PUT", "_sum")), 0);

    EXPECT_EQ(after.value("dfs_server_open_connections"), 1);  // `c`, kept alive
    EXPECT_EQ(after.value("dfs_server_staged_versions"), 0) << "the startup sweep found nothing staged";
    EXPECT_GT(after.value("dfs_server_disk_free_bytes"), 0);
    EXPECT_GE(after.value("dfs_server_disk_total_bytes"), after.value("dfs_server_disk_free_bytes"));
  }
}

TEST(ServerMetrics, AnswersOnlyGetMetrics) {
  TestCluster cluster({.servers = 1, .extra_yaml = "admin_listen: :0\n", .verbose = false});
  const std::uint16_t port = metrics_port(cluster, 0);
  ASSERT_NE(port, 0);
  EXPECT_EQ(scrape_metrics(port, "/metrics?x=1").status, 200);
  EXPECT_EQ(scrape_metrics(port, "/").status, 404);
  EXPECT_EQ(scrape_metrics(port, "/metrics/more").status, 404);
  EXPECT_EQ(status_of(raw_http_exchange(port, "PUT /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")), 404);
  // Not a request at all: refused, and the listener keeps answering.
  EXPECT_EQ(status_of(raw_http_exchange(port, "garbage\r\n\r\n")), 400);
  EXPECT_EQ(scrape_metrics(port).status, 200);
  // The admin listener's traffic is not the data path's.
  EXPECT_FALSE(scrape_metrics(port).has(requests("GET", 404)));
}

TEST(ServerMetrics, AWrongAdminListenIsAConfigErrorNamingTheKey) {
  ScratchDir dir("dfs-metrics-config");
  for (const std::string value : {"localhost:9100", "127.0.0.1:99999", "nine"}) {
    const auto config = dir / "dfs.yaml";
    std::ofstream(config) << "root: " << (dir / "root").string() << "\nlisten: 127.0.0.1:0\nadmin_listen: " << value
                          << "\n";
    const auto result =
        run_shell(std::string(DFS_SERVER_BINARY) + " --config " + shell_quote(config.string()) + " 2>&1", 30);
    EXPECT_EQ(result.exit_code, 2) << value << ": " << result.output;
    EXPECT_NE(result.output.find("admin_listen"), std::string::npos) << result.output;
  }
}

}  // namespace
}  // namespace dfs
