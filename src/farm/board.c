/* The farm's board (board.h): cursor up, clear to the end, one line each. */
#include "farm/board.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WIDTH 100

void cp_farm_board_init(struct cp_farm_board *bd, FILE *stream, int force)
{
	const char *term = getenv("TERM");

	bd->lines = 0;
	bd->tty = force || (isatty(fileno(stream)) && !(term && !strcmp(term, "dumb"))) ? stream
											: NULL;
}

void cp_farm_board_erase(struct cp_farm_board *bd)
{
	if (!bd->tty || !bd->lines)
		return;
	fprintf(bd->tty, "\033[%uA\r\033[J", bd->lines);
	fflush(bd->tty);
	bd->lines = 0;
}

/* The first line of out/status and how long ago it was written, or "starting". */
static void status_of(const char *out, char *buf, size_t size)
{
	char path[4200];
	struct stat st;
	size_t n;
	FILE *f;

	snprintf(buf, size, "starting");
	snprintf(path, sizeof(path), "%s/status", out);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		snprintf(buf, size, "starting");
	buf[strcspn(buf, "\n")] = '\0';
	n = strlen(buf);
	if (!fstat(fileno(f), &st) && n + 24 < size)
		snprintf(buf + n, size - n, " %llds", (long long)(time(NULL) - st.st_mtime));
	fclose(f);
}

void cp_farm_board_draw(struct cp_farm_board *bd, const struct cp_farm_line *v, size_t n)
{
	char status[512];
	size_t i;

	if (!bd->tty)
		return;
	cp_farm_board_erase(bd);
	for (i = 0; i < n; i++) {
		status_of(v[i].out, status, sizeof(status));
		/* one terminal line each, or the cursor-up count is wrong */
		fprintf(bd->tty, "%.30s: %.*s\n", v[i].name, WIDTH - 32, status);
		bd->lines++;
	}
	fflush(bd->tty);
}
