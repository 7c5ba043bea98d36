/* Symbolization with libdw: placeholder replaced below. */
#include "report/internal.h"

int cp_report_symbolize(struct cp_report *rep, const char *binary,
			struct cp_error *err)
{
	(void)rep;
	return cp_error_set(err, CP_ERR_INTERNAL, "symbolization of %s: not built yet", binary);
}
