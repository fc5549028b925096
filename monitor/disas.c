/*
 * Capstone wrapper (disas.h). Handles are opened on first use, one per
 * instruction set, and live as long as the monitor.
 */
#include "monitor/disas.h"

#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>

void mon_disas_init(struct mon_disas *d)
{
    memset(d, 0, sizeof(*d));
}

void mon_disas_close(struct mon_disas *d)
{
    for (unsigned i = 0; i < 2; i++) {
        if (d->opened[i]) {
            csh h = (csh)d->handle[i];
            cs_close(&h);
        }
    }
    mon_disas_init(d);
}

static int open_handle(struct mon_disas *d, unsigned set)
{
    if (d->opened[set])
        return 0;
    if (d->failed[set])
        return -1;
    csh h;
    cs_mode mode = set ? CS_MODE_THUMB : CS_MODE_ARM;
    if (cs_open(CS_ARCH_ARM, mode | CS_MODE_LITTLE_ENDIAN, &h) != CS_ERR_OK) {
        d->failed[set] = true;
        return -1;
    }
    cs_option(h, CS_OPT_DETAIL, CS_OPT_OFF);
    d->handle[set] = (size_t)h;
    d->opened[set] = true;
    return 0;
}

/* Thumb: a first halfword 0b11101, 0b11110 or 0b11111 starts a 32-bit encoding. */
static bool thumb_is_wide(uint16_t hw1)
{
    return (hw1 >> 11) >= 0x1d;
}

int mon_disas_one(struct mon_disas *d, bool thumb, uint32_t addr, const uint8_t *bytes,
                  size_t len, struct mon_insn *insn)
{
    unsigned set = thumb ? 1 : 0;
    memset(insn, 0, sizeof(*insn));
    insn->thumb = thumb;
    if (thumb) {
        uint16_t hw1 = (uint16_t)(bytes[0] | bytes[1] << 8);
        insn->size = thumb_is_wide(hw1) && len >= 4 ? 4 : 2;
        insn->encoding = hw1;
        if (insn->size == 4)
            insn->encoding = (uint32_t)hw1 << 16 | (uint32_t)(bytes[2] | bytes[3] << 8);
    } else {
        insn->size = 4;
        insn->encoding = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
                         (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
    }
    if (open_handle(d, set) < 0)
        return -1;

    cs_insn *ci = NULL;
    size_t n = cs_disasm((csh)d->handle[set], bytes, insn->size, addr, 1, &ci);
    if (n == 1 && ci[0].size == insn->size) {
        insn->valid = true;
        snprintf(insn->mnemonic, sizeof(insn->mnemonic), "%s", ci[0].mnemonic);
        snprintf(insn->operands, sizeof(insn->operands), "%s", ci[0].op_str);
        insn->is_call = ci[0].id == ARM_INS_BL || ci[0].id == ARM_INS_BLX;
    } else {
        snprintf(insn->mnemonic, sizeof(insn->mnemonic), "%s",
                 insn->size == 2 ? ".short" : ".word");
        snprintf(insn->operands, sizeof(insn->operands), "0x%0*x", insn->size * 2,
                 insn->encoding);
    }
    if (n)
        cs_free(ci, n);
    return 0;
}
