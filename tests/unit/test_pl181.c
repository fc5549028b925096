/*
 * PL181 MMCI + SD card (devices/pl181.c, devices/sdcard.c).
 *
 * pl181_suite drives the MMCI registers in the order Linux's mmci driver
 * (drivers/mmc/host/mmci.c, variant_arm) does: probe (IDs, masks), power
 * up, CMD0, CMD8, the CMD55/ACMD41 loop, CMD2/3/9/7, then data: ACMD51
 * with the data path armed before the command, single and multi-block
 * reads through the FIFO with the driver's FifoCnt arithmetic, compared
 * with the image file, and writes checked on disk with pread. A card that
 * Linux cannot initialise, or a block that lands at the wrong offset, is a
 * guest whose root file system is silently corrupted, so every byte is
 * compared.
 *
 * sdcard_suite covers the card alone: image validation at open, SDHC
 * block addressing and HCS, illegal-command reporting, write protection.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/pl181.h"
#include "devices/sdcard.h"

/* MMCI registers and bits, from the TRM (the model keeps its own private copy). */
#define MCIPOWER      0x000
#define MCICLOCK      0x004
#define MCIARGUMENT   0x008
#define MCICOMMAND    0x00c
#define MCIRESPCMD    0x010
#define MCIRESPONSE0  0x014
#define MCIDATATIMER  0x024
#define MCIDATALENGTH 0x028
#define MCIDATACTRL   0x02c
#define MCIDATACNT    0x030
#define MCISTATUS     0x034
#define MCICLEAR      0x038
#define MCIMASK0      0x03c
#define MCIMASK1      0x040
#define MCIFIFOCNT    0x048
#define MCIFIFO       0x080

#define CMD_RESPONSE (1u << 6)
#define CMD_LONGRSP  (1u << 7)
#define CMD_ENABLE   (1u << 10)

#define DPSM_ENABLE    (1u << 0)
#define DPSM_DIRECTION (1u << 1)

#define ST_CMDCRCFAIL      (1u << 0)
#define ST_DATACRCFAIL     (1u << 1)
#define ST_CMDTIMEOUT      (1u << 2)
#define ST_DATATIMEOUT     (1u << 3)
#define ST_CMDRESPEND      (1u << 6)
#define ST_CMDSENT         (1u << 7)
#define ST_DATAEND         (1u << 8)
#define ST_DATABLOCKEND    (1u << 10)
#define ST_TXACTIVE        (1u << 12)
#define ST_RXACTIVE        (1u << 13)
#define ST_TXFIFOHALFEMPTY (1u << 14)
#define ST_RXFIFOHALFFULL  (1u << 15)
#define ST_TXFIFOEMPTY     (1u << 18)
#define ST_RXDATAAVLBL     (1u << 21)

/* Linux: MCI_IRQENABLE | variant_arm.start_err. */
#define LINUX_MASK0 0x2ffu

#define R1_STATE(r) (((r) >> 9) & 0xfu)

#define IMAGE_SIZE (1u << 20)

struct env {
    char path[64];
    struct vclock clock;
    uint64_t icount;
    struct pl181 *mmc;
    int irq[2];
    uint16_t rca;
};

static void irq_record(void *opaque, unsigned line, int level)
{
    struct env *e = opaque;
    e->irq[line] = level;
}

static uint32_t rd(struct env *e, uint32_t offset)
{
    return e->mmc->dev.ops->read(e->mmc, offset, 4);
}

static void wr(struct env *e, uint32_t offset, uint32_t value)
{
    e->mmc->dev.ops->write(e->mmc, offset, value, 4);
}

/* Lets virtual time pass: ns nanoseconds at 100 instructions per microsecond. */
static void advance_ns(struct env *e, uint64_t ns)
{
    e->icount += ns / 10;
    vclock_run_due(&e->clock);
}

static uint8_t pattern(uint64_t offset)
{
    return (uint8_t)(offset * 7 + offset / 512 + 3);
}

/* A temporary image of size bytes (sparse), filled with pattern() up to fill bytes. */
static void make_image(char *path, uint64_t size, uint64_t fill)
{
    strcpy(path, "/tmp/armhv-sd-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    uint8_t block[4096];
    for (uint64_t off = 0; off < fill; off += sizeof(block)) {
        for (unsigned i = 0; i < sizeof(block); i++)
            block[i] = pattern(off + i);
        ck_assert_int_eq(pwrite(fd, block, sizeof(block), (off_t)off), (ssize_t)sizeof(block));
    }
    close(fd);
}

static void file_read(const char *path, uint64_t offset, uint8_t *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, len, (off_t)offset), (ssize_t)len);
    close(fd);
}

