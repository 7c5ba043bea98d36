/*
 * The table of VM types: the only place that knows them all.
 */
#include "vm/qemu.h"
#include "vm/vm.h"

#include <stddef.h>
#include <string.h>

static const struct cp_vm_ops *const types[] = {
	&cp_vm_qemu_ops,
	NULL,
};

const struct cp_vm_ops *cp_vm_type_find(const char *type)
{
	size_t i;

	for (i = 0; type && types[i]; i++)
		if (!strcmp(types[i]->type, type))
			return types[i];
	return NULL;
}

const char *cp_vm_type_names(void)
{
	return "qemu";
}
