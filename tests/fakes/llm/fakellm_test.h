/*
 * tests/fakes/llm/fakellm_test.h - ordo-fake-llm (fake_llm.c) started by a Check test, and its
 * control API.
 *
 * ordo_fakellm_start() runs $ORDOTEST_FAKE_LLM_BIN with --port 0 (and --api-key when given),
 * reads the URL from the line it prints, and registers an exit handler that kills it if the
 * test ends without ordo_fakellm_stop() (an assertion failed). The helpers abort the test on
 * any failure of their own.
 */
#ifndef ORDO_TESTS_FAKELLM_TEST_H
#define ORDO_TESTS_FAKELLM_TEST_H

#include <sys/types.h>

#include <jansson.h>

struct ordo_fakellm {
    pid_t pid;    /* 0 while stopped */
    char url[64]; /* "http://127.0.0.1:PORT" */
};

/* Start it; 'api_key' (may be NULL) is the only key it then accepts. */
void ordo_fakellm_start(struct ordo_fakellm *f, const char *api_key);

/* SIGTERM, then assert exit status 0 within 10 s. A stopped fake is a no-op. */
void ordo_fakellm_stop(struct ordo_fakellm *f);

/* Queue script items (POST /_fake/script): one item, an array, or {"answers": [...]}. */
void ordo_fakellm_script(const struct ordo_fakellm *f, const char *json);

/* Queue one {"ir": IR} item; 'ir' is borrowed. */
void ordo_fakellm_script_ir(const struct ordo_fakellm *f, const json_t *ir);

/* The requests received (GET /_fake/requests), a new reference to the array. */
json_t *ordo_fakellm_requests(const struct ordo_fakellm *f);

/* Forget the script and the requests (POST /_fake/reset). */
void ordo_fakellm_reset(const struct ordo_fakellm *f);

#endif
