/*
 * The verdict of one VM run from its console: where the crash report (if
 * any) sits relative to the /init markers.  Pure: no I/O, no clock.
 */
#include "report/report.h"
#include "vm/vm.h"

#include <stdio.h>
#include <string.h>

/* Offset of the first line holding mark, or -1. */
static long find_mark(const char *buf, size_t len, const char *mark)
{
	const char *p = memmem(buf, len, mark, strlen(mark));

	return p ? (long)(p - buf) : -1;
}

int cp_vm_judge(const char *buf, size_t len, bool timed_out, bool in_boot,
		unsigned timeout_s, struct cp_vm_outcome *out, struct cp_error *err)
{
	struct cp_report *rep = NULL;
	long user, basic_ok, basic_fail, repro, done;
	int ret;

	out->result = CP_VM_OK;
	out->text[0] = '\0';
	user = find_mark(buf, len, CP_VM_MARK_USER "\r");
	if (user < 0)
		user = find_mark(buf, len, CP_VM_MARK_USER "\n");
	basic_ok = find_mark(buf, len, CP_VM_MARK_BASIC_OK);
	basic_fail = find_mark(buf, len, CP_VM_MARK_BASIC_FAIL);
	repro = find_mark(buf, len, CP_VM_MARK_REPRO);
	done = find_mark(buf, len, CP_VM_MARK_EXIT);

	ret = cp_report_parse(buf, len, &rep, err);
	if (ret)
		return ret;
	if (rep) {
		long at = (long)rep->start;

		if (user < 0 || at < user) {
			out->result = CP_VM_BOOT_FAILED;
			snprintf(out->text, sizeof(out->text), "boot failed: %s", rep->title);
		} else if (repro < 0 || at < repro) {
			out->result = CP_VM_BASIC_FAILED;
			snprintf(out->text, sizeof(out->text), "basic kernel testing failed: %s",
				 rep->title);
		} else {
			out->result = CP_VM_CRASHED;
			snprintf(out->text, sizeof(out->text), "crashed: %s", rep->title);
		}
		cp_report_free(rep);
		return 0;
	}
	if (len == 0) {
		out->result = CP_VM_INFRA;
		snprintf(out->text, sizeof(out->text), "infra problem: no output from the VM%s",
			 timed_out ? " before the timeout" : "");
	} else if (user < 0) {
		out->result = CP_VM_BOOT_FAILED;
		if (timed_out)
			snprintf(out->text, sizeof(out->text),
				 "boot failed: no user space after %u s", timeout_s);
		else
			snprintf(out->text, sizeof(out->text),
				 "boot failed: the VM stopped before user space started");
	} else if (basic_fail >= 0 || basic_ok < 0) {
		out->result = CP_VM_BASIC_FAILED;
		snprintf(out->text, sizeof(out->text), "basic kernel testing failed: %s",
			 timed_out ? "timed out" : "the basic test did not pass");
	} else if (timed_out && done < 0) {
		/* the reproducer hangs the machine: syzkaller's title */
		out->result = CP_VM_CRASHED;
		snprintf(out->text, sizeof(out->text), "crashed: no output from test machine");
	} else if (done < 0 && repro >= 0) {
		out->result = CP_VM_CRASHED;
		snprintf(out->text, sizeof(out->text),
			 "crashed: lost connection to test machine");
	} else {
		snprintf(out->text, sizeof(out->text), "OK");
	}
	(void)in_boot;
	return 0;
}
