/*
 * Decode blocks keyed by physical page (see cpu/decode.h). Blocks are never
 * freed while the machine runs: the executor may hold a pointer to the
 * block it is in when a store resets it, so "invalidate" means "reset every
 * slot to decode-me", which is safe to do underneath a running handler.
 */
#include <stdlib.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/tlb.h"

static unsigned slot_count(enum decode_set set)
{
    return set == DECODE_ARM ? TLB_PAGE_SIZE / 4 : TLB_PAGE_SIZE / 2;
}

static unsigned bucket_of(uint64_t phys)
{
    return (unsigned)(phys >> TLB_PAGE_SHIFT) & (DECODE_CACHE_BUCKETS - 1);
}

/*
 * Back to "decode me": the handler, and COND_AL so the executor always
 * calls it. The length stays: a handler whose own block is reset under it
 * (a Thumb-2 store to its own page) still needs it to find the next
 * instruction, and decoding rewrites it before the executor reads it again.
 */
static void block_reset(struct decode_block *block)
{
    unsigned count = slot_count(block->set);
    for (unsigned i = 0; i < count; i++) {
        block->slot[i].handler = cpu_decode_slot;
        block->slot[i].cond = COND_AL;
    }
    block->decoded = 0;
}

void decode_cache_init(struct decode_cache *dc)
{
    for (unsigned i = 0; i < DECODE_CACHE_BUCKETS; i++)
        dc->bucket[i] = NULL;
    dc->blocks = dc->decodes = dc->invalidations = 0;
}

void decode_cache_destroy(struct decode_cache *dc)
{
    for (unsigned i = 0; i < DECODE_CACHE_BUCKETS; i++) {
        struct decode_block *block = dc->bucket[i];
        while (block) {
            struct decode_block *next = block->hash_next;
            free(block);
            block = next;
        }
        dc->bucket[i] = NULL;
    }
}

struct decode_block *decode_cache_get(struct decode_cache *dc, uint64_t phys, uint8_t *host,
                                      enum decode_set set)
{
    phys &= ~(uint64_t)(TLB_PAGE_SIZE - 1);
    struct decode_block **head = &dc->bucket[bucket_of(phys)];
    for (struct decode_block *block = *head; block; block = block->hash_next)
        if (block->phys == phys && block->set == set) {
            block->host = host;
            return block;
        }

    unsigned count = slot_count(set);
    struct decode_block *block =
        calloc(1, sizeof(*block) + (count + DECODE_END_SLOTS) * sizeof(struct decoded_insn));
    if (!block)
        return NULL;
    block->phys = phys;
    block->host = host;
    block->set = set;
    uint8_t len = set == DECODE_ARM ? 4 : 2;
    for (unsigned i = 0; i < count + DECODE_END_SLOTS; i++)
        block->slot[i].len = len;
    block_reset(block);
    for (unsigned i = count; i < count + DECODE_END_SLOTS; i++) {
        block->slot[i].handler = cpu_page_end;
        block->slot[i].cond = COND_AL;
    }
    block->hash_next = *head;
    *head = block;
    dc->blocks++;
    return block;
}

bool decode_cache_invalidate_page(struct decode_cache *dc, uint64_t phys)
{
    phys &= ~(uint64_t)(TLB_PAGE_SIZE - 1);
    bool found = false;
    for (struct decode_block *block = dc->bucket[bucket_of(phys)]; block;
         block = block->hash_next) {
        if (block->phys == phys) {
            block_reset(block);
            found = true;
        }
    }
    if (found)
        dc->invalidations++;
    return found;
}

void decode_cache_invalidate_all(struct decode_cache *dc)
{
    for (unsigned i = 0; i < DECODE_CACHE_BUCKETS; i++)
        for (struct decode_block *block = dc->bucket[i]; block; block = block->hash_next)
            block_reset(block);
}
