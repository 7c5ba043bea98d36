/*
 * The farm's board: on a terminal, one line per running bisection (its
 * name and the status line it writes to out/<name>/status: step, range
 * left, confidence, what it runs), redrawn in place below the farm's event
 * lines.  Not a terminal (a file, CI): nothing is drawn, the event lines
 * are all there is.
 */
#ifndef CULPRIT_FARM_BOARD_H
#define CULPRIT_FARM_BOARD_H

#include <stddef.h>
#include <stdio.h>

struct cp_farm_board {
	FILE *tty;		/* NULL: not drawn */
	unsigned lines;		/* lines drawn now, erased before anything else */
};

struct cp_farm_line {
	const char *name;
	const char *out;	/* the bisection's output directory */
};

/* Draws on stream when it is a terminal (and TERM is not "dumb") or force. */
void cp_farm_board_init(struct cp_farm_board *bd, FILE *stream, int force);
/* Erases the board, so that an event line can be printed. */
void cp_farm_board_erase(struct cp_farm_board *bd);
/* Erases and draws one line per entry of v. */
void cp_farm_board_draw(struct cp_farm_board *bd, const struct cp_farm_line *v, size_t n);

#endif
