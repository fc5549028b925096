/*
 * SD memory card (SD Physical Layer Simplified Specification 2.00, the
 * "spec" below): card state machine, CID/CSD/SCR/SD status registers and
 * block transfers to a raw image file.
 *
 * Commands: CMD0, 2, 3, 6, 7, 8, 9, 10, 12, 13, 15, 16, 17, 18, 24, 25, 55
 * and ACMD6, 13, 22, 23, 41, 42, 51. Anything else, or a command in a state
 * where the spec does not allow it, is an illegal command: the card stays
 * silent (the host sees a command timeout) and reports ILLEGAL_COMMAND in
 * its next response (spec 4.3.1, table 4-42 type "E R").
 *
 * Data: reads and writes go straight to the image with pread/pwrite, one
 * block at a time. Durability: the file is fdatasync'ed when a write
 * command finishes (end of CMD24's block, CMD12 after CMD25), and on
 * CMD0, deselect, reset and close, so what the guest wrote is on stable
 * storage by the time it gets the response it waits for before a flush
 * completes. Host I/O errors become card errors (CARD_ECC_FAILED on read,
 * ERROR on write, and a failed transfer on the bus), never a crash.
 *
 * Not modelled: erase (command class 5), lock/unlock (class 7), CMD23,
 * UHS/high-speed switching (CMD6 reports function 0 only in every group),
 * SPI mode, card busy signalling (programming completes instantly), the
 * CSD write (CMD27) and the DSR (CMD4).
 */
#include "devices/sdcard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/report.h"
#include "base/snapshot.h"

#define SD_BLOCK 512u
#define SD_SDSC_MAX (2ull << 30)        /* larger images are SDHC/SDXC */
#define SD_SDHC_UNIT (512u << 10)       /* CSD v2 C_SIZE granularity */
#define SD_MAX_SIZE ((uint64_t)SD_SDHC_UNIT << 22)  /* 22-bit C_SIZE: 2 TiB */
#define SD_FIRST_RCA 0x4567u
#define SD_MAX_IO_REPORTS 3

/* Status bits the card clears once a response has carried them (table 4-42 "C"). */
#define SD_STATUS_CLEAR_ON_READ                                                      \
    (SD_STATUS_OUT_OF_RANGE | SD_STATUS_ADDRESS_ERROR | SD_STATUS_BLOCK_LEN_ERROR |  \
     SD_STATUS_ERASE_SEQ_ERROR | SD_STATUS_ERASE_PARAM | SD_STATUS_WP_VIOLATION |    \
     SD_STATUS_LOCK_UNLOCK_FAILED | SD_STATUS_COM_CRC_ERROR |                         \
     SD_STATUS_ILLEGAL_COMMAND | SD_STATUS_CARD_ECC_FAILED | SD_STATUS_CC_ERROR |     \
     SD_STATUS_ERROR | SD_STATUS_CSD_OVERWRITE | SD_STATUS_WP_ERASE_SKIP |            \
     SD_STATUS_ERASE_RESET | SD_STATUS_AKE_SEQ_ERROR)

/* CSD command classes (spec 5.3.2 CCC): basic, block read, block write,
 * application specific, switch. */
#define SD_CCC 0x515u

enum sd_xfer {
    XFER_NONE,
    XFER_REG,           /* a register read: SCR, SD status, switch status, ... */
    XFER_READ_SINGLE,
    XFER_READ_MULTI,
    XFER_WRITE_SINGLE,
    XFER_WRITE_MULTI,
};

struct sdcard {
    int fd;
    char *path;
    bool read_only;
    bool high_capacity;
    uint64_t size;              /* image bytes: the limit of every access */
    uint64_t csd_capacity;      /* what the CSD announces (size rounded down) */

    enum sd_state state;
    uint32_t status;            /* card status without CURRENT_STATE */
    uint32_t ocr;
    uint16_t rca;
    uint16_t next_rca;
    uint32_t blocklen;          /* CMD16 (SDSC reads) */
    unsigned bus_width;         /* ACMD6: 1 or 4 */
    bool app_cmd;               /* the previous command was CMD55 */
    uint8_t cid[16];
    uint8_t csd[16];
    uint8_t scr[8];

    /* The transfer in progress. */
    enum sd_xfer xfer;
    uint64_t addr;              /* byte address of the next block to load/program */
    uint32_t xfer_blocklen;
    uint8_t buf[SD_BLOCK];
    uint32_t buf_len, buf_pos;
    bool stalled;               /* an error stopped the transfer; CMD12 ends it */
    uint32_t blocks_written;    /* ACMD22 */
    bool dirty;                 /* written since the last fdatasync */

    uint64_t io_errors;
};

/* ---- register images ---- */

/* Stores value in bits hi..lo of a big-endian register of nbytes bytes. */
static void sd_set_bits(uint8_t *reg, unsigned nbytes, unsigned hi, unsigned lo, uint32_t value)
{
    for (unsigned bit = lo; bit <= hi; bit++, value >>= 1) {
        uint8_t *byte = &reg[nbytes - 1 - bit / 8];
        uint8_t mask = (uint8_t)(1u << (bit % 8));
        *byte = (value & 1) ? (uint8_t)(*byte | mask) : (uint8_t)(*byte & ~mask);
    }
}

