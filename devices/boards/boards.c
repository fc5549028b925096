/*
 * The board registry: every board file exports one struct board.
 */
#include <string.h>

#include "devices/boards/versatilepb.h"
#include "devices/boards/vexpress.h"
#include "devices/machine.h"

static const struct board *const boards[] = {
    &board_versatilepb,
    &board_vexpress_a9,
    &board_vexpress_a15,
    NULL,
};

const struct board *const *board_list(void)
{
    return boards;
}

const struct board *board_find(const char *name)
{
    for (unsigned i = 0; boards[i]; i++)
        if (strcmp(boards[i]->name, name) == 0)
            return boards[i];
    return NULL;
}
