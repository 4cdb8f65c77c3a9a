// raw: random accesses to a 16 MiB table with / without prefetch
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <vector>
#include <sys/mman.h>
int main(int argc, char** argv) {
  int d = atoi(argv[1]);
  size_t n = (size_t{1} << 21);  // 2M slots x 8 bytes = 16 MiB
  uint64_t* t = (uint64_t*)aligned_alloc(1 << 21, n * 8);
  madvise(t, n * 8, MADV_HUGEPAGE);
  for (size_t i = 0; i < n; ++i) t[i] = i;
  std::vector<uint32_t> idx(4000000);
  uint64_t x = 88172645463325252ULL;
  for (auto& v : idx) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; v = x & (n - 1); }
  auto t0 = std::chrono::steady_clock::now();
  uint64_t sum = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    if (d && i + d < idx.size()) __builtin_prefetch(&t[idx[i + d]]);
    sum += t[idx[i]];
    if (sum & 1) sum += t[(idx[i] + 1) & (n - 1)];
  }
  auto t1 = std::chrono::steady_clock::now();
  printf("d=%d %.1f ns/access %llu\n", d, std::chrono::duration<double, std::nano>(t1 - t0).count() / idx.size(), (unsigned long long)sum);
}
