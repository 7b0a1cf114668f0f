/*
 * posix-probe: one POSIX operation per invocation, for the conformance tests.
 *
 * It exists for what the managed tests cannot do cleanly in their own process: hold a lock
 * from a second process, map a file shared and writable, call fallocate/renameat2/lseek with
 * flags .NET does not expose, or act as another user (run under setpriv).
 *
 * Output contract (stdout, one line per result, stable for machine parsing):
 *   ok [value...]                 the operation succeeded; exit 0
 *   error <ERRNO_NAME> <syscall>  the syscall failed;        exit 1
 *   locked / released             progress lines of the lock-* holders
 * Usage errors go to stderr with exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define EXIT_ERRNO 1
#define EXIT_USAGE 2

static int fail(const char *syscall_name)
{
    int e = errno;
    const char *name = strerrorname_np(e);
    if (name != NULL)
        printf("error %s %s\n", name, syscall_name);
    else
        printf("error E%d %s\n", e, syscall_name);
    fflush(stdout);
    return EXIT_ERRNO;
}

static int usage(const char *message)
{
    fprintf(stderr, "posix-probe: %s\n", message);
    return EXIT_USAGE;
}

static int parse_i64(const char *text, int64_t *value)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0')
        return -1;
    *value = v;
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex into a malloc'd buffer; returns length or -1. */
static ssize_t decode_hex(const char *hex, unsigned char **out)
{
    size_t n = strlen(hex);
    if (n % 2 != 0)
        return -1;
    unsigned char *buf = malloc(n / 2 + 1);
    if (buf == NULL)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(buf);
            return -1;
        }
        buf[i] = (unsigned char)(hi << 4 | lo);
    }
    *out = buf;
    return (ssize_t)(n / 2);
}

static void print_hex(const unsigned char *data, size_t length)
{
    for (size_t i = 0; i < length; i++)
        printf("%02x", data[i]);
}

static void sleep_ms(int64_t ms)
{
    struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* Holds whatever the caller acquired: hold_ms >= 0 sleeps, -1 waits until stdin reaches EOF
 * (the test closes our stdin to release deterministically). */
static void hold(int64_t hold_ms)
{
    printf("locked\n");
    fflush(stdout);
    if (hold_ms >= 0) {
        sleep_ms(hold_ms);
    } else {
        char buf[64];
        for (;;) {
            ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EINTR))
                break;
        }
    }
}

static int open_or_fail(const char *path, int flags, int *fd)
{
    do {
        *fd = open(path, flags | O_CLOEXEC, 0644);
    } while (*fd < 0 && errno == EINTR);
    return *fd < 0 ? fail("open") : 0;
}

/* kind: "fcntl" (process-associated POSIX lock), "ofd" (open file description lock), "flock". */
static int take_lock(int fd, const char *kind)
{
    if (strcmp(kind, "flock") == 0)
        return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : fail("flock");
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    if (strcmp(kind, "ofd") == 0)
        return fcntl(fd, F_OFD_SETLK, &lock) == 0 ? 0 : fail("fcntl(F_OFD_SETLK)");
    return fcntl(fd, F_SETLK, &lock) == 0 ? 0 : fail("fcntl(F_SETLK)");
}

static int cmd_lock(const char *kind, int argc, char **argv, int hold_it)
{
    int64_t hold_ms = 0;
    if (argc != (hold_it ? 2 : 1) || (hold_it && parse_i64(argv[1], &hold_ms) != 0))
        return usage("lock-<kind> <file> <hold-ms|-1>  /  try-lock-<kind> <file>");
    int fd, rc;
    if ((rc = open_or_fail(argv[0], O_RDWR, &fd)) != 0)
        return rc;
    if ((rc = take_lock(fd, kind)) != 0)
        return rc;
    if (hold_it) {
        hold(hold_ms);
        printf("released\n");
    } else {
        printf("ok\n");
    }
    close(fd);
    return 0;
}

static int cmd_mmap(int argc, char **argv, int write_it)
{
    int64_t offset, length;
    unsigned char *data = NULL;
    if (argc != 3 || parse_i64(argv[1], &offset) != 0 || offset < 0)
        return usage("mmap-write <file> <offset> <hex>  /  mmap-read <file> <offset> <length>");
    if (write_it) {
        length = decode_hex(argv[2], &data);
        if (length <= 0)
            return usage("mmap-write: bad hex");
    } else if (parse_i64(argv[2], &length) != 0 || length <= 0) {
        return usage("mmap-read: bad length");
    }
    int fd, rc;
    if ((rc = open_or_fail(argv[0], write_it ? O_RDWR : O_RDONLY, &fd)) != 0)
        return rc;
    long page = sysconf(_SC_PAGESIZE);
    int64_t start = offset / page * page;
    size_t span = (size_t)(offset - start + length);
    unsigned char *map = mmap(NULL, span, write_it ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, start);
    if (map == MAP_FAILED)
        return fail("mmap");
    if (write_it) {
        memcpy(map + (offset - start), data, (size_t)length);
        if (msync(map, span, MS_SYNC) != 0)
            return fail("msync");
        printf("ok\n");
    } else {
        printf("ok ");
        print_hex(map + (offset - start), (size_t)length);
        printf("\n");
    }
    munmap(map, span);
    free(data);
    close(fd);
    return 0;
}

