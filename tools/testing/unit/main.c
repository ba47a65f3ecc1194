// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs every unit test in a child process and prints TAP.  Exits non-zero
 * if any test that is not marked as a known bug fails.
 *
 * Usage: unit [name-substring]
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kernel.h>

#include "unit.h"

#define UNIT_TIMEOUT	300	/* seconds per test; env UNIT_TIMEOUT overrides */

unsigned int unit_warnings;

void shim_warn(const char *file, int line, const char *cond)
{
	unit_warnings++;
	printf("# WARN_ON_ONCE(%s) at %s:%d\n", cond, file, line);
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int run_child(const struct unit_test *t)
{
	const char *tmo = getenv("UNIT_TIMEOUT");
	int ret;

	alarm(tmo ? atoi(tmo) : UNIT_TIMEOUT);
	ret = t->fn();
	if (!ret && unit_warnings) {
		printf("# unexpected WARN_ON_ONCE\n");
		ret = -1;
	}
	fflush(stdout);
	return ret;
}

/* Return: true if the test passed. */
static bool run_one(const struct unit_test *t)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!pid) {
		/* On failure skip the leak check: helpers bail out early. */
		if (run_child(t))
			_exit(1);
		exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFSIGNALED(status))
		printf("# killed by signal %d%s\n", WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

static const struct unit_test *const suites[] = {
	ring_tests, ring_stress_tests, msg_tests, own_tests,
};

static bool selected(const struct unit_test *t, const char *filter)
{
	return !filter || strstr(t->name, filter);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int i, n = 0, passed = 0, failed = 0, todo = 0;
	const struct unit_test *t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(suites); i++)
		for (t = suites[i]; t->name; t++)
			n += selected(t, filter);
	printf("TAP version 13\n1..%u\n", n);

	n = 0;
	for (i = 0; i < ARRAY_SIZE(suites); i++) {
		for (t = suites[i]; t->name; t++) {
			bool ok;

			if (!selected(t, filter))
				continue;
			ok = run_one(t);
			printf("%sok %u - %s", ok ? "" : "not ", ++n, t->name);
			if (t->todo) {
				printf(" # TODO %s\n", t->todo);
				todo++;
				if (ok)
					printf("# %s passes: drop its TODO mark\n",
					       t->name);
			} else {
				printf("\n");
				ok ? passed++ : failed++;
			}
		}
	}
	if (todo)
		printf("# %u test(s) marked TODO (known bugs) not counted below\n",
		       todo);
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