static void env_open(struct env *e, uint64_t size, bool read_only)
{
    memset(e, 0, sizeof(*e));
    make_image(e->path, size, size < (8u << 20) ? size : (1u << 20));
    char err[256];
    struct sdcard *card = sdcard_open(e->path, read_only, err, sizeof(err));
    ck_assert_msg(card != NULL, "%s", err);
    vclock_init(&e->clock, 100);
    vclock_attach_counter(&e->clock, &e->icount, NULL);
    e->mmc = pl181_create("mmci0", 0x10005000, irq_line_make(irq_record, e, 0),
                          irq_line_make(irq_record, e, 1), card, &e->clock, NULL);
    ck_assert_ptr_nonnull(e->mmc);
}

static void env_close(struct env *e)
{
    e->mmc->dev.destroy(&e->mmc->dev);
    unlink(e->path);
}

/* mmci_probe: IDs, masks off, clear, then the command/data error mask. */
static void linux_probe(struct env *e)
{
    static const uint8_t id[8] = { 0x81, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(rd(e, 0xfe0 + 4 * i), id[i]);
    wr(e, MCIMASK0, 0);
    wr(e, MCIMASK1, 0);
    wr(e, MCICLEAR, 0xfff);
    wr(e, MCIMASK0, LINUX_MASK0);
    ck_assert_int_eq(e->irq[0], 0);
    ck_assert_int_eq(e->irq[1], 0);
}

/* mmci_set_ios: MMC_POWER_UP, then MMC_POWER_ON with open drain, 400 kHz. */
static void linux_power_up(struct env *e)
{
    wr(e, MCIPOWER, 0x02);
    wr(e, MCICLOCK, 0x1ff);
    wr(e, MCIPOWER, 0x03 | 0x80);
}

/*
 * mmci_start_command + the MCIINTR0 handler for a command without data:
 * returns MCIStatus (then cleared) and the response words.
 */
static uint32_t cmd(struct env *e, unsigned index, uint32_t arg, unsigned rsp_bits,
                    uint32_t resp[4])
{
    uint32_t c = index | CMD_ENABLE;
    if (rsp_bits)
        c |= CMD_RESPONSE;
    if (rsp_bits == 136)
        c |= CMD_LONGRSP;
    if (rd(e, MCICOMMAND) & CMD_ENABLE)
        wr(e, MCICOMMAND, 0);
    wr(e, MCIARGUMENT, arg);
    wr(e, MCICOMMAND, c);
    ck_assert_msg(e->irq[0], "CMD%u raised no MCIINTR0", index);
    uint32_t status = rd(e, MCISTATUS);
    for (unsigned i = 0; resp && i < 4; i++)
        resp[i] = rd(e, MCIRESPONSE0 + 4 * i);
    wr(e, MCICLEAR, status & LINUX_MASK0);
    return status;
}

static uint32_t r1(struct env *e, unsigned index, uint32_t arg)
{
    uint32_t resp[4];
    uint32_t status = cmd(e, index, arg, 48, resp);
    ck_assert_msg(status & ST_CMDRESPEND, "CMD%u status 0x%x", index, status);
    ck_assert_uint_eq(rd(e, MCIRESPCMD), index);
    return resp[0];
}

/* mmc_attach_sd / mmc_sd_init_card up to the selected (transfer) state. */
static void linux_init_card(struct env *e, bool expect_hc)
{
    uint32_t resp[4];
    ck_assert_uint_eq(cmd(e, 0, 0, 0, NULL) & (ST_CMDSENT | ST_CMDTIMEOUT), ST_CMDSENT);

    ck_assert_uint_eq(cmd(e, 8, 0x1aa, 48, resp) & ST_CMDRESPEND, ST_CMDRESPEND);
    ck_assert_uint_eq(resp[0], 0x1aa);
    ck_assert_uint_eq(rd(e, MCIRESPCMD), 8);

    /* mmc_send_app_op_cond(host, 0): inquiry, then the HCS loop. */
    uint32_t r = r1(e, 55, 0);
    ck_assert_uint_ne(r & (1u << 5), 0);                /* APP_CMD */
    uint32_t status = cmd(e, 41, 0, 48, resp);
    /* R3 carries no valid CRC: CmdCrcFail, which Linux ignores for R3. */
    ck_assert_uint_ne(status & (ST_CMDCRCFAIL | ST_CMDRESPEND), 0);
    ck_assert_uint_eq(rd(e, MCIRESPCMD), 63);
    ck_assert_uint_eq(resp[0] & 0x00ff8000u, 0x00ff8000u);
    unsigned tries = 0;
    do {
        ck_assert_uint_lt(tries++, 100);
        r1(e, 55, 0);
        cmd(e, 41, 0x40300000, 48, resp);
    } while (!(resp[0] & (1u << 31)));
    ck_assert_uint_eq(!!(resp[0] & (1u << 30)), expect_hc);

    ck_assert_uint_eq(cmd(e, 2, 0, 136, resp) & ST_CMDRESPEND, ST_CMDRESPEND);
    ck_assert_uint_eq(resp[0] >> 24, 0x5a);                         /* MID */
    char pnm[6] = { (char)(resp[0] & 0xff), (char)(resp[1] >> 24), (char)(resp[1] >> 16),
                    (char)(resp[1] >> 8), (char)resp[1], 0 };
    ck_assert_str_eq(pnm, "ARMHV");
    ck_assert_uint_eq(resp[3] & 1u, 0);        /* MCIResponse3 bit 0 reads as zero */

    ck_assert_uint_eq(cmd(e, 3, 0, 48, resp) & ST_CMDRESPEND, ST_CMDRESPEND);
    e->rca = (uint16_t)(resp[0] >> 16);
    ck_assert_uint_ne(e->rca, 0);
    ck_assert_uint_eq(R1_STATE(resp[0]), 2);     /* received in ident */
}

/* UNSTUFF_BITS as Linux's mmc_decode_csd does it: bit n of resp[0..3], MSW first. */
static uint32_t csd_bits(const uint32_t *resp, unsigned start, unsigned size)
{
    unsigned word = 3 - start / 32, shift = start % 32;
    uint64_t value = resp[word] >> shift;
    if (size + shift > 32)
        value |= (uint64_t)resp[word - 1] << (32 - shift);
    return (uint32_t)(value & ((1ull << size) - 1));
}

static uint64_t csd_capacity(const uint32_t csd[4])
{
    if (csd_bits(csd, 126, 2) == 1)
        return ((uint64_t)csd_bits(csd, 48, 22) + 1) << 19;
    uint64_t c_size = csd_bits(csd, 62, 12), mult = csd_bits(csd, 47, 3);
    uint64_t bl_len = csd_bits(csd, 80, 4);
    return (c_size + 1) << (mult + 2 + bl_len);
}

static void linux_select(struct env *e, uint32_t csd[4])
{
    ck_assert_uint_eq(cmd(e, 9, (uint32_t)e->rca << 16, 136, csd) & ST_CMDRESPEND,
                      ST_CMDRESPEND);
    uint32_t r = r1(e, 7, (uint32_t)e->rca << 16);
    ck_assert_uint_eq(R1_STATE(r), 3);                 /* stby when received */
    r = r1(e, 13, (uint32_t)e->rca << 16);
    ck_assert_uint_eq(R1_STATE(r), 4);                 /* now tran */
    /* Push-pull bus and the operating clock (Linux's fmax, 515633 Hz: ClkDiv 22). */
    wr(e, MCIPOWER, 0x03);
    wr(e, MCICLOCK, 0x100 | 22);
}

/* mmci_start_data for a read: the data path is armed before the command. */
static void arm_read(struct env *e, uint32_t len, unsigned blksz_bits)
{
    wr(e, MCIDATATIMER, 0x10000);
    wr(e, MCIDATALENGTH, len);
    wr(e, MCIDATACTRL, DPSM_ENABLE | DPSM_DIRECTION | blksz_bits << 4);
    wr(e, MCIMASK0, rd(e, MCIMASK0) & ~ST_DATAEND);
    wr(e, MCIMASK1, len < 32 ? ST_RXFIFOHALFFULL | ST_RXDATAAVLBL : ST_RXFIFOHALFFULL);
}

/*
 * The rest of a read request: MCIINTR1 service with mmci_pio_read's
 * FifoCnt arithmetic, then the data-end interrupt. Returns bytes read.
 */
static size_t pio_read_all(struct env *e, uint8_t *buf, size_t size)
{
    size_t host_remain = size;
    unsigned rounds = 0;
    while (host_remain) {
        ck_assert_uint_lt(rounds++, 100000);
        if (!e->irq[1]) {
            /* Near the end Linux asks for any data available (mask1 update). */
            wr(e, MCIMASK1, ST_RXDATAAVLBL);
            if (!e->irq[1])
                break;
        }
        uint32_t status = rd(e, MCISTATUS);
        if (!(status & ST_RXACTIVE))
            break;
        int count = (int)host_remain - (int)(rd(e, MCIFIFOCNT) << 2);
        ck_assert_int_gt(count, 0);
        for (int i = 0; i < count; i += 4) {
            uint32_t word = rd(e, MCIFIFO);
            size_t n = host_remain < 4 ? host_remain : 4;
            memcpy(buf + (size - host_remain), &word, n);
            host_remain -= n;
        }
    }
    /* host->size == 0: mask1 off, data end on. */
    wr(e, MCIMASK1, 0);
    wr(e, MCIMASK0, rd(e, MCIMASK0) | ST_DATAEND);
    return size - host_remain;
}

/* Finishes a data request: DataEnd (or an error) on MCIINTR0, DPSM stopped. */
static uint32_t data_end(struct env *e)
{
    ck_assert_int_eq(e->irq[0], 1);
    uint32_t status = rd(e, MCISTATUS);
    wr(e, MCICLEAR, status & rd(e, MCIMASK0));
    wr(e, MCIDATACTRL, 0);
    wr(e, MCIMASK1, 0);
    wr(e, MCIMASK0, rd(e, MCIMASK0) & ~ST_DATAEND);
    ck_assert_int_eq(e->irq[0], 0);
    ck_assert_int_eq(e->irq[1], 0);
    return status;
}

static void read_blocks(struct env *e, uint32_t arg, unsigned blocks, uint8_t *buf)
{
    arm_read(e, blocks * 512, 9);
    uint32_t resp[4];
    uint32_t status = cmd(e, blocks > 1 ? 18 : 17, arg, 48, resp);
    ck_assert_uint_ne(status & ST_CMDRESPEND, 0);
    ck_assert_uint_eq(resp[0] & 0xfff80000u, 0);        /* no error bits */
    ck_assert_uint_eq(pio_read_all(e, buf, blocks * 512u), blocks * 512u);
    status = data_end(e);
    ck_assert_uint_ne(status & ST_DATAEND, 0);
    ck_assert_uint_eq(status & (ST_DATATIMEOUT | ST_DATACRCFAIL), 0);
    if (blocks > 1) {
        uint32_t r = r1(e, 12, 0);
        ck_assert_uint_eq(R1_STATE(r), 5);      /* data */
    }
    ck_assert_uint_eq(R1_STATE(r1(e, 13, (uint32_t)e->rca << 16)), 4);
}

/*
 * A write request: command first, then mmci_start_data with TX half-empty
 * on MCIMASK1, and mmci_pio_write's loop. Returns the final MCIStatus.
 */
static uint32_t write_blocks(struct env *e, uint32_t arg, unsigned blocks, const uint8_t *buf,
                             uint32_t *r1_out)
{
    uint32_t resp[4];
    uint32_t status = cmd(e, blocks > 1 ? 25 : 24, arg, 48, resp);
    ck_assert_uint_ne(status & ST_CMDRESPEND, 0);
    *r1_out = resp[0];
    wr(e, MCIDATATIMER, 0x10000);
    wr(e, MCIDATALENGTH, blocks * 512);
    wr(e, MCIDATACTRL, DPSM_ENABLE | 9 << 4);
    wr(e, MCIMASK0, rd(e, MCIMASK0) & ~ST_DATAEND);
    wr(e, MCIMASK1, ST_TXFIFOHALFEMPTY);
    size_t remain = blocks * 512u;
    unsigned rounds = 0;
    while (remain && e->irq[1]) {
        ck_assert_uint_lt(rounds++, 100000);
        status = rd(e, MCISTATUS);
        if (!(status & ST_TXACTIVE))
            break;
        size_t count = (status & ST_TXFIFOEMPTY) ? 64 : 32;
        if (count > remain)
            count = remain;
        for (size_t i = 0; i < count; i += 4) {
            uint32_t word;
            memcpy(&word, buf + (blocks * 512u - remain) + i, 4);
            wr(e, MCIFIFO, word);
        }
        remain -= count;
    }
    wr(e, MCIMASK1, 0);
    wr(e, MCIMASK0, rd(e, MCIMASK0) | ST_DATAEND);
    status = data_end(e);
    if (blocks > 1 && (status & ST_DATAEND))
        ck_assert_uint_eq(R1_STATE(r1(e, 12, 0)), 6);      /* rcv */
    return status;
}

static void setup_transfer_state(struct env *e, uint64_t size, bool read_only)
{
    env_open(e, size, read_only);
    linux_probe(e);
    linux_power_up(e);
    linux_init_card(e, size > (2ull << 30));
    uint32_t csd[4];
    linux_select(e, csd);
    ck_assert_uint_eq(csd_capacity(csd), size);
}

START_TEST(test_probe_and_identify)
{
    struct env e;
    env_open(&e, IMAGE_SIZE, false);
    linux_probe(&e);
    ck_assert(pl181_card_present(e.mmc));
    ck_assert(!pl181_card_read_only(e.mmc));
    /* Unpowered: the card does not answer. */
    uint32_t resp[4];
    ck_assert_uint_ne(cmd(&e, 8, 0x1aa, 48, resp) & ST_CMDTIMEOUT, 0);
    linux_power_up(&e);
    linux_init_card(&e, false);
    uint32_t csd[4];
    linux_select(&e, csd);
    ck_assert_uint_eq(csd[0] >> 30, 0);                 /* CSD version 1.0 */
    ck_assert_uint_eq(csd_capacity(csd), IMAGE_SIZE);
    ck_assert_uint_eq(csd[3] & 1u, 0);
    env_close(&e);
}
END_TEST

START_TEST(test_scr_through_fifo)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    /* mmc_app_send_scr: CMD55 on its own, then ACMD51 with 8 bytes, block size 8. */
    r1(&e, 55, (uint32_t)e.rca << 16);
    arm_read(&e, 8, 3);
    ck_assert_int_eq(e.irq[1], 0);      /* nothing before the command */
    uint32_t resp[4];
    ck_assert_uint_ne(cmd(&e, 51, 0, 48, resp) & ST_CMDRESPEND, 0);
    ck_assert_uint_ne(resp[0] & (1u << 5), 0);     /* APP_CMD */
    ck_assert_int_eq(e.irq[1], 1);
    uint8_t scr[8];
    ck_assert_uint_eq(pio_read_all(&e, scr, 8), 8);
    ck_assert_uint_eq(scr[0], 0x02);    /* SCR v1.0, physical layer 2.00 */
    ck_assert_uint_eq(scr[1], 0x05);    /* 1- and 4-bit bus */
    ck_assert_uint_ne(data_end(&e) & ST_DATAEND, 0);
    env_close(&e);
}
END_TEST

