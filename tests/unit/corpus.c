#include "tests/unit/corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add(struct corpus *c, size_t *cap, const char *path)
{
    if (c->count == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        c->paths = realloc(c->paths, *cap * sizeof(*c->paths));
        if (!c->paths) {
            abort();
        }
    }
    c->paths[c->count++] = strdup(path);
}

static void walk(struct corpus *c, size_t *cap, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.') {
            continue;
        }
        (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            walk(c, cap, path);
        } else if (len > 5 && strcmp(e->d_name + len - 5, ".bpmn") == 0) {
            add(c, cap, path);
        }
    }
    (void)closedir(d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int corpus_load(struct corpus *c, const char *subdir)
{
    const char *root = getenv("ORDOTEST_CORPUS_DIR");
    char dir[4096];
    size_t cap = 0;
    struct stat st;

    c->paths = NULL;
    c->count = 0;
    (void)snprintf(dir, sizeof(dir), "%s/%s", root && *root ? root : "../shared/corpus", subdir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        (void)printf("NOTICE: BPMN corpus not found at %s: 0 corpus files checked, "
                     "these tests are skipped\n",
                     dir);
        return 0;
    }
    walk(c, &cap, dir);
    if (c->count) {
        qsort(c->paths, c->count, sizeof(*c->paths), by_name);
    }
    return 0;
}

void corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->paths[i]);
    }
    free(c->paths);
    c->paths = NULL;
    c->count = 0;
}

int corpus_main(struct corpus *c, const char *subdir, const char *name, const TTest *const *tests,
                size_t ntests)
{
    Suite *s;
    TCase *tc;
    SRunner *sr;
    int failed;

    corpus_load(c, subdir);
    if (c->count == 0) {
        return CORPUS_SKIP;
    }
    s = suite_create(name);
    tc = tcase_create(subdir);
    tcase_set_timeout(tc, 120);
    for (size_t i = 0; i < ntests; i++) {
        tcase_add_test(tc, tests[i]);
    }
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    corpus_free(c);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
