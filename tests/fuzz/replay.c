/*
 * tests/fuzz/replay.c - main() for the gcc build of a fuzz target: feeds
 * every regular file of each folder (or each file) named on the command
 * line to LLVMFuzzerTestOneInput(), in name order, so the committed corpus
 * and the crashers found so far are checked by ctest under ASan/UBSan.
 *
 *   fuzz_replay_<target> DIR|FILE...
 *
 * Exits 1 when an argument cannot be read or when no input was found at
 * all: an empty or misnamed corpus folder must fail the test, not pass it.
 * A crash is the sanitizers' abort, with the file's name printed first.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read 'path' whole; NULL (with a message) when it cannot be read. */
static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0;
    size_t n = 0;

    if (!f) {
        (void)fprintf(stderr, "replay: could not open \"%s\": %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *more = realloc(buf, cap);
            if (!more) {
                free(buf);
                (void)fclose(f);
                (void)fprintf(stderr, "replay: out of memory reading \"%s\"\n", path);
                return NULL;
            }
            buf = more;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        (void)fprintf(stderr, "replay: could not read \"%s\"\n", path);
        free(buf);
        (void)fclose(f);
        return NULL;
    }
    (void)fclose(f);
    *len = n;
    return buf;
}

static int run_file(const char *path)
{
    size_t len = 0;
    uint8_t *data = read_all(path, &len);

    if (!data) {
        return -1;
    }
    /* Printed before the run: after a crash, the last line names the input. */
    (void)fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    /* A private copy of exactly 'len' bytes, as libFuzzer gives: ASan then
     * catches a read one past the end. */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        free(data);
        return -1;
    }
    if (len) {
        memcpy(copy, data, len);
    }
    free(data);
    (void)LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    return 1;
}

/* Every regular file in 'dir', sorted; returns the count run, or -1. */
static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    int count = 0;

    if (!d) {
        (void)fprintf(stderr, "replay: could not open folder \"%s\": %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) {
                count = -1;
                break;
            }
            names = more;
        }
        size_t need = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(need);
        if (!names[n]) {
            count = -1;
            break;
        }
        (void)snprintf(names[n], need, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 1) {
        qsort(names, n, sizeof *names, by_name);
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (count >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            int r = run_file(names[i]);
            count = r < 0 ? -1 : count + r;
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    int total = 0;

    if (argc < 2) {
        (void)fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int r;
        if (stat(argv[i], &st) != 0) {
            (void)fprintf(stderr, "replay: \"%s\": %s\n", argv[i], strerror(errno));
            return 1;
        }
        r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
        if (r < 0) {
            return 1;
        }
        total += r;
    }
    if (total == 0) {
        (void)fprintf(stderr, "replay: no input found in the arguments\n");
        return 1;
    }
    (void)fprintf(stderr, "replay: %d inputs, no crash\n", total);
    return 0;
}
