/*
 * The condition table: for each condition code, a 16-bit mask with bit
 * NZCV set when the condition holds (ARM ARM A8.3.1, Table A8-1). Built at
 * compile time from the definitions so it cannot drift from them.
 */
#include "cpu/alu.h"

#define N_SET(f) (((f) >> 3) & 1)
#define Z_SET(f) (((f) >> 2) & 1)
#define C_SET(f) (((f) >> 1) & 1)
#define V_SET(f) ((f) & 1)

#define COND_HOLDS(cond, f)                                                  \
    ((cond) == COND_EQ ? Z_SET(f)                                            \
     : (cond) == COND_NE ? !Z_SET(f)                                         \
     : (cond) == COND_CS ? C_SET(f)                                          \
     : (cond) == COND_CC ? !C_SET(f)                                         \
     : (cond) == COND_MI ? N_SET(f)                                          \
     : (cond) == COND_PL ? !N_SET(f)                                         \
     : (cond) == COND_VS ? V_SET(f)                                          \
     : (cond) == COND_VC ? !V_SET(f)                                         \
     : (cond) == COND_HI ? (C_SET(f) && !Z_SET(f))                           \
     : (cond) == COND_LS ? (!C_SET(f) || Z_SET(f))                           \
     : (cond) == COND_GE ? (N_SET(f) == V_SET(f))                            \
     : (cond) == COND_LT ? (N_SET(f) != V_SET(f))                            \
     : (cond) == COND_GT ? (!Z_SET(f) && N_SET(f) == V_SET(f))               \
     : (cond) == COND_LE ? (Z_SET(f) || N_SET(f) != V_SET(f))                \
     : 1)

#define COND_BIT(cond, f) ((uint16_t)(COND_HOLDS(cond, f) ? 1u << (f) : 0))
#define COND_MASK(cond)                                                      \
    (uint16_t)(COND_BIT(cond, 0) | COND_BIT(cond, 1) | COND_BIT(cond, 2) |   \
               COND_BIT(cond, 3) | COND_BIT(cond, 4) | COND_BIT(cond, 5) |   \
               COND_BIT(cond, 6) | COND_BIT(cond, 7) | COND_BIT(cond, 8) |   \
               COND_BIT(cond, 9) | COND_BIT(cond, 10) | COND_BIT(cond, 11) | \
               COND_BIT(cond, 12) | COND_BIT(cond, 13) | COND_BIT(cond, 14) | \
               COND_BIT(cond, 15))

/* COND_NV (0b1111) is "always" for the table; decoders treat that space
 * as unconditional instructions (or UNDEFINED) before it gets here. */
const uint16_t cond_table[16] = {
    COND_MASK(COND_EQ), COND_MASK(COND_NE), COND_MASK(COND_CS), COND_MASK(COND_CC),
    COND_MASK(COND_MI), COND_MASK(COND_PL), COND_MASK(COND_VS), COND_MASK(COND_VC),
    COND_MASK(COND_HI), COND_MASK(COND_LS), COND_MASK(COND_GE), COND_MASK(COND_LT),
    COND_MASK(COND_GT), COND_MASK(COND_LE), COND_MASK(COND_AL), COND_MASK(COND_NV),
};
