/*
 * An SD memory card backed by a raw image file: the card side of the SD
 * bus (SD Physical Layer Simplified Specification, version 2.00 subset).
 * A host controller model (pl181.c) sends commands and moves data bytes;
 * the card answers like a real one, including silence for commands it
 * does not accept. The state machine and command table are in sdcard.c.
 *
 * Images up to 2 GiB are standard-capacity cards (SDSC, CSD version 1,
 * byte addresses); larger images are high-capacity cards (SDHC/SDXC, CSD
 * version 2, block addresses).
 */
#ifndef DEVICES_SDCARD_H
#define DEVICES_SDCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sdcard;

/* Card status bits (R1, spec 4.10.1, table 4-42). */
#define SD_STATUS_OUT_OF_RANGE       (1u << 31)
#define SD_STATUS_ADDRESS_ERROR      (1u << 30)
#define SD_STATUS_BLOCK_LEN_ERROR    (1u << 29)
#define SD_STATUS_ERASE_SEQ_ERROR    (1u << 28)
#define SD_STATUS_ERASE_PARAM        (1u << 27)
#define SD_STATUS_WP_VIOLATION       (1u << 26)
#define SD_STATUS_CARD_IS_LOCKED     (1u << 25)
#define SD_STATUS_LOCK_UNLOCK_FAILED (1u << 24)
#define SD_STATUS_COM_CRC_ERROR      (1u << 23)
#define SD_STATUS_ILLEGAL_COMMAND    (1u << 22)
#define SD_STATUS_CARD_ECC_FAILED    (1u << 21)
#define SD_STATUS_CC_ERROR           (1u << 20)
#define SD_STATUS_ERROR              (1u << 19)
#define SD_STATUS_CSD_OVERWRITE      (1u << 16)
#define SD_STATUS_WP_ERASE_SKIP      (1u << 15)
#define SD_STATUS_CARD_ECC_DISABLED  (1u << 14)
#define SD_STATUS_ERASE_RESET        (1u << 13)
#define SD_STATUS_STATE_SHIFT        9
#define SD_STATUS_STATE_MASK         (0xfu << SD_STATUS_STATE_SHIFT)
#define SD_STATUS_READY_FOR_DATA     (1u << 8)
#define SD_STATUS_APP_CMD            (1u << 5)
#define SD_STATUS_AKE_SEQ_ERROR      (1u << 3)

/* CURRENT_STATE values (spec table 4-42). */
enum sd_state {
    SD_STATE_IDLE = 0,
    SD_STATE_READY = 1,
    SD_STATE_IDENT = 2,
    SD_STATE_STBY = 3,
    SD_STATE_TRAN = 4,
    SD_STATE_DATA = 5,
    SD_STATE_RCV = 6,
    SD_STATE_PRG = 7,
    SD_STATE_DIS = 8,
    SD_STATE_INA = 15,      /* inactive: not a reportable state, never answers */
};

/* OCR bits (spec 5.1). */
#define SD_OCR_BUSY     (1u << 31)     /* set when power-up is complete */
#define SD_OCR_CCS      (1u << 30)     /* card capacity status: high capacity */
#define SD_OCR_HCS      (1u << 30)     /* in the ACMD41 argument: host supports SDHC */
#define SD_OCR_VOLTAGES 0x00ff8000u    /* 2.7-3.6 V */

/* What the card drove on the CMD line in answer to a command. */
struct sd_response {
    unsigned bits;      /* 0: no response; 48: R1/R1b/R3/R6/R7; 136: R2 */
    unsigned index;     /* command index field (63 for R2 and R3) */
    bool crc_valid;     /* false for R3, whose CRC7 field is all ones */
    /*
     * 48 bits: word[0] = response bits 39:8 (the card status, OCR, ...).
     * 136 bits: word[0..3] = the CID/CSD register bits 127:0, most
     * significant word first (bits 7:1 of word[3] hold its CRC7).
     */
    uint32_t word[4];
};

/*
 * Opens a raw image. The size must be a non-zero multiple of 512 bytes
 * (at most 2 TiB). A read-write card takes an exclusive lock on the file,
 * a read-only one a shared lock. On failure returns NULL and writes a
 * one-line reason to err.
 */
struct sdcard *sdcard_open(const char *path, bool read_only, char *err, size_t errlen);
/* Flushes pending writes to stable storage and closes the image. */
void sdcard_close(struct sdcard *card);

/* Power-on reset: back to idle, RCA 0, pending writes flushed. */
void sdcard_reset(struct sdcard *card);

/* One command on the CMD line; rsp->bits == 0 means the card stayed silent. */
void sdcard_command(struct sdcard *card, unsigned index, uint32_t arg, struct sd_response *rsp);

/* True while the card is sending a data block to the host (data state). */
bool sdcard_sending(const struct sdcard *card);
/* True while the card expects data blocks from the host (receive state). */
bool sdcard_receiving(const struct sdcard *card);

/*
 * Reads up to len bytes the card is sending. Returns the number of bytes
 * produced; fewer than len means the card stopped (end of the transfer,
 * or an error the card reports in its status).
 */
size_t sdcard_read_data(struct sdcard *card, uint8_t *buf, size_t len);
/*
 * Gives up to len bytes to a card in the receive state. Returns the number
 * of bytes accepted (fewer than len: the card does not take data now), or
 * -EIO when a block completed by these bytes could not be written (the
 * card answers with a negative CRC status token; the reason is in its
 * status register).
 */
int sdcard_write_data(struct sdcard *card, const uint8_t *buf, size_t len);

bool sdcard_read_only(const struct sdcard *card);
bool sdcard_high_capacity(const struct sdcard *card);
/* Image size in bytes. */
uint64_t sdcard_size(const struct sdcard *card);
enum sd_state sdcard_state(const struct sdcard *card);
const char *sdcard_path(const struct sdcard *card);

/* One-paragraph summary for the monitor. */
void sdcard_dump(const struct sdcard *card, FILE *out);

/*
 * savevm/loadvm of the card's protocol state, inside its controller's
 * section. The image's contents are not saved; loading checks its size
 * and kind match. Returns 0 or -1.
 */
struct snapshot_io;
int sdcard_snapshot(struct sdcard *card, struct snapshot_io *io);

#endif
