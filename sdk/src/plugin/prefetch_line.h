// Starting a load of a cache line ahead of its use.
#pragma once

namespace chorus {

// Starts loading the cache line of `address`. Written out on x86-64: GCC 12 at -O2 deleted a
// __builtin_prefetch once the function holding it was inlined into another (which compiled to
// a bare return), so nothing was ever prefetched.
inline void prefetch_line(const void *address) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 (%0)" : : "r"(address));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace chorus
