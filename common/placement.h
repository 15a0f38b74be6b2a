// Where the parts of a file live: the seed's table generalised to N servers.
//   x = MD5(path) mod N, the 128-bit digest read as a big-endian number, path = RemotePath::str().
//   Server i (0-based) stores parts (i - x) mod N and (i - x + 1) mod N (0-based parts).
// So every part sits on two neighbouring servers and any one server can be lost.
#pragma once

#include <array>
#include <cstdint>

#include "common/remote_path.h"

namespace dfs {

class PartPlacement {
 public:
  // server_count must be at least 2 (two copies need two servers).
  PartPlacement(const RemotePath& path, int server_count);

  int offset() const { return offset_; }  // x
  int server_count() const { return n_; }

  // The two servers holding 0-based `part`: first the one where it is the server's first part.
  std::array<int, 2> servers_of_part(int part) const;
  // The two 0-based parts stored on `server`, in the table's order.
  std::array<int, 2> parts_on_server(int server) const;

 private:
  int n_;
  int offset_;
};

// MD5(path) mod n, exposed for tests that pin the seed's table.
int placement_offset(const RemotePath& path, int server_count);

// Splitting a file into parts: sizes differ by at most one byte, earlier parts take the extra bytes.
std::uint64_t part_size(std::uint64_t file_size, int parts, int index);
std::uint64_t part_offset(std::uint64_t file_size, int parts, int index);

}  // namespace dfs
