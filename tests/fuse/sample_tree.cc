#include "tests/fuse/sample_tree.h"

namespace dfs::testing {

std::string make_sample_tree(const std::string& root) {
  return "mkdir -p " + root + "/src/sub && printf 'a\\n' > " + root + "/src/a && printf 'b\\n' > " + root +
         "/src/sub/b && head -c 300000 /dev/urandom > " + root + "/src/sub/blob && chmod 750 " + root +
         "/src/sub && chmod 600 " + root + "/src/a && ln -s sub/b " + root + "/src/link";
}

}  // namespace dfs::testing
