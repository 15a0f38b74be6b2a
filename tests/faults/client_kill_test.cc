// The client SIGKILLed at a random moment of a large dfc put (mostly between its part PUTs and
// its commit): the file reads as the old version or, if the commit got out, the new one, never
// a mix; heal drops what the dead writer staged, and nothing staged is left on any server.
// A server may still finish a part whose bytes had all arrived before the kill, so the test
// waits until every server has closed the dead client's connections (their metrics say so).
#include <gtest/gtest.h>

#include <csignal>

#include "client-core/dfs_client.h"
#include "tests/faults/fault_support.h"
#include "tests/support/child_process.h"
#include "tests/support/client_fixture.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/part_fixtures.h"

namespace dfs {
namespace {

using namespace dfs::testing;
namespace fs = std::filesystem;

TEST(ClientKill, ADfcPutKilledMidwayLeavesTheOldVersionAndHealCleansUp) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.extra_yaml = "admin_listen: 127.0.0.1:0\n", .verbose = false});
  const auto config = fault_client_config(cluster, 2);
  const auto yaml = cluster.scratch() / "dfc.yaml";
  write_client_yaml(config, yaml);
  const std::string file = "/big.bin";
  WrittenVersions written;
  const auto first = written.attempt(file, random_bytes(100'000, seed));
  {
    client::DfsClient first_writer(config);  // gone before the kill: its connections close
    ASSERT_TRUE(put_bytes(first_writer, remote(file), random_bytes(100'000, seed)).ok());
  }
  written.succeeded(file, first);

  const auto local = cluster.scratch() / "big.local";
  write_pseudo_random_file(local, 48ull << 20, seed + 1);
  written.attempt(file, read_local_file(local));
  auto dfc = ChildProcess::spawn({DFS_DFC_BINARY, "put", local.string(), file, "--config", yaml.string()},
                                 cluster.scratch() / "dfc.err");
  ASSERT_TRUE(dfc.ok()) << dfc.error().message();
  // The kill comes once the servers have stored a random number of the put's 8 part copies: at
  // 8 the parts are all staged and only the commit is missing.
  std::vector<std::uint16_t> ports;
  for (int s = 0; s < 4; ++s) ports.push_back(metrics_port_in_log(cluster.log(s)).value_or(0));
  const auto stored = [&] {
    double parts = 0;
    for (const auto port : ports) parts += scrape_metrics(port).value("dfs_server_parts_stored_total");
    return parts;
  };
  const double before_put = 8;  // the first version's part copies
  const auto kill_after = static_cast<double>(1 + rng() % 8);
  scrape_metrics_until(ports[0], [&](const MetricsScrape&) { return stored() >= before_put + kill_after; },
                       std::chrono::seconds(30));
  dfc->signal(SIGKILL);
  const auto exit = dfc->wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  for (int s = 0; s < 4; ++s) {
    const auto port = metrics_port_in_log(cluster.log(s));
    ASSERT_TRUE(port.has_value()) << cluster.log(s);
    const auto idle = scrape_metrics_until(*port, [](const MetricsScrape& m) {
      return m.status == 200 && m.value("dfs_server_open_connections") == 0;
    });
    ASSERT_EQ(idle.value("dfs_server_open_connections"), 0) << "server " << s << " still serves the dead client";
  }

  client::DfsClient client(config);
  CallClock clock(kCallBound);
  auto got = clock.time("get", [&] { return get_bytes(client, remote(file), cluster.scratch() / "got"); });
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(written.check(file, *got), "");

  const auto report = heal_everything(client, {.staged_grace = std::chrono::seconds(0)});
  EXPECT_TRUE(report.complete());
  for (int s = 0; s < 4; ++s) {
    for (const auto& p : parts_on_disk(cluster.root(s), cluster.credentials().user, remote(file))) {
      EXPECT_TRUE(p.committed) << "server " << s << " still holds staged part " << p.part;
    }
  }
  EXPECT_TRUE(status_of(client).healthy());
  auto again = get_bytes(client, remote(file), cluster.scratch() / "got");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == *got) << "heal changed what readers get";
  std::cerr << "dfc killed (exit " << *exit << "); heal dropped " << report.staged_dropped << " staged versions; "
            << clock.summary() << "\n";
}

}  // namespace
}  // namespace dfs
