/*
 * meta-bench: the benchmark's file-level workloads, timed inside one process (no shell loop's fork cost).
 *   meta-bench ops DIR [COUNT]   creates COUNT empty files (O_CREAT|O_EXCL + close), stats, renames and
 *                                unlinks each, one timed phase each (default COUNT 5000; DIR must exist)
 *   meta-bench first-write FILE  one 8 KiB pwrite of non-zero bytes into the middle of FILE + fsync,
 *                                timed from open to close (what a copy-up filesystem pays on first write)
 *   meta-bench walk DIR          reads every regular file under DIR (readdir, open, read, close)
 * Output, one phase a line: "<phase> <count> <seconds> <ops_per_second>".
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *what, const char *path)
{
    fprintf(stderr, "meta-bench: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void report(const char *phase, long count, double started)
{
    double seconds = now() - started;
    printf("%s %ld %.6f %.1f\n", phase, count, seconds, seconds > 0 ? (double)count / seconds : 0.0);
}

static int ops(const char *path, long count)
{
    int dir = open(path, O_RDONLY | O_DIRECTORY);
    if (dir < 0)
        fail("open", path);
    char name[64], renamed[64];
    struct stat st;

    double t = now();
    for (long i = 0; i < count; i++) {
        snprintf(name, sizeof name, "f%07ld", i);
        int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0)
            fail("create", name);
        if (close(fd) < 0)
            fail("close", name);
    }
    report("create", count, t);

    t = now();
    for (long i = 0; i < count; i++) {
        snprintf(name, sizeof name, "f%07ld", i);
        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            fail("stat", name);
    }
    report("stat", count, t);

    t = now();
    for (long i = 0; i < count; i++) {
        snprintf(name, sizeof name, "f%07ld", i);
        snprintf(renamed, sizeof renamed, "r%07ld", i);
        if (renameat(dir, name, dir, renamed) < 0)
            fail("rename", name);
    }
    report("rename", count, t);

    t = now();
    for (long i = 0; i < count; i++) {
        snprintf(renamed, sizeof renamed, "r%07ld", i);
        if (unlinkat(dir, renamed, 0) < 0)
            fail("unlink", renamed);
    }
    report("unlink", count, t);

    if (fsync(dir) < 0)
        fail("fsync", path);
    close(dir);
    return 0;
}

static int first_write(const char *path)
{
    char block[8192];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (char)(0x5a ^ (i * 131));
    double t = now();
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail("open", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail("stat", path);
    off_t offset = (st.st_size / 2) & ~(off_t)(sizeof block - 1);
    for (size_t done = 0; done < sizeof block;) {
        ssize_t n = pwrite(fd, block + done, sizeof block - done, offset + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("pwrite", path);
        done += (size_t)n;
    }
    if (fsync(fd) < 0)
        fail("fsync", path);
    if (close(fd) < 0)
        fail("close", path);
    report("first-write", 1, t);
    return 0;
}

static long walked;
static char walk_buffer[1 << 16];

static int read_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type != FTW_F)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("open", path);
    ssize_t n;
    while ((n = read(fd, walk_buffer, sizeof walk_buffer)) != 0) {
        if (n < 0 && errno != EINTR)
            fail("read", path);
    }
    close(fd);
    walked++;
    return 0;
}

static int walk(const char *path)
{
    double t = now();
    if (nftw(path, read_one, 32, FTW_PHYS) < 0)
        fail("walk", path);
    report("walk", walked, t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "ops") == 0 && argc <= 4) {
        long count = argc == 4 ? strtol(argv[3], NULL, 10) : 5000;
        if (count <= 0) {
            fprintf(stderr, "meta-bench: COUNT must be positive\n");
            return 2;
        }
        return ops(argv[2], count);
    }
    if (argc == 3 && strcmp(argv[1], "first-write") == 0)
        return first_write(argv[2]);
    if (argc == 3 && strcmp(argv[1], "walk") == 0)
        return walk(argv[2]);
    fprintf(stderr, "usage: meta-bench ops DIR [COUNT] | first-write FILE | walk DIR\n");
    return 2;
}