START_TEST(test_read_single_and_multi)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    uint8_t got[4 * 512], want[4 * 512];
    /* SDSC: byte address. */
    read_blocks(&e, 3 * 512, 1, got);
    file_read(e.path, 3 * 512, want, 512);
    ck_assert_mem_eq(got, want, 512);
    read_blocks(&e, 100 * 512, 4, got);
    file_read(e.path, 100 * 512, want, sizeof(want));
    ck_assert_mem_eq(got, want, sizeof(want));
    /* The last block of the card. */
    read_blocks(&e, IMAGE_SIZE - 512, 1, got);
    file_read(e.path, IMAGE_SIZE - 512, want, 512);
    ck_assert_mem_eq(got, want, 512);
    env_close(&e);
}
END_TEST

/* The counters Linux's PIO loop relies on, word by word through one block. */
START_TEST(test_fifo_accounting)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    arm_read(&e, 1024, 9);
    ck_assert_uint_eq(rd(&e, MCIDATACNT), 1024);
    ck_assert_uint_eq(rd(&e, MCIFIFOCNT), 256);
    uint32_t status = rd(&e, MCISTATUS);
    ck_assert_uint_ne(status & ST_RXACTIVE, 0);
    ck_assert_uint_eq(status & ST_RXDATAAVLBL, 0);
    cmd(&e, 18, 0, 48, NULL);
    uint8_t want[1024];
    file_read(e.path, 0, want, sizeof(want));
    for (unsigned done = 0; done < 1024; done += 4) {
        unsigned host_remain = 1024 - done;
        unsigned in_fifo = host_remain < 64 ? host_remain : 64;
        ck_assert_uint_eq(rd(&e, MCIDATACNT), host_remain - in_fifo);
        ck_assert_uint_eq(host_remain - 4 * rd(&e, MCIFIFOCNT), in_fifo);
        status = rd(&e, MCISTATUS);
        ck_assert_uint_ne(status & ST_RXDATAAVLBL, 0);
        ck_assert_uint_eq(!!(status & ST_RXFIFOHALFFULL), in_fifo >= 32);
        ck_assert_uint_eq(!!(status & (1u << 17)), in_fifo == 64);      /* RxFifoFull */
        ck_assert_uint_eq(!!(status & ST_DATAEND), host_remain <= 64);
        uint32_t word = rd(&e, MCIFIFO);
        ck_assert_mem_eq(&word, want + done, 4);
    }
    status = rd(&e, MCISTATUS);
    ck_assert_uint_eq(status & (ST_RXACTIVE | ST_RXDATAAVLBL), 0);
    ck_assert_uint_eq(status & (ST_DATAEND | ST_DATABLOCKEND), ST_DATAEND | ST_DATABLOCKEND);
    ck_assert_uint_eq(rd(&e, MCIDATACTRL) & DPSM_ENABLE, 0);
    ck_assert_uint_eq(R1_STATE(r1(&e, 12, 0)), 5);
    env_close(&e);
}
END_TEST