/* CRC7, generator x^7 + x^3 + 1 (spec 4.5), over whole bytes MSB first. */
static uint8_t sd_crc7(const uint8_t *data, size_t len)
{
    unsigned crc = 0;
    for (size_t i = 0; i < len; i++) {
        for (int b = 7; b >= 0; b--) {
            unsigned in = ((data[i] >> b) & 1u) ^ ((crc >> 6) & 1u);
            crc = (crc << 1) & 0x7fu;
            if (in)
                crc ^= 0x09u;
        }
    }
    return (uint8_t)crc;
}

/* Bits 7:1 of CID and CSD are the CRC7 of bits 127:8, bit 0 is always 1. */
static void sd_seal_register(uint8_t reg[16])
{
    reg[15] = (uint8_t)(sd_crc7(reg, 15) << 1 | 1u);
}

/* CID (spec 5.2). */
static void sd_build_cid(struct sdcard *card)
{
    uint8_t *cid = card->cid;
    memset(cid, 0, 16);
    sd_set_bits(cid, 16, 127, 120, 0x5a);              /* MID */
    sd_set_bits(cid, 16, 119, 104, 'A' << 8 | 'H');    /* OID */
    static const char pnm[5] = { 'A', 'R', 'M', 'H', 'V' };
    for (unsigned i = 0; i < 5; i++)
        sd_set_bits(cid, 16, 103 - 8 * i, 96 - 8 * i, (uint8_t)pnm[i]);
    sd_set_bits(cid, 16, 63, 56, 0x10);                /* PRV 1.0 */
    /* PSN: derived from the size so it is stable across runs. */
    uint32_t psn = (uint32_t)(card->size >> 9) ^ (uint32_t)(card->size >> 41) ^ 0x41524d00u;
    sd_set_bits(cid, 16, 55, 24, psn);
    sd_set_bits(cid, 16, 19, 8, (2025 - 2000) << 4 | 1);   /* MDT: January 2025 */
    sd_seal_register(cid);
}

/*
 * CSD (spec 5.3). Version 1.0 for SDSC: capacity = (C_SIZE + 1) <<
 * (C_SIZE_MULT + 2 + READ_BL_LEN), READ_BL_LEN 9 up to 1 GiB and 10 up to
 * 2 GiB (spec 5.3.2 note on 2 GB cards; CMD16 still caps blocks at 512).
 * Version 2.0 for SDHC/SDXC: capacity = (C_SIZE + 1) * 512 KiB. A size
 * the fields cannot express exactly is rounded down.
 */
static void sd_build_csd(struct sdcard *card)
{
    uint8_t *csd = card->csd;
    memset(csd, 0, 16);
    sd_set_bits(csd, 16, 119, 112, 0x0e);      /* TAAC: 1 ms */
    sd_set_bits(csd, 16, 111, 104, 0x00);      /* NSAC */
    sd_set_bits(csd, 16, 103, 96, 0x32);       /* TRAN_SPEED: 25 MHz */
    sd_set_bits(csd, 16, 95, 84, SD_CCC);
    if (card->high_capacity) {
        uint32_t c_size = (uint32_t)(card->size / SD_SDHC_UNIT) - 1;
        sd_set_bits(csd, 16, 127, 126, 1);     /* CSD_STRUCTURE 2.0 */
        sd_set_bits(csd, 16, 83, 80, 9);       /* READ_BL_LEN */
        sd_set_bits(csd, 16, 69, 48, c_size);
        sd_set_bits(csd, 16, 25, 22, 9);       /* WRITE_BL_LEN */
        card->csd_capacity = ((uint64_t)c_size + 1) * SD_SDHC_UNIT;
    } else {
        unsigned bl_len = card->size > (1ull << 30) ? 10 : 9;
        uint64_t blocks = card->size >> bl_len;
        unsigned mult = 0;
        while (mult < 7 && (blocks >> (mult + 2)) > 4096)
            mult++;
        uint64_t units = blocks >> (mult + 2);
        uint32_t c_size = units ? (uint32_t)units - 1 : 0;
        sd_set_bits(csd, 16, 127, 126, 0);     /* CSD_STRUCTURE 1.0 */
        sd_set_bits(csd, 16, 83, 80, bl_len);  /* READ_BL_LEN */
        sd_set_bits(csd, 16, 79, 79, 1);       /* READ_BL_PARTIAL */
        sd_set_bits(csd, 16, 77, 77, 1);       /* READ_BLK_MISALIGN */
        sd_set_bits(csd, 16, 73, 62, c_size);
        sd_set_bits(csd, 16, 61, 59, 7);       /* VDD_R_CURR_MIN */
        sd_set_bits(csd, 16, 58, 56, 6);       /* VDD_R_CURR_MAX */
        sd_set_bits(csd, 16, 55, 53, 7);       /* VDD_W_CURR_MIN */
        sd_set_bits(csd, 16, 52, 50, 6);       /* VDD_W_CURR_MAX */
        sd_set_bits(csd, 16, 49, 47, mult);    /* C_SIZE_MULT */
        sd_set_bits(csd, 16, 25, 22, bl_len);  /* WRITE_BL_LEN */
        card->csd_capacity = ((uint64_t)c_size + 1) << (mult + 2 + bl_len);
    }
    sd_set_bits(csd, 16, 46, 46, 1);           /* ERASE_BLK_EN */
    sd_set_bits(csd, 16, 45, 39, 0x7f);        /* SECTOR_SIZE */
    sd_set_bits(csd, 16, 28, 26, 2);           /* R2W_FACTOR: x4 */
    /* A read-only image is a card with temporary write protection. */
    sd_set_bits(csd, 16, 12, 12, card->read_only);     /* TMP_WRITE_PROTECT */
    sd_seal_register(csd);
}

