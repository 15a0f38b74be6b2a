// How many pages of a mapped file are in the page cache (mincore(2)): what the tests count to
// show that written bytes went past the cache.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace dfs::testing {

// Resident pages among the mapping's pages from `first_page` to the end of `length` bytes;
// -1 when mincore fails.
inline std::ptrdiff_t resident_pages(void* mapped, std::size_t length, std::size_t first_page = 0) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> pages((length + page - 1) / page);
  if (::mincore(mapped, length, pages.data()) != 0) return -1;
  return std::count_if(pages.begin() + static_cast<std::ptrdiff_t>(std::min(first_page, pages.size())), pages.end(),
                       [](unsigned char p) { return (p & 1) != 0; });
}

}  // namespace dfs::testing