START_TEST(test_read_out_of_range)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    arm_read(&e, 512, 9);
    uint32_t resp[4];
    ck_assert_uint_ne(cmd(&e, 17, IMAGE_SIZE, 48, resp) & ST_CMDRESPEND, 0);
    ck_assert_uint_ne(resp[0] & (1u << 31), 0);        /* OUT_OF_RANGE */
    /* The DPSM waits MCIDataTimer card clocks: 0x10000 at 521 kHz is 126 ms. */
    advance_ns(&e, 120000000);
    ck_assert_uint_eq(rd(&e, MCISTATUS) & ST_DATATIMEOUT, 0);
    ck_assert_int_eq(e.irq[0], 0);
    advance_ns(&e, 10000000);
    ck_assert_uint_ne(rd(&e, MCISTATUS) & ST_DATATIMEOUT, 0);
    ck_assert_uint_eq(rd(&e, MCISTATUS) & ST_RXACTIVE, 0);
    ck_assert_int_eq(e.irq[0], 1);
    wr(&e, MCICLEAR, 0x7ff);
    wr(&e, MCIDATACTRL, 0);
    ck_assert_uint_eq(R1_STATE(r1(&e, 13, (uint32_t)e.rca << 16)), 4);
    env_close(&e);
}
END_TEST

