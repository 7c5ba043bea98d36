#include "gitfix.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char tmpdir[256];

const char *fx_init(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/culprit-vcs.XXXXXX",
		 base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return NULL;
	setenv("HOME", tmpdir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Tester", 1);
	setenv("GIT_AUTHOR_EMAIL", "tester@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Tester", 1);
	setenv("GIT_COMMITTER_EMAIL", "tester@example.com", 1);
	setenv("GIT_AUTHOR_DATE", "2020-01-02T03:04:05+0100", 1);
	setenv("GIT_COMMITTER_DATE", "2020-01-02T03:04:05+0100", 1);
	setenv("TZ", "UTC", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	fx_sh("git config --global init.defaultBranch main && "
	      "git config --global advice.detachedHead false && "
	      "git config --global user.useConfigOnly false");
	return tmpdir;
}

void fx_cleanup(void)
{
	char cmd[1024];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'",
		 tmpdir, tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

const char *fx_dir(void)
{
	return tmpdir;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *body = NULL, *cmd = NULL;

	if (vasprintf(&body, fmt, ap) < 0)
		return NULL;
	if (asprintf(&cmd, "cd '%s' && { %s\n}", tmpdir, body) < 0)
		cmd = NULL;
	free(body);
	return cmd;
}

int fx_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = vformat(fmt, ap);
	va_end(ap);
	if (!cmd)
		return -1;
	st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *vout(const char *fmt, va_list ap)
{
	char *cmd = vformat(fmt, ap), *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *p;

	if (!cmd)
		return NULL;
	p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, p);
		if (!n)
			break;
		len += n;
	}
	if (pclose(p) != 0 || !buf) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

char *fx_out(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vout(fmt, ap);
	va_end(ap);
	return s;
}

char *fx_line(const char *fmt, ...)
{
	va_list ap;
	char *s;
	size_t n;

	va_start(ap, fmt);
	s = vout(fmt, ap);
	va_end(ap);
	if (s) {
		n = strlen(s);
		while (n && s[n - 1] == '\n')
			s[--n] = '\0';
	}
	return s;
}