/* SCR (spec 5.6): physical layer 2.00, 1- and 4-bit bus, no CMD23. */
static void sd_build_scr(struct sdcard *card)
{
    memset(card->scr, 0, sizeof(card->scr));
    sd_set_bits(card->scr, 8, 59, 56, 2);      /* SD_SPEC */
    sd_set_bits(card->scr, 8, 51, 48, 0x5);    /* SD_BUS_WIDTHS */
}

/* ---- host file access ---- */

static void sd_report_io(struct sdcard *card, const char *what, uint64_t offset, int err)
{
    card->io_errors++;
    if (card->io_errors <= SD_MAX_IO_REPORTS)
        report_warning("SD card %s: %s at offset %llu failed: %s%s", card->path, what,
                       (unsigned long long)offset, strerror(err),
                       card->io_errors == SD_MAX_IO_REPORTS ? " (further errors not shown)"
                                                            : "");
}

static int sd_pread(struct sdcard *card, uint8_t *buf, size_t len, uint64_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(card->fd, buf + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sd_report_io(card, "read", offset, n < 0 ? errno : EIO);
            return -EIO;
        }
        done += (size_t)n;
    }
    return 0;
}

static int sd_pwrite(struct sdcard *card, const uint8_t *buf, size_t len, uint64_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(card->fd, buf + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sd_report_io(card, "write", offset, n < 0 ? errno : EIO);
            return -EIO;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Makes every block written so far durable; a failure is a card ERROR. */
static int sd_flush(struct sdcard *card)
{
    if (!card->dirty)
        return 0;
    card->dirty = false;
    while (fdatasync(card->fd) < 0) {
        if (errno == EINTR)
            continue;
        sd_report_io(card, "fdatasync", 0, errno);
        card->status |= SD_STATUS_ERROR;
        return -EIO;
    }
    return 0;
}

/* ---- transfers ---- */

static void sd_end_transfer(struct sdcard *card)
{
    card->xfer = XFER_NONE;
    card->buf_len = card->buf_pos = 0;
    card->stalled = false;
    card->state = SD_STATE_TRAN;
}

/*
 * Ends a write command: a partial block is discarded (spec 4.3.4: the
 * host aborted it) and what was programmed is flushed.
 */
static int sd_finish_write(struct sdcard *card)
{
    if (card->xfer == XFER_WRITE_SINGLE || card->xfer == XFER_WRITE_MULTI)
        card->buf_pos = 0;
    return sd_flush(card);
}

/* Starts sending a register image of len bytes (len <= SD_BLOCK). */
static void sd_send_register(struct sdcard *card, const uint8_t *data, uint32_t len)
{
    memcpy(card->buf, data, len);
    card->buf_len = len;
    card->buf_pos = 0;
    card->xfer = XFER_REG;
    card->stalled = false;
    card->state = SD_STATE_DATA;
}

/* SDSC cards take byte addresses, SDHC/SDXC cards block numbers (spec 4.3.14). */
static uint64_t sd_address(const struct sdcard *card, uint32_t arg)
{
    return card->high_capacity ? (uint64_t)arg * SD_BLOCK : arg;
}

/* Loads the next block of a read; false when the card has to stop sending. */
static bool sd_load_read_block(struct sdcard *card)
{
    uint32_t len = card->xfer_blocklen;
    if (card->addr + len > card->size) {
        card->status |= SD_STATUS_OUT_OF_RANGE;
        card->stalled = true;
        return false;
    }
    if (sd_pread(card, card->buf, len, card->addr) < 0) {
        card->status |= SD_STATUS_CARD_ECC_FAILED;
        card->stalled = true;
        return false;
    }
    card->addr += len;
    card->buf_len = len;
    card->buf_pos = 0;
    return true;
}

/* Programs the block just received; -EIO makes the host see a failed block. */
static int sd_program_block(struct sdcard *card)
{
    int rc = 0;
    if (card->addr + SD_BLOCK > card->size) {
        card->status |= SD_STATUS_OUT_OF_RANGE;
        rc = -EIO;
    } else if (sd_pwrite(card, card->buf, SD_BLOCK, card->addr) < 0) {
        card->status |= SD_STATUS_ERROR;
        rc = -EIO;
    } else {
        card->addr += SD_BLOCK;
        card->blocks_written++;
        card->dirty = true;
    }
    if (card->xfer == XFER_WRITE_SINGLE) {
        /* The write command ends with its block: make it durable now. */
        if (sd_flush(card) < 0)
            rc = -EIO;
        sd_end_transfer(card);
    } else if (rc < 0) {
        card->stalled = true;   /* no more blocks until CMD12 */
    }
    return rc;
}

size_t sdcard_read_data(struct sdcard *card, uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len && card->state == SD_STATE_DATA && !card->stalled) {
        if (card->buf_pos == card->buf_len && !sd_load_read_block(card))
            break;
        size_t n = card->buf_len - card->buf_pos;
        if (n > len - done)
            n = len - done;
        memcpy(buf + done, card->buf + card->buf_pos, n);
        card->buf_pos += (uint32_t)n;
        done += n;
        if (card->buf_pos == card->buf_len && card->xfer != XFER_READ_MULTI)
            sd_end_transfer(card);
    }
    return done;
}

int sdcard_write_data(struct sdcard *card, const uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len && card->state == SD_STATE_RCV && !card->stalled) {
        size_t n = SD_BLOCK - card->buf_pos;
        if (n > len - done)
            n = len - done;
        memcpy(card->buf + card->buf_pos, buf + done, n);
        card->buf_pos += (uint32_t)n;
        done += n;
        if (card->buf_pos == SD_BLOCK) {
            card->buf_pos = 0;
            if (sd_program_block(card) < 0)
                return -EIO;
        }
    }
    return (int)done;
}