static int cmd_seek(int argc, char **argv)
{
    int64_t offset;
    if (argc != 3 || parse_i64(argv[2], &offset) != 0)
        return usage("seek <file> data|hole <offset>");
    int whence = strcmp(argv[1], "data") == 0 ? SEEK_DATA : strcmp(argv[1], "hole") == 0 ? SEEK_HOLE : -1;
    if (whence < 0)
        return usage("seek: whence must be data or hole");
    int fd, rc;
    if ((rc = open_or_fail(argv[0], O_RDONLY, &fd)) != 0)
        return rc;
    off_t result = lseek(fd, offset, whence);
    if (result < 0)
        return fail("lseek");
    printf("ok %lld\n", (long long)result);
    close(fd);
    return 0;
}

static int parse_fallocate_mode(const char *text, int *mode)
{
    char copy[128];
    if (strlen(text) >= sizeof copy)
        return -1;
    strcpy(copy, text);
    *mode = 0;
    for (char *save = NULL, *part = strtok_r(copy, ",", &save); part != NULL; part = strtok_r(NULL, ",", &save)) {
        if (strcmp(part, "0") == 0) continue;
        else if (strcmp(part, "keep-size") == 0) *mode |= FALLOC_FL_KEEP_SIZE;
        else if (strcmp(part, "punch-hole") == 0) *mode |= FALLOC_FL_PUNCH_HOLE;
        else if (strcmp(part, "zero-range") == 0) *mode |= FALLOC_FL_ZERO_RANGE;
        else return -1;
    }
    return 0;
}

static int cmd_fallocate(int argc, char **argv)
{
    int mode;
    int64_t offset, length;
    if (argc != 4 || parse_fallocate_mode(argv[1], &mode) != 0 || parse_i64(argv[2], &offset) != 0 ||
        parse_i64(argv[3], &length) != 0)
        return usage("fallocate <file> 0|keep-size|punch-hole|zero-range[,...] <offset> <length>");
    int fd, rc;
    if ((rc = open_or_fail(argv[0], O_RDWR, &fd)) != 0)
        return rc;
    if (fallocate(fd, mode, offset, length) != 0)
        return fail("fallocate");
    printf("ok\n");
    close(fd);
    return 0;
}

static int cmd_rename2(int argc, char **argv)
{
    if (argc != 3)
        return usage("rename2 <from> <to> none|noreplace|exchange");
    unsigned flags = strcmp(argv[2], "noreplace") == 0 ? RENAME_NOREPLACE
                   : strcmp(argv[2], "exchange") == 0  ? RENAME_EXCHANGE
                   : 0;
    if (flags == 0 && strcmp(argv[2], "none") != 0)
        return usage("rename2: flag must be none, noreplace or exchange");
    if (renameat2(AT_FDCWD, argv[0], AT_FDCWD, argv[1], flags) != 0)
        return fail("renameat2");
    printf("ok\n");
    return 0;
}

static int cmd_statfs(int argc, char **argv)
{
    if (argc != 1)
        return usage("statfs <path>");
    struct statvfs s;
    if (statvfs(argv[0], &s) != 0)
        return fail("statvfs");
    printf("ok bsize=%lu frsize=%lu blocks=%llu bfree=%llu bavail=%llu files=%llu ffree=%llu namemax=%lu\n",
           s.f_bsize, s.f_frsize, (unsigned long long)s.f_blocks, (unsigned long long)s.f_bfree,
           (unsigned long long)s.f_bavail, (unsigned long long)s.f_files, (unsigned long long)s.f_ffree,
           s.f_namemax);
    return 0;
}

static int cmd_sync(int argc, char **argv, const char *which)
{
    if (argc != 1)
        return usage("fsync|fdatasync|fsyncdir <path>");
    int is_dir = strcmp(which, "fsyncdir") == 0;
    int fd, rc;
    if ((rc = open_or_fail(argv[0], is_dir ? O_RDONLY | O_DIRECTORY : O_RDWR, &fd)) != 0)
        return rc;
    int r = strcmp(which, "fdatasync") == 0 ? fdatasync(fd) : fsync(fd);
    if (r != 0)
        return fail(which);
    printf("ok\n");
    close(fd);
    return 0;
}

/* read/write as whoever runs the probe: the permission tests run it under setpriv. */
static int cmd_read(int argc, char **argv)
{
    int64_t offset, length;
    if (argc != 3 || parse_i64(argv[1], &offset) != 0 || parse_i64(argv[2], &length) != 0 || length < 0 ||
        length > (1 << 20))
        return usage("read <file> <offset> <length>");
    int fd, rc;
    if ((rc = open_or_fail(argv[0], O_RDONLY, &fd)) != 0)
        return rc;
    unsigned char *buf = malloc((size_t)length + 1);
    ssize_t done = 0;
    while (done < length) {
        ssize_t r = pread(fd, buf + done, (size_t)(length - done), offset + done);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail("pread");
        if (r == 0) break;
        done += r;
    }
    printf("ok ");
    print_hex(buf, (size_t)done);
    printf("\n");
    free(buf);
    close(fd);
    return 0;
}

