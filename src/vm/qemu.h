/*
 * The QEMU VM type (qemu.c): its command line, built here so that tests
 * can check it, and its row in the VM type table (vm/vm.h).
 */
#ifndef CULPRIT_VM_QEMU_H
#define CULPRIT_VM_QEMU_H

#include "vm/vm.h"

/* QEMU's argv (NULL-terminated, malloc'ed; free with cp_qemu_argv_free). */
int cp_qemu_argv(const struct cp_vm_config *c, char ***argv, struct cp_error *err);
void cp_qemu_argv_free(char **argv);

extern const struct cp_vm_ops cp_vm_qemu_ops;

#endif
