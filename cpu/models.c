/*
 * The CPU models: ID registers and feature bits. Decoders and CP15 read
 * these instead of #ifdefs, so one binary runs every board.
 */
#include <string.h>

#include "cpu/cpu.h"

/*
 * ARM926EJ-S r0p5: MIDR 0x41069265 (ARM926EJ-S TRM, c0 Main ID). Cache type
 * 0x1dd20d2: write-back, 16 KiB I and D caches, 4-way, 32-byte lines, as
 * QEMU's model reports (Linux reads it to size cache maintenance loops).
 */
const struct cpu_model cpu_model_arm926 = {
    .name = "arm926",
    .midr = 0x41069265,
    .ctr = 0x1dd20d2,
    .features = CPU_FEAT_V5TE | CPU_FEAT_JAZELLE | CPU_FEAT_VMSA_V5,
};

static const struct cpu_model *const cpu_models[] = {
    &cpu_model_arm926,
};

const struct cpu_model *cpu_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++)
        if (strcmp(cpu_models[i]->name, name) == 0)
            return cpu_models[i];
    if (strcmp(name, "arm926ej-s") == 0)
        return &cpu_model_arm926;
    return NULL;
}
