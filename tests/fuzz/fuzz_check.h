// The fuzz targets' assertion: an invariant that fails is a crash libFuzzer keeps as a reproducer
// (crash-<sha1> in the working directory), with the message saying which invariant broke.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                              \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", __FILE__, __LINE__, what, #condition); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)
