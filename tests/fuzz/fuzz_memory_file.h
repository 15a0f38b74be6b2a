// A file that lives in memory (memfd), for loaders that take a path: each input is written to it
// and the loader opens /proc/self/fd/N. Nothing touches the disk and nothing is left behind.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_check.h"

class FuzzMemoryFile {
 public:
  FuzzMemoryFile() : fd_(::memfd_create("dfs-fuzz-input", MFD_CLOEXEC)) {
    FUZZ_CHECK(fd_ >= 0, "memfd_create works (the fuzz harness needs it)");
  }
  ~FuzzMemoryFile() { ::close(fd_); }
  FuzzMemoryFile(const FuzzMemoryFile&) = delete;
  FuzzMemoryFile& operator=(const FuzzMemoryFile&) = delete;

  // Replaces the content with `size` bytes of `data`.
  void assign(const std::uint8_t* data, std::size_t size) {
    FUZZ_CHECK(::ftruncate(fd_, 0) == 0, "the memory file can be emptied");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      FUZZ_CHECK(n > 0, "the memory file takes the input");
      done += static_cast<std::size_t>(n);
    }
  }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};