START_TEST(test_write_single_and_multi)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    uint8_t data[3 * 512], disk[3 * 512];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0xa5 ^ i ^ (i >> 8));
    uint32_t r;
    uint32_t status = write_blocks(&e, 5 * 512, 1, data, &r);
    ck_assert_uint_eq(r & 0xfff80000u, 0);
    ck_assert_uint_ne(status & ST_DATAEND, 0);
    ck_assert_uint_eq(status & (ST_DATACRCFAIL | ST_DATATIMEOUT), 0);
    file_read(e.path, 5 * 512, disk, 512);
    ck_assert_mem_eq(disk, data, 512);
    /* Neighbours untouched. */
    file_read(e.path, 4 * 512, disk, 512);
    ck_assert_uint_eq(disk[511], pattern(5 * 512 - 1));
    ck_assert_uint_eq(R1_STATE(r1(&e, 13, (uint32_t)e.rca << 16)), 4);

    status = write_blocks(&e, 200 * 512, 3, data, &r);
    ck_assert_uint_ne(status & ST_DATAEND, 0);
    file_read(e.path, 200 * 512, disk, sizeof(disk));
    ck_assert_mem_eq(disk, data, sizeof(disk));
    ck_assert_uint_eq(R1_STATE(r1(&e, 13, (uint32_t)e.rca << 16)), 4);

    /* What was written reads back through the card too. */
    uint8_t got[512];
    read_blocks(&e, 201 * 512, 1, got);
    ck_assert_mem_eq(got, data + 512, 512);
    env_close(&e);
}
END_TEST