/* ---- commands ---- */

enum sd_rsp_type { RSP_NONE, RSP_R1, RSP_R1B, RSP_R2, RSP_R3, RSP_R6, RSP_R7 };

enum sd_result {
    SD_RESPOND,         /* answer with the command's response type */
    SD_SILENT,          /* legal, but the card does not answer (e.g. another RCA) */
    SD_ILLEGAL,         /* illegal: silent now, ILLEGAL_COMMAND next time */
};

/* What a command handler hands back to the response builder. */
struct sd_exec {
    uint32_t errors;            /* status bits detected by this command */
    uint32_t word;              /* R3/R7 payload */
    const uint8_t *reg;         /* R2 payload (CID or CSD) */
};

struct sd_command {
    uint8_t index;
    bool app;                   /* ACMD: only right after CMD55 */
    bool addressed;             /* arg[31:16] must be our RCA, else we ignore it */
    enum sd_rsp_type rsp;
    uint16_t states;            /* bit n set: legal in state n */
    enum sd_result (*run)(struct sdcard *card, uint32_t arg, struct sd_exec *x);
    const char *name;
};

#define ST(s) (1u << SD_STATE_##s)
#define ST_ANY (ST(IDLE) | ST(READY) | ST(IDENT) | ST(STBY) | ST(TRAN) | ST(DATA) | \
                ST(RCV) | ST(PRG) | ST(DIS))
#define ST_ADDRESSED (ST(STBY) | ST(TRAN) | ST(DATA) | ST(RCV) | ST(PRG) | ST(DIS))

static void sd_go_idle(struct sdcard *card)
{
    sd_finish_write(card);
    card->state = SD_STATE_IDLE;
    card->status = 0;
    card->ocr = SD_OCR_VOLTAGES;
    card->rca = 0;
    card->blocklen = SD_BLOCK;
    card->bus_width = 1;
    card->app_cmd = false;
    card->xfer = XFER_NONE;
    card->buf_len = card->buf_pos = 0;
    card->stalled = false;
}

static enum sd_result sd_cmd0(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    sd_go_idle(card);
    return SD_SILENT;
}

static enum sd_result sd_cmd2(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg;
    x->reg = card->cid;
    card->state = SD_STATE_IDENT;
    return SD_RESPOND;
}

/* SEND_RELATIVE_ADDR: the card publishes a new RCA each time (spec 4.2.2). */
static enum sd_result sd_cmd3(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    card->rca = card->next_rca;
    card->next_rca = (uint16_t)(card->next_rca + 0x1111u);
    if (!card->next_rca)
        card->next_rca = SD_FIRST_RCA;
    card->state = SD_STATE_STBY;
    return SD_RESPOND;
}

/*
 * SWITCH_FUNC (spec 4.3.10): only function 0 (default) exists in each of
 * the six groups, so mode 1 never switches anything; the 512-bit status
 * says so (table 4-11).
 */
static enum sd_result sd_cmd6(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)x;
    uint8_t status[64];
    memset(status, 0, sizeof(status));
    bool ok = true;
    for (unsigned group = 0; group < 6; group++) {
        unsigned want = (arg >> (4 * group)) & 0xfu;
        unsigned result = (want == 0 || want == 0xf) ? 0 : 0xf;
        if (result == 0xf)
            ok = false;
        sd_set_bits(status, 64, 415 + 16 * group, 400 + 16 * group, 0x8001);
        sd_set_bits(status, 64, 379 + 4 * group, 376 + 4 * group, result);
    }
    bool switching = arg >> 31;
    sd_set_bits(status, 64, 511, 496, switching && !ok ? 0 : 100);   /* mA */
    sd_send_register(card, status, sizeof(status));
    return SD_RESPOND;
}

