/*
 * LD_PRELOAD shim for the clock tests: adds an offset read from $CLOCK_SHIFT_FILE (seconds,
 * "+60" / "-60", the format libfaketime reads) to the wall clock, and with
 * CLOCK_SHIFT_MONOTONIC=1 to the monotonic clocks too. It exists because libfaketime deadlocks
 * in redis-sentinel at start (jemalloc asks for the time while libfaketime initialises). Every
 * reading goes to the kernel by syscall, so nothing here allocates or resolves symbols; the
 * file is read again at most every 10 ms.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile long long offset_ns;
static volatile long long read_at_ns = -1;

static long long raw_ns(clockid_t id) {
  struct timespec ts;
  syscall(SYS_clock_gettime, id, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void refresh(void) {
  long long now = raw_ns(CLOCK_MONOTONIC);
  if (read_at_ns >= 0 && now - read_at_ns < 10000000LL) return;
  read_at_ns = now;
  const char *path = getenv("CLOCK_SHIFT_FILE");
  if (path == NULL) return;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  offset_ns = (long long)(strtod(buf, NULL) * 1e9);
}

static int shifted(clockid_t id) {
  if (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE) return 1;
  const char *m = getenv("CLOCK_SHIFT_MONOTONIC");
  if (m == NULL || m[0] != '1') return 0;
  return id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_COARSE || id == CLOCK_MONOTONIC_RAW || id == CLOCK_BOOTTIME;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  long r = syscall(SYS_clock_gettime, id, ts);
  if (r != 0 || !shifted(id)) return (int)r;
  refresh();
  long long t = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + offset_ns;
  ts->tv_sec = t / 1000000000LL;
  ts->tv_nsec = t % 1000000000LL;
  return 0;
}

int gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  if (tv == NULL) return 0;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

time_t time(time_t *out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != NULL) *out = ts.tv_sec;
  return ts.tv_sec;
}