START_TEST(test_read_only_rejects_writes)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, true);
    ck_assert(pl181_card_read_only(e.mmc));
    uint8_t data[512], before[512], after[512];
    memset(data, 0x5a, sizeof(data));
    file_read(e.path, 7 * 512, before, 512);
    uint32_t r;
    uint32_t status = write_blocks(&e, 7 * 512, 1, data, &r);
    ck_assert_uint_ne(r & (1u << 26), 0);                   /* WP_VIOLATION */
    ck_assert_uint_eq(R1_STATE(r), 4);
    ck_assert_uint_eq(status & ST_DATAEND, 0);
    ck_assert_uint_ne(status & (ST_DATATIMEOUT | ST_DATACRCFAIL), 0);
    file_read(e.path, 7 * 512, after, 512);
    ck_assert_mem_eq(before, after, 512);
    ck_assert_uint_eq(R1_STATE(r1(&e, 13, (uint32_t)e.rca << 16)), 4);
    env_close(&e);
}
END_TEST

START_TEST(test_empty_slot)
{
    struct env e;
    memset(&e, 0, sizeof(e));
    e.mmc = pl181_create("mmci1", 0x1000b000, irq_line_make(irq_record, &e, 0),
                         irq_line_make(irq_record, &e, 1), NULL, NULL, NULL);
    ck_assert(!pl181_card_present(e.mmc));
    ck_assert(!pl181_card_read_only(e.mmc));
    linux_probe(&e);
    linux_power_up(&e);
    ck_assert_uint_eq(cmd(&e, 0, 0, 0, NULL) & ST_CMDSENT, ST_CMDSENT);
    ck_assert_uint_ne(cmd(&e, 8, 0x1aa, 48, NULL) & ST_CMDTIMEOUT, 0);
    ck_assert_uint_ne(cmd(&e, 55, 0, 48, NULL) & ST_CMDTIMEOUT, 0);
    e.mmc->dev.destroy(&e.mmc->dev);
}
END_TEST

START_TEST(test_power_cycle_resets_card)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    wr(&e, MCIPOWER, 0);
    linux_power_up(&e);
    /* Back in idle with RCA 0: an addressed CMD13 gets no answer. */
    ck_assert_uint_ne(cmd(&e, 13, (uint32_t)e.rca << 16, 48, NULL) & ST_CMDTIMEOUT, 0);
    linux_init_card(&e, false);
    env_close(&e);
}
END_TEST