static int cmd_write(int argc, char **argv)
{
    int64_t offset;
    unsigned char *data;
    ssize_t length;
    if (argc != 3 || parse_i64(argv[1], &offset) != 0 || (length = decode_hex(argv[2], &data)) < 0)
        return usage("write <file> <offset> <hex>");
    int fd, rc;
    if ((rc = open_or_fail(argv[0], O_WRONLY, &fd)) != 0)
        return rc;
    ssize_t done = 0;
    while (done < length) {
        ssize_t r = pwrite(fd, data + done, (size_t)(length - done), offset + done);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail("pwrite");
        done += r;
    }
    if (close(fd) != 0)
        return fail("close");
    printf("ok\n");
    free(data);
    return 0;
}

static int cmd_create(int argc, char **argv)
{
    if (argc != 1)
        return usage("create <file>");
    int fd = open(argv[0], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail("open");
    close(fd);
    printf("ok\n");
    return 0;
}

static int cmd_xattr(const char *which, int argc, char **argv)
{
    if (strcmp(which, "xattr-set") == 0) {
        if (argc < 3 || argc > 4)
            return usage("xattr-set <path> <name> <value> [create|replace]");
        int flags = argc == 4 ? (strcmp(argv[3], "create") == 0 ? XATTR_CREATE : XATTR_REPLACE) : 0;
        if (lsetxattr(argv[0], argv[1], argv[2], strlen(argv[2]), flags) != 0)
            return fail("lsetxattr");
        printf("ok\n");
    } else if (strcmp(which, "xattr-get") == 0) {
        char value[65536];
        if (argc != 2)
            return usage("xattr-get <path> <name>");
        ssize_t n = lgetxattr(argv[0], argv[1], value, sizeof value);
        if (n < 0)
            return fail("lgetxattr");
        printf("ok %.*s\n", (int)n, value);
    } else if (strcmp(which, "xattr-list") == 0) {
        char names[65536];
        if (argc != 1)
            return usage("xattr-list <path>");
        ssize_t n = llistxattr(argv[0], names, sizeof names);
        if (n < 0)
            return fail("llistxattr");
        printf("ok");
        for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1)
            printf(" %s", names + i);
        printf("\n");
    } else {
        if (argc != 2)
            return usage("xattr-remove <path> <name>");
        if (lremovexattr(argv[0], argv[1]) != 0)
            return fail("lremovexattr");
        printf("ok\n");
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage("usage: posix-probe <command> [args...] (see the comment at the top of posix-probe.c)");
    const char *cmd = argv[1];
    int n = argc - 2;
    char **args = argv + 2;

    if (strcmp(cmd, "lock-fcntl") == 0) return cmd_lock("fcntl", n, args, 1);
    if (strcmp(cmd, "try-lock-fcntl") == 0) return cmd_lock("fcntl", n, args, 0);
    if (strcmp(cmd, "lock-ofd") == 0) return cmd_lock("ofd", n, args, 1);
    if (strcmp(cmd, "try-lock-ofd") == 0) return cmd_lock("ofd", n, args, 0);
    if (strcmp(cmd, "lock-flock") == 0) return cmd_lock("flock", n, args, 1);
    if (strcmp(cmd, "try-lock-flock") == 0) return cmd_lock("flock", n, args, 0);
    if (strcmp(cmd, "mmap-write") == 0) return cmd_mmap(n, args, 1);
    if (strcmp(cmd, "mmap-read") == 0) return cmd_mmap(n, args, 0);
    if (strcmp(cmd, "seek") == 0) return cmd_seek(n, args);
    if (strcmp(cmd, "fallocate") == 0) return cmd_fallocate(n, args);
    if (strcmp(cmd, "rename2") == 0) return cmd_rename2(n, args);
    if (strcmp(cmd, "statfs") == 0) return cmd_statfs(n, args);
    if (strcmp(cmd, "fsync") == 0 || strcmp(cmd, "fdatasync") == 0 || strcmp(cmd, "fsyncdir") == 0)
        return cmd_sync(n, args, cmd);
    if (strcmp(cmd, "read") == 0) return cmd_read(n, args);
    if (strcmp(cmd, "write") == 0) return cmd_write(n, args);
    if (strcmp(cmd, "create") == 0) return cmd_create(n, args);
    if (strncmp(cmd, "xattr-", 6) == 0 &&
        (strcmp(cmd, "xattr-set") == 0 || strcmp(cmd, "xattr-get") == 0 || strcmp(cmd, "xattr-list") == 0 ||
         strcmp(cmd, "xattr-remove") == 0))
        return cmd_xattr(cmd, n, args);
    return usage("unknown command");
}