/* SELECT/DESELECT_CARD: our RCA selects, any other RCA deselects silently. */
static enum sd_result sd_cmd7(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)x;
    if ((arg >> 16) == card->rca) {
        if (card->state != SD_STATE_STBY)
            return SD_ILLEGAL;
        card->state = SD_STATE_TRAN;
        return SD_RESPOND;
    }
    if (card->state != SD_STATE_STBY) {
        sd_finish_write(card);
        sd_end_transfer(card);
        card->state = SD_STATE_STBY;
    }
    return SD_SILENT;
}

/* SEND_IF_COND: echo the check pattern if we accept the voltage (spec 4.3.13). */
static enum sd_result sd_cmd8(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)card;
    if (((arg >> 8) & 0xfu) != 0x1)     /* only 2.7-3.6 V */
        return SD_SILENT;
    x->word = arg & 0xfffu;
    return SD_RESPOND;
}

static enum sd_result sd_cmd9(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg;
    x->reg = card->csd;
    return SD_RESPOND;
}

static enum sd_result sd_cmd10(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg;
    x->reg = card->cid;
    return SD_RESPOND;
}

static enum sd_result sd_cmd12(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg;
    if (card->state == SD_STATE_RCV && sd_finish_write(card) < 0)
        x->errors |= SD_STATUS_ERROR;
    sd_end_transfer(card);
    return SD_RESPOND;
}

static enum sd_result sd_cmd13(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)card, (void)arg, (void)x;
    return SD_RESPOND;
}

static enum sd_result sd_cmd15(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    sd_finish_write(card);
    sd_end_transfer(card);
    card->state = SD_STATE_INA;
    return SD_SILENT;
}

/* SET_BLOCKLEN: SDSC reads only; SDHC blocks are always 512 bytes. */
static enum sd_result sd_cmd16(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    if (arg == 0 || arg > SD_BLOCK)
        x->errors |= SD_STATUS_BLOCK_LEN_ERROR;
    else
        card->blocklen = arg;
    return SD_RESPOND;
}

static enum sd_result sd_start_read(struct sdcard *card, uint32_t arg, struct sd_exec *x,
                                    bool multi)
{
    uint64_t addr = sd_address(card, arg);
    uint32_t len = card->high_capacity ? SD_BLOCK : card->blocklen;
    if (addr + len > card->size) {
        x->errors |= SD_STATUS_OUT_OF_RANGE;
        return SD_RESPOND;
    }
    card->xfer = multi ? XFER_READ_MULTI : XFER_READ_SINGLE;
    card->addr = addr;
    card->xfer_blocklen = len;
    card->buf_len = card->buf_pos = 0;
    card->stalled = false;
    card->state = SD_STATE_DATA;
    return SD_RESPOND;
}

static enum sd_result sd_cmd17(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    return sd_start_read(card, arg, x, false);
}

static enum sd_result sd_cmd18(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    return sd_start_read(card, arg, x, true);
}

/* Write commands: the errors are "X" type, reported in this response (table 4-42). */
static enum sd_result sd_start_write(struct sdcard *card, uint32_t arg, struct sd_exec *x,
                                     bool multi)
{
    uint64_t addr = sd_address(card, arg);
    if (card->read_only)
        x->errors |= SD_STATUS_WP_VIOLATION;
    else if (!card->high_capacity && card->blocklen != SD_BLOCK)
        x->errors |= SD_STATUS_BLOCK_LEN_ERROR;     /* WRITE_BL_PARTIAL = 0 */
    else if (addr % SD_BLOCK)
        x->errors |= SD_STATUS_ADDRESS_ERROR;       /* WRITE_BLK_MISALIGN = 0 */
    else if (addr + SD_BLOCK > card->size)
        x->errors |= SD_STATUS_OUT_OF_RANGE;
    if (x->errors)
        return SD_RESPOND;
    card->xfer = multi ? XFER_WRITE_MULTI : XFER_WRITE_SINGLE;
    card->addr = addr;
    card->xfer_blocklen = SD_BLOCK;
    card->buf_len = SD_BLOCK;
    card->buf_pos = 0;
    card->stalled = false;
    card->blocks_written = 0;
    card->state = SD_STATE_RCV;
    return SD_RESPOND;
}

static enum sd_result sd_cmd24(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    return sd_start_write(card, arg, x, false);
}

static enum sd_result sd_cmd25(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    return sd_start_write(card, arg, x, true);
}

static enum sd_result sd_cmd55(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    card->app_cmd = true;
    return SD_RESPOND;
}

static enum sd_result sd_acmd6(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)x;
    card->bus_width = (arg & 3u) == 2 ? 4 : 1;
    return SD_RESPOND;
}

/* SD_STATUS (spec 4.10.2, table 4-44): bus width, the rest zero. */
static enum sd_result sd_acmd13(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    uint8_t status[64];
    memset(status, 0, sizeof(status));
    sd_set_bits(status, 64, 511, 510, card->bus_width == 4 ? 2 : 0);
    sd_send_register(card, status, sizeof(status));
    return SD_RESPOND;
}

/* SEND_NUM_WR_BLOCKS: blocks of the last write command written without error. */
static enum sd_result sd_acmd22(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    uint8_t count[4];
    memset(count, 0, sizeof(count));
    sd_set_bits(count, 4, 31, 0, card->blocks_written);
    sd_send_register(card, count, sizeof(count));
    return SD_RESPOND;
}