START_TEST(test_device_reset)
{
    struct env e;
    setup_transfer_state(&e, IMAGE_SIZE, false);
    arm_read(&e, 512, 9);
    e.mmc->dev.reset(&e.mmc->dev);
    ck_assert_uint_eq(rd(&e, MCISTATUS), 0);
    ck_assert_uint_eq(rd(&e, MCIDATACTRL), 0);
    ck_assert_uint_eq(rd(&e, MCIDATACNT), 0);
    ck_assert_int_eq(e.irq[0], 0);
    ck_assert_int_eq(e.irq[1], 0);
    ck_assert_int_eq(sdcard_state(e.mmc->card), SD_STATE_IDLE);
    env_close(&e);
}
END_TEST

Suite *pl181_suite(void)
{
    Suite *s = suite_create("pl181");
    TCase *tc = tcase_create("linux-mmci");
    tcase_add_test(tc, test_probe_and_identify);
    tcase_add_test(tc, test_scr_through_fifo);
    tcase_add_test(tc, test_read_single_and_multi);
    tcase_add_test(tc, test_fifo_accounting);
    tcase_add_test(tc, test_read_out_of_range);
    tcase_add_test(tc, test_write_single_and_multi);
    tcase_add_test(tc, test_read_only_rejects_writes);
    tcase_add_test(tc, test_empty_slot);
    tcase_add_test(tc, test_power_cycle_resets_card);
    tcase_add_test(tc, test_device_reset);
    suite_add_tcase(s, tc);
    return s;
}

/* ---- the card alone ---- */

static struct sdcard *open_image(char *path, uint64_t size, bool read_only)
{
    make_image(path, size, size < (1u << 20) ? size : (1u << 20));
    char err[256];
    struct sdcard *card = sdcard_open(path, read_only, err, sizeof(err));
    ck_assert_msg(card != NULL, "%s", err);
    return card;
}

static uint32_t card_cmd(struct sdcard *card, unsigned index, uint32_t arg, unsigned bits)
{
    struct sd_response rsp;
    sdcard_command(card, index, arg, &rsp);
    ck_assert_uint_eq(rsp.bits, bits);
    return rsp.word[0];
}

