// The progress bar of dfc: the pure line formatter, and the ticker's promise to draw nothing
// off a terminal or for a quick transfer.
#include "menu/progress_bar.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <streambuf>

namespace dfs::menu {
namespace {

using Seconds = std::chrono::duration<double>;

TEST(ProgressFormat, ShowsNameBarPercentRateAndEta) {
  // 450 MB of 1 GB in 1.44 s: 312.5 MB/s, 550 MB left = 1.76 s.
  EXPECT_EQ(format_progress("big.iso", {450'000'000, 1'000'000'000, Seconds(1.44)}, 80),
            "big.iso  [==========>             ]   45%  312.5 MB/s  ETA 0:02");
}

TEST(ProgressFormat, FullBarAtTheEnd) {
  EXPECT_EQ(format_progress("a", {2'000'000, 2'000'000, Seconds(2)}, 80),
            "a  [========================]  100%    1.0 MB/s  ETA 0:00");
}

TEST(ProgressFormat, AZeroByteFileIsDoneAndTheRateIsUnknownAtTheStart) {
  const std::string line = format_progress("empty", {0, 0, Seconds(0)}, 80);
  EXPECT_NE(line.find("100%"), std::string::npos) << line;
  EXPECT_NE(line.find("0 B/s  ETA -:--"), std::string::npos) << line;
}

TEST(ProgressFormat, ALongNameIsShortenedToFitTheTerminal) {
  const std::string name(200, 'n');
  for (const int columns : {60, 80, 120}) {
    const std::string line = format_progress(name, {1, 2, Seconds(1)}, columns);
    EXPECT_EQ(line.size(), static_cast<std::size_t>(columns)) << line;
    EXPECT_NE(line.find("n...  ["), std::string::npos) << line;
    EXPECT_NE(line.find(" 50%"), std::string::npos) << line;
  }
  // Too narrow for any of the name: the numbers still fit.
  const std::string narrow = format_progress(name, {1, 2, Seconds(1)}, 40);
  EXPECT_EQ(narrow.size(), 40u) << narrow;
  EXPECT_NE(narrow.find(" 50%"), std::string::npos) << narrow;
}

TEST(ProgressFormat, DoneBeyondTotalIsClampedNotOverflowed) {
  const std::string line = format_progress("x", {150, 100, Seconds(1)}, 80);
  EXPECT_NE(line.find("100%"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 0:00"), std::string::npos) << line;
}

TEST(ProgressFormat, RatesUsePowersOfAThousand) {
  EXPECT_EQ(format_rate(0), "0 B/s");
  EXPECT_EQ(format_rate(999), "999 B/s");
  EXPECT_EQ(format_rate(1000), "1.0 kB/s");
  EXPECT_EQ(format_rate(312.4e6), "312.4 MB/s");
  EXPECT_EQ(format_rate(999.97e3), "1.0 MB/s");  // not "1000.0 kB/s"
  EXPECT_EQ(format_rate(2.5e9), "2.5 GB/s");
}

TEST(ProgressFormat, EtaInMinutesOrHours) {
  EXPECT_EQ(format_eta(Seconds(3)), "0:03");
  EXPECT_EQ(format_eta(Seconds(754)), "12:34");
  EXPECT_EQ(format_eta(Seconds(3723)), "1:02:03");
  EXPECT_EQ(format_eta(Seconds(-1)), "-:--");
}

// A stream buffer the ticker thread writes to while the test waits for text to arrive.
class WatchedBuffer : public std::streambuf {
 public:
  bool wait_for(std::string_view needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return text_.find(needle) != std::string::npos; });
  }
  std::string text() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) append(std::string(1, traits_type::to_char_type(c)));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    append(std::string(s, static_cast<std::size_t>(n)));
    return n;
  }

 private:
  void append(const std::string& more) {
    {
      std::lock_guard lock(mutex_);
      text_ += more;
    }
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_;
};

TEST(ProgressTicker, OffATerminalItDrawsNothingAndWantsNoReports) {
  WatchedBuffer buffer;
  std::ostream out(&buffer);
  ProgressTicker ticker("a.bin", out, 0, std::chrono::milliseconds(0));
  EXPECT_FALSE(ticker.callback());
  ticker.finish();
  EXPECT_EQ(buffer.text(), "");
}

TEST(ProgressTicker, AQuickTransferLeavesTheTerminalUntouched) {
  WatchedBuffer buffer;
  std::ostream out(&buffer);
  {
    ProgressTicker ticker("a.bin", out, 80, std::chrono::hours(1));
    auto report = ticker.callback();
    ASSERT_TRUE(report);
    report(10, 10);
  }  // the destructor finishes
  EXPECT_EQ(buffer.text(), "");
}

TEST(ProgressTicker, ALongTransferIsRedrawnInPlaceAndItsLineEnded) {
  WatchedBuffer buffer;
  std::ostream out(&buffer);
  ProgressTicker ticker("a.bin", out, 80, std::chrono::milliseconds(0));
  auto report = ticker.callback();
  report(25, 100);
  ASSERT_TRUE(buffer.wait_for(" 25%", std::chrono::seconds(10))) << buffer.text();
  report(100, 100);
  ticker.finish();
  const std::string text = buffer.text();
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line, ended once: " << text;
  // The final redraw shows the end state, whatever the last tick showed.
  const std::string last = text.substr(text.rfind('\r') + 1);
  EXPECT_EQ(last.rfind("a.bin  [========================]  100%", 0), 0u) << last;
}

}  // namespace
}  // namespace dfs::menu