/* SET_WR_BLK_ERASE_COUNT and SET_CLR_CARD_DETECT: accepted, no effect here. */
static enum sd_result sd_acmd_nop(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)card, (void)arg, (void)x;
    return SD_RESPOND;
}

/*
 * SD_SEND_OP_COND (spec 4.2.3): an argument without voltages is an
 * inquiry. A high-capacity card stays busy for a host that does not set
 * HCS. Power-up completes at once otherwise.
 */
static enum sd_result sd_acmd41(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    uint32_t voltages = arg & SD_OCR_VOLTAGES;
    if (voltages && !(voltages & card->ocr)) {
        card->state = SD_STATE_INA;
        return SD_SILENT;
    }
    if (voltages && (!card->high_capacity || (arg & SD_OCR_HCS))) {
        card->ocr |= SD_OCR_BUSY;
        if (card->high_capacity)
            card->ocr |= SD_OCR_CCS;
        card->state = SD_STATE_READY;
    }
    x->word = card->ocr;
    return SD_RESPOND;
}

static enum sd_result sd_acmd51(struct sdcard *card, uint32_t arg, struct sd_exec *x)
{
    (void)arg, (void)x;
    sd_send_register(card, card->scr, sizeof(card->scr));
    return SD_RESPOND;
}

static const struct sd_command sd_commands[] = {
    /* idx app  addr   rsp      legal in          handler      name */
    { 0,  false, false, RSP_NONE, ST_ANY,            sd_cmd0,     "GO_IDLE_STATE" },
    { 2,  false, false, RSP_R2,   ST(READY),         sd_cmd2,     "ALL_SEND_CID" },
    { 3,  false, false, RSP_R6,   ST(IDENT) | ST(STBY), sd_cmd3,  "SEND_RELATIVE_ADDR" },
    { 6,  false, false, RSP_R1,   ST(TRAN),          sd_cmd6,     "SWITCH_FUNC" },
    { 7,  false, false, RSP_R1B,  ST_ADDRESSED,      sd_cmd7,     "SELECT_CARD" },
    { 8,  false, false, RSP_R7,   ST(IDLE),          sd_cmd8,     "SEND_IF_COND" },
    { 9,  false, true,  RSP_R2,   ST(STBY),          sd_cmd9,     "SEND_CSD" },
    { 10, false, true,  RSP_R2,   ST(STBY),          sd_cmd10,    "SEND_CID" },
    { 12, false, false, RSP_R1B,  ST(DATA) | ST(RCV), sd_cmd12,   "STOP_TRANSMISSION" },
    { 13, false, true,  RSP_R1,   ST_ADDRESSED,      sd_cmd13,    "SEND_STATUS" },
    { 15, false, true,  RSP_NONE, ST_ADDRESSED,      sd_cmd15,    "GO_INACTIVE_STATE" },
    { 16, false, false, RSP_R1,   ST(TRAN),          sd_cmd16,    "SET_BLOCKLEN" },
    { 17, false, false, RSP_R1,   ST(TRAN),          sd_cmd17,    "READ_SINGLE_BLOCK" },
    { 18, false, false, RSP_R1,   ST(TRAN),          sd_cmd18,    "READ_MULTIPLE_BLOCK" },
    { 24, false, false, RSP_R1,   ST(TRAN),          sd_cmd24,    "WRITE_BLOCK" },
    { 25, false, false, RSP_R1,   ST(TRAN),          sd_cmd25,    "WRITE_MULTIPLE_BLOCK" },
    { 55, false, true,  RSP_R1,   ST_ANY,            sd_cmd55,    "APP_CMD" },
    { 6,  true,  false, RSP_R1,   ST(TRAN),          sd_acmd6,    "SET_BUS_WIDTH" },
    { 13, true,  false, RSP_R1,   ST(TRAN),          sd_acmd13,   "SD_STATUS" },
    { 22, true,  false, RSP_R1,   ST(TRAN),          sd_acmd22,   "SEND_NUM_WR_BLOCKS" },
    { 23, true,  false, RSP_R1,   ST(TRAN),          sd_acmd_nop, "SET_WR_BLK_ERASE_COUNT" },
    { 41, true,  false, RSP_R3,   ST(IDLE),          sd_acmd41,   "SD_SEND_OP_COND" },
    { 42, true,  false, RSP_R1,   ST(TRAN),          sd_acmd_nop, "SET_CLR_CARD_DETECT" },
    { 51, true,  false, RSP_R1,   ST(TRAN),          sd_acmd51,   "SEND_SCR" },
};

static const struct sd_command *sd_find_command(unsigned index, bool app)
{
    for (size_t i = 0; i < sizeof(sd_commands) / sizeof(sd_commands[0]); i++)
        if (sd_commands[i].index == index && sd_commands[i].app == app)
            return &sd_commands[i];
    return NULL;
}