START_TEST(test_bad_images_rejected)
{
    char path[64], err[256];
    strcpy(path, "/tmp/armhv-sd-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 1000), 0);
    close(fd);
    err[0] = 0;
    ck_assert_ptr_null(sdcard_open(path, false, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "multiple of 512"));
    ck_assert_ptr_nonnull(strstr(err, path));

    ck_assert_int_eq(truncate(path, 0), 0);
    err[0] = 0;
    ck_assert_ptr_null(sdcard_open(path, true, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "multiple of 512"));
    unlink(path);

    err[0] = 0;
    ck_assert_ptr_null(sdcard_open("/nonexistent/armhv.img", false, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/armhv.img"));

    err[0] = 0;
    ck_assert_ptr_null(sdcard_open("/tmp", false, err, sizeof(err)));
    ck_assert_int_ne(err[0], 0);
}
END_TEST

START_TEST(test_image_locked)
{
    char path[64], err[256];
    struct sdcard *card = open_image(path, 64 * 1024, false);
    ck_assert_ptr_null(sdcard_open(path, false, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "in use"));
    sdcard_close(card);
    card = sdcard_open(path, false, err, sizeof(err));
    ck_assert_ptr_nonnull(card);
    sdcard_close(card);
    unlink(path);
}
END_TEST

START_TEST(test_sdhc_block_addressing)
{
    char path[64];
    uint64_t size = 4ull << 30;        /* sparse */
    struct sdcard *card = open_image(path, size, false);
    ck_assert(sdcard_high_capacity(card));
    card_cmd(card, 0, 0, 0);
    ck_assert_uint_eq(card_cmd(card, 8, 0x1aa, 48), 0x1aa);
    /* Without HCS a high-capacity card never finishes power-up. */
    for (int i = 0; i < 3; i++) {
        card_cmd(card, 55, 0, 48);
        ck_assert_uint_eq(card_cmd(card, 41, 0x00300000, 48) & (1u << 31), 0);
    }
    card_cmd(card, 55, 0, 48);
    uint32_t ocr = card_cmd(card, 41, 0x40300000, 48);
    ck_assert_uint_eq(ocr & 0xc0000000u, 0xc0000000u);     /* ready, CCS */
    card_cmd(card, 2, 0, 136);
    uint16_t rca = (uint16_t)(card_cmd(card, 3, 0, 48) >> 16);
    struct sd_response rsp;
    sdcard_command(card, 9, (uint32_t)rca << 16, &rsp);
    ck_assert_uint_eq(rsp.bits, 136);
    ck_assert_uint_eq(csd_capacity(rsp.word), size);
    card_cmd(card, 7, (uint32_t)rca << 16, 48);

    /* Block 1000 is byte offset 512000. */
    ck_assert_uint_eq(card_cmd(card, 17, 1000, 48) & 0xfff80000u, 0);
    uint8_t got[512], want[512];
    ck_assert_uint_eq(sdcard_read_data(card, got, 512), 512);
    file_read(path, 1000 * 512, want, 512);
    ck_assert_mem_eq(got, want, 512);
    ck_assert_int_eq(sdcard_state(card), SD_STATE_TRAN);

    /* A block near the end of the 4 GiB card, beyond the filled part. */
    uint32_t last = (uint32_t)(size / 512 - 1);
    memset(want, 0xc3, sizeof(want));
    ck_assert_uint_eq(card_cmd(card, 24, last, 48) & 0xfff80000u, 0);
    ck_assert_int_eq(sdcard_write_data(card, want, 512), 512);
    file_read(path, (uint64_t)last * 512, got, 512);
    ck_assert_mem_eq(got, want, 512);
    ck_assert_uint_ne(card_cmd(card, 17, last + 1, 48) & (1u << 31), 0);   /* OUT_OF_RANGE */
    sdcard_close(card);
    unlink(path);
}
END_TEST

START_TEST(test_illegal_command_reported_next)
{
    char path[64];
    struct sdcard *card = open_image(path, 64 * 1024, false);
    struct sd_response rsp;
    sdcard_command(card, 52, 0, &rsp);      /* SDIO probe: not an SD memory command */
    ck_assert_uint_eq(rsp.bits, 0);
    sdcard_command(card, 5, 0, &rsp);
    ck_assert_uint_eq(rsp.bits, 0);
    uint32_t r = card_cmd(card, 55, 0, 48);
    ck_assert_uint_ne(r & (1u << 22), 0);      /* ILLEGAL_COMMAND */
    ck_assert_uint_ne(r & (1u << 5), 0);       /* APP_CMD */
    ck_assert_uint_eq(R1_STATE(r), 0);
    /* Reported once, then cleared. */
    card_cmd(card, 41, 0, 48);
    r = card_cmd(card, 55, 0, 48);
    ck_assert_uint_eq(r & (1u << 22), 0);
    /* CMD2 before power-up is complete is illegal too (idle state). */
    card_cmd(card, 2, 0, 0);
    sdcard_close(card);
    unlink(path);
}
END_TEST

START_TEST(test_sdsc_blocklen_and_partial_reads)
{
    char path[64];
    struct sdcard *card = open_image(path, 64 * 1024, false);
    card_cmd(card, 0, 0, 0);
    card_cmd(card, 55, 0, 48);
    card_cmd(card, 41, 0x00300000, 48);
    card_cmd(card, 2, 0, 136);
    uint16_t rca = (uint16_t)(card_cmd(card, 3, 0, 48) >> 16);
    card_cmd(card, 7, (uint32_t)rca << 16, 48);
    /* 16-byte blocks at any byte address (READ_BL_PARTIAL, READ_BLK_MISALIGN). */
    ck_assert_uint_eq(card_cmd(card, 16, 16, 48) & 0xfff80000u, 0);
    ck_assert_uint_eq(card_cmd(card, 17, 1001, 48) & 0xfff80000u, 0);
    uint8_t got[20], want[16];
    ck_assert_uint_eq(sdcard_read_data(card, got, sizeof(got)), 16);
    file_read(path, 1001, want, 16);
    ck_assert_mem_eq(got, want, 16);
    /* Writes need 512-byte blocks on an SDSC card. */
    ck_assert_uint_ne(card_cmd(card, 24, 0, 48) & (1u << 29), 0);   /* BLOCK_LEN_ERROR */
    ck_assert_uint_ne(card_cmd(card, 16, 1024, 48) & (1u << 29), 0);
    card_cmd(card, 16, 512, 48);
    ck_assert_uint_ne(card_cmd(card, 24, 100, 48) & (1u << 30), 0); /* ADDRESS_ERROR */
    ck_assert_int_eq(sdcard_state(card), SD_STATE_TRAN);
    sdcard_close(card);
    unlink(path);
}
END_TEST

Suite *sdcard_suite(void)
{
    Suite *s = suite_create("sdcard");
    TCase *tc = tcase_create("card");
    tcase_add_test(tc, test_bad_images_rejected);
    tcase_add_test(tc, test_image_locked);
    tcase_add_test(tc, test_sdhc_block_addressing);
    tcase_add_test(tc, test_illegal_command_reported_next);
    tcase_add_test(tc, test_sdsc_blocklen_and_partial_reads);
    suite_add_tcase(s, tc);
    return s;
}
