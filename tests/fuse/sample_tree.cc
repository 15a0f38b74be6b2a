#include "tests/fuse/sample_tree.h"

namespace dfs::testing {

std::string make_sample_tree(const std::string& root) {
  return "mkdir -p " + root + "/src/sub && printf 'a\\n' > " + root + "/src/a && printf 'b\\n' > " + root +
         "/src/sub/b && head -c 300000 /dev/urandom > " + root + "/src/sub/blob && chmod 750 " + root +
         "/src/sub && chmod 600 " + root + "/src/a && ln -s sub/b " + root + "/src/link";
}

std::string tar_round_trip(const std::string& root) {
  return "tar -C " + root + " -cf archive.tar src && mkdir out && tar -C out -xf archive.tar" +
         " && diff -r --no-dereference " + root + "/src out/src" + " && tar -C out -cf - src | tar -C " + root +
         " -xf - --transform s/^src/back/" + " && diff -r --no-dereference " + root + "/src " + root + "/back";
}

}  // namespace dfs::testing