/* R1 card status: CURRENT_STATE is the state the command was received in. */
static uint32_t sd_r1_status(struct sdcard *card, enum sd_state received_in, uint32_t errors,
                             bool app)
{
    uint32_t status = (card->status | errors) & ~SD_STATUS_STATE_MASK;
    status |= (uint32_t)received_in << SD_STATUS_STATE_SHIFT;
    status |= SD_STATUS_READY_FOR_DATA;
    if (app)
        status |= SD_STATUS_APP_CMD;
    card->status &= ~SD_STATUS_CLEAR_ON_READ;
    return status;
}

void sdcard_command(struct sdcard *card, unsigned index, uint32_t arg, struct sd_response *rsp)
{
    memset(rsp, 0, sizeof(*rsp));
    bool app = card->app_cmd;
    card->app_cmd = false;
    if (card->state == SD_STATE_INA)
        return;     /* only a power cycle brings an inactive card back */

    const struct sd_command *cmd = app ? sd_find_command(index, true) : NULL;
    if (!cmd) {
        /* An index that is not an ACMD is taken as the plain command (spec 4.3.9). */
        app = false;
        cmd = sd_find_command(index, false);
    }
    if (!cmd || !(cmd->states & (1u << card->state))) {
        card->status |= SD_STATUS_ILLEGAL_COMMAND;
        return;
    }
    if (cmd->addressed && (arg >> 16) != card->rca)
        return;

    enum sd_state received_in = card->state;
    struct sd_exec x = { 0, 0, NULL };
    enum sd_result result = cmd->run(card, arg, &x);
    if (result == SD_ILLEGAL) {
        card->status |= SD_STATUS_ILLEGAL_COMMAND;
        return;
    }
    if (result == SD_SILENT || cmd->rsp == RSP_NONE)
        return;

    bool app_flag = app || card->app_cmd;
    rsp->index = index;
    rsp->crc_valid = true;
    rsp->bits = 48;
    switch (cmd->rsp) {
    case RSP_R1:
    case RSP_R1B:
        rsp->word[0] = sd_r1_status(card, received_in, x.errors, app_flag);
        break;
    case RSP_R2:
        rsp->bits = 136;
        rsp->index = 63;
        for (unsigned i = 0; i < 4; i++)
            rsp->word[i] = (uint32_t)x.reg[4 * i] << 24 | (uint32_t)x.reg[4 * i + 1] << 16 |
                           (uint32_t)x.reg[4 * i + 2] << 8 | x.reg[4 * i + 3];
        break;
    case RSP_R3:
        rsp->index = 63;
        rsp->crc_valid = false;
        rsp->word[0] = x.word;
        break;
    case RSP_R6: {
        /* Status bits 23, 22, 19 and 12:0 squeezed under the new RCA (spec 4.9.5). */
        uint32_t status = sd_r1_status(card, received_in, x.errors, app_flag);
        rsp->word[0] = (uint32_t)card->rca << 16 |
                       ((status & SD_STATUS_COM_CRC_ERROR) ? 1u << 15 : 0) |
                       ((status & SD_STATUS_ILLEGAL_COMMAND) ? 1u << 14 : 0) |
                       ((status & SD_STATUS_ERROR) ? 1u << 13 : 0) | (status & 0x1fffu);
        break;
    }
    case RSP_R7:
        rsp->word[0] = x.word;
        break;
    case RSP_NONE:
    default:
        rsp->bits = 0;
        break;
    }
}

/* ---- lifetime and queries ---- */

struct sdcard *sdcard_open(const char *path, bool read_only, char *err, size_t errlen)
{
    int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot open SD card image %s: %s%s", path, strerror(e),
                 (!read_only && (e == EACCES || e == EROFS)) ? " (try read-only = yes)" : "");
        return NULL;
    }
    struct stat st;
    uint64_t size = 0;
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "cannot stat SD card image %s: %s", path, strerror(errno));
        goto fail;
    }
    if (S_ISREG(st.st_mode)) {
        size = (uint64_t)st.st_size;
    } else if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        if (end < 0) {
            snprintf(err, errlen, "cannot size SD card device %s: %s", path, strerror(errno));
            goto fail;
        }
        size = (uint64_t)end;
    } else {
        snprintf(err, errlen, "SD card image %s is not a regular file or block device", path);
        goto fail;
    }
    if (size == 0 || size % SD_BLOCK) {
        snprintf(err, errlen,
                 "SD card image %s is %llu bytes: the size must be a non-zero multiple of "
                 "512 (e.g. truncate -s 64M %s)",
                 path, (unsigned long long)size, path);
        goto fail;
    }
    if (size > SD_MAX_SIZE) {
        snprintf(err, errlen, "SD card image %s is %llu bytes: at most 2 TiB is supported",
                 path, (unsigned long long)size);
        goto fail;
    }
    if (flock(fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
        snprintf(err, errlen, "SD card image %s is in use (locked by another user): %s", path,
                 strerror(errno));
        goto fail;
    }

    struct sdcard *card = calloc(1, sizeof(*card));
    char *copy = strdup(path);
    if (!card || !copy) {
        free(card);
        free(copy);
        snprintf(err, errlen, "out of memory opening SD card image %s", path);
        goto fail;
    }
    card->fd = fd;
    card->path = copy;
    card->read_only = read_only;
    card->size = size;
    card->high_capacity = size > SD_SDSC_MAX;
    card->next_rca = SD_FIRST_RCA;
    sd_build_cid(card);
    sd_build_csd(card);
    sd_build_scr(card);
    sd_go_idle(card);
    return card;

fail:
    close(fd);
    return NULL;
}

void sdcard_close(struct sdcard *card)
{
    if (!card)
        return;
    sd_flush(card);
    close(card->fd);
    free(card->path);
    free(card);
}

void sdcard_reset(struct sdcard *card)
{
    sd_go_idle(card);
    card->next_rca = SD_FIRST_RCA;
}

bool sdcard_sending(const struct sdcard *card)
{
    return card->state == SD_STATE_DATA && !card->stalled;
}

bool sdcard_receiving(const struct sdcard *card)
{
    return card->state == SD_STATE_RCV && !card->stalled;
}

bool sdcard_read_only(const struct sdcard *card)
{
    return card->read_only;
}

bool sdcard_high_capacity(const struct sdcard *card)
{
    return card->high_capacity;
}

uint64_t sdcard_size(const struct sdcard *card)
{
    return card->size;
}

enum sd_state sdcard_state(const struct sdcard *card)
{
    return card->state;
}

const char *sdcard_path(const struct sdcard *card)
{
    return card->path;
}

static const char *sd_state_name(enum sd_state state)
{
    switch (state) {
    case SD_STATE_IDLE: return "idle";
    case SD_STATE_READY: return "ready";
    case SD_STATE_IDENT: return "ident";
    case SD_STATE_STBY: return "stby";
    case SD_STATE_TRAN: return "tran";
    case SD_STATE_DATA: return "data";
    case SD_STATE_RCV: return "rcv";
    case SD_STATE_PRG: return "prg";
    case SD_STATE_DIS: return "dis";
    case SD_STATE_INA: return "ina";
    default: return "?";
    }
}

void sdcard_dump(const struct sdcard *card, FILE *out)
{
    fprintf(out, "  card: %s, %llu bytes (%s, CSD says %llu)%s\n", card->path,
            (unsigned long long)card->size, card->high_capacity ? "SDHC" : "SDSC",
            (unsigned long long)card->csd_capacity, card->read_only ? ", read-only" : "");
    fprintf(out, "  card state %s, RCA 0x%04x, status 0x%08x, OCR 0x%08x, blocklen %u, "
            "%u-bit bus\n", sd_state_name(card->state), card->rca, card->status, card->ocr,
            card->blocklen, card->bus_width);
    if (card->xfer != XFER_NONE)
        fprintf(out, "  transfer: %s at 0x%llx, %u/%u bytes of the block%s\n",
                card->xfer == XFER_REG ? "register" :
                card->xfer == XFER_READ_SINGLE || card->xfer == XFER_READ_MULTI ? "read" :
                "write", (unsigned long long)card->addr, card->buf_pos, card->buf_len,
                card->stalled ? ", stalled by an error" : "");
    if (card->io_errors)
        fprintf(out, "  host I/O errors: %llu\n", (unsigned long long)card->io_errors);
}

int sdcard_snapshot(struct sdcard *card, struct snapshot_io *io)
{
    struct sdcard *s = snapshot_stage(io, card, sizeof(*card));
    if (!s)
        return -1;
    uint64_t size = s->size;
    bool high_capacity = s->high_capacity;
    snap_u64(io, &size);
    snap_bool(io, "high capacity", &high_capacity);
    if (!snapshot_saving(io) && !snap_failed(io) &&
        (size != card->size || high_capacity != card->high_capacity))
        snap_fail(io, "the card image was %llu bytes, %s is %llu", (unsigned long long)size,
                  card->path, (unsigned long long)card->size);
    uint32_t state = s->state, xfer = s->xfer;
    snap_u32_max(io, "card state", &state, SD_STATE_INA);
    snap_u32(io, &s->status);
    snap_u32(io, &s->ocr);
    snap_u16(io, &s->rca);
    snap_u16(io, &s->next_rca);
    snap_u32(io, &s->blocklen);
    snap_u32_max(io, "bus width", &s->bus_width, 4);
    snap_bool(io, "app_cmd", &s->app_cmd);
    snap_bytes(io, s->cid, sizeof(s->cid));
    snap_bytes(io, s->csd, sizeof(s->csd));
    snap_bytes(io, s->scr, sizeof(s->scr));
    snap_u32_max(io, "transfer kind", &xfer, XFER_WRITE_MULTI);
    snap_u64(io, &s->addr);
    snap_u32_max(io, "transfer block length", &s->xfer_blocklen, SD_BLOCK);
    snap_bytes(io, s->buf, SD_BLOCK);
    snap_u32_max(io, "block buffer length", &s->buf_len, SD_BLOCK);
    snap_u32_max(io, "block buffer position", &s->buf_pos, SD_BLOCK);
    snap_bool(io, "stalled", &s->stalled);
    snap_u32(io, &s->blocks_written);
    snap_u64(io, &s->io_errors);
    s->state = (enum sd_state)state;
    s->xfer = (enum sd_xfer)xfer;
    return snapshot_unstage(io, card, s);
}
