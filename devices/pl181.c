/*
 * ARM PrimeCell PL181 MultiMedia Card Interface (PL180/PL181 TRM, ARM DDI
 * 0172), as on the Versatile PB at 0x10005000 (MMCI0) and 0x1000b000
 * (MMCI1), with an SD card in the slot (devices/sdcard.c).
 *
 * MMIO: 4 KiB. Outputs: MCIINTR0 = OR of (MCIStatus & MCIMask0), MCIINTR1 =
 * OR of (MCIStatus & MCIMask1); Linux's mmci driver takes command and
 * data-end events on the first and FIFO service (PIO) on the second.
 *
 * Timing: the command path state machine (CPSM) completes a command the
 * moment MCICommand is written with Enable set: the card's answer is in
 * MCIResponse0-3 and CmdRespEnd/CmdSent/CmdTimeOut/CmdCrcFail is set
 * before the write returns. The data path (DPSM) moves data between the
 * card and the 16-word FIFO as fast as the FIFO allows: a read fills the
 * FIFO as soon as the card sends, a write sends each word to the card as
 * it is written. MCIDataCnt counts bytes still to move between card and
 * FIFO, MCIFifoCnt the same in words, which is what Linux's PIO loop
 * expects (FIFO contents = bytes left for the host - 4 * FifoCnt).
 *
 * Errors: a command the card does not answer sets CmdTimeOut; an R3
 * (OCR) answer sets CmdCrcFail as on hardware (its CRC field is all
 * ones). A read the card has not started MCIDataTimer card-clock periods
 * after the DPSM was enabled sets DataTimeOut (a virtual-clock event; the
 * card clock is MCLK / (2 * (ClkDiv + 1)), or MCLK in bypass); a read the
 * card stops in the middle sets it at once. A block the card refuses or
 * cannot program sets DataCrcFail when the card is listening (negative
 * CRC status) and DataTimeOut when it is not (no CRC status at all).
 *
 * Not modelled: DMA requests (DMAEnable is stored; Linux uses PIO on this
 * board), stream mode (treated as block mode), the CPSM Interrupt and
 * Pending modes, clock gating (commands work with the clock disabled; the
 * data timer does not run then), the data timer during write busy,
 * MCISelect (stored; there is one slot), wide-bus and open-drain effects.
 */
#include "devices/pl181.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM table 3-1). */
#define MCIPOWER       0x000
#define MCICLOCK       0x004
#define MCIARGUMENT    0x008
#define MCICOMMAND     0x00c
#define MCIRESPCMD     0x010  /* RO */
#define MCIRESPONSE0   0x014  /* RO, ..0x020 */
#define MCIRESPONSE3   0x020
#define MCIDATATIMER   0x024
#define MCIDATALENGTH  0x028
#define MCIDATACTRL    0x02c
#define MCIDATACNT     0x030  /* RO */
#define MCISTATUS      0x034  /* RO */
#define MCICLEAR       0x038  /* WO */
#define MCIMASK0       0x03c
#define MCIMASK1       0x040
#define MCISELECT      0x044
#define MCIFIFOCNT     0x048  /* RO */
#define MCIFIFO        0x080  /* ..0x0bc, all the same FIFO */
#define MCIFIFO_END    0x0bc

/* MCIPower */
#define POWER_CTRL_MASK 0x3u
#define POWER_OFF       0x0u
#define POWER_ON        0x3u
#define POWER_WRITABLE  0xffu

/* MCIClock */
#define CLOCK_DIV_MASK  0xffu
#define CLOCK_ENABLE    (1u << 8)
#define CLOCK_BYPASS    (1u << 10)
#define CLOCK_WRITABLE  0xfffu

/* MCICommand */
#define CMD_INDEX_MASK  0x3fu
#define CMD_RESPONSE    (1u << 6)
#define CMD_LONGRSP     (1u << 7)
#define CMD_INTERRUPT   (1u << 8)
#define CMD_PENDING     (1u << 9)
#define CMD_ENABLE      (1u << 10)
#define CMD_WRITABLE    0x7ffu

/* MCIDataCtrl */
#define DATACTRL_ENABLE     (1u << 0)
#define DATACTRL_DIRECTION  (1u << 1)   /* 1: from card to controller */
#define DATACTRL_MODE       (1u << 2)   /* 1: stream */
#define DATACTRL_DMAENABLE  (1u << 3)
#define DATACTRL_BLOCKSIZE_SHIFT 4
#define DATACTRL_WRITABLE   0xffu

#define DATALENGTH_MASK 0xffffu

/* MCIStatus: static flags 10:0 (cleared through MCIClear), then dynamic ones. */
#define ST_CMDCRCFAIL      (1u << 0)
#define ST_DATACRCFAIL     (1u << 1)
#define ST_CMDTIMEOUT      (1u << 2)
#define ST_DATATIMEOUT     (1u << 3)
#define ST_TXUNDERRUN      (1u << 4)
#define ST_RXOVERRUN       (1u << 5)
#define ST_CMDRESPEND      (1u << 6)
#define ST_CMDSENT         (1u << 7)
#define ST_DATAEND         (1u << 8)
#define ST_STARTBITERR     (1u << 9)
#define ST_DATABLOCKEND    (1u << 10)
#define ST_CMDACTIVE       (1u << 11)
#define ST_TXACTIVE        (1u << 12)
#define ST_RXACTIVE        (1u << 13)
#define ST_TXFIFOHALFEMPTY (1u << 14)
#define ST_RXFIFOHALFFULL  (1u << 15)
#define ST_TXFIFOFULL      (1u << 16)
#define ST_RXFIFOFULL      (1u << 17)
#define ST_TXFIFOEMPTY     (1u << 18)
#define ST_RXFIFOEMPTY     (1u << 19)
#define ST_TXDATAAVLBL     (1u << 20)
#define ST_RXDATAAVLBL     (1u << 21)
#define ST_STATIC_MASK     0x7ffu
#define ST_ALL_MASK        0x3fffffu

#define SELECT_WRITABLE 0xfu
#define FIFO_HALF (PL181_FIFO_WORDS / 2)

/* MCIPeriphID0-3 as on the Versatile (TRM 3.3.15): part 0x181, ARM, rev 0. */
static const uint8_t pl181_periph_id[4] = { 0x81, 0x11, 0x04, 0x00 };

/* For tracing only. */
static const char *pl181_reg_name(uint32_t offset)
{
    if (offset >= MCIFIFO && offset <= MCIFIFO_END)
        return "MCIFIFO";
    switch (offset) {
    case MCIPOWER: return "MCIPower";
    case MCICLOCK: return "MCIClock";
    case MCIARGUMENT: return "MCIArgument";
    case MCICOMMAND: return "MCICommand";
    case MCIRESPCMD: return "MCIRespCmd";
    case MCIRESPONSE0: return "MCIResponse0";
    case MCIRESPONSE0 + 4: return "MCIResponse1";
    case MCIRESPONSE0 + 8: return "MCIResponse2";
    case MCIRESPONSE3: return "MCIResponse3";
    case MCIDATATIMER: return "MCIDataTimer";
    case MCIDATALENGTH: return "MCIDataLength";
    case MCIDATACTRL: return "MCIDataCtrl";
    case MCIDATACNT: return "MCIDataCnt";
    case MCISTATUS: return "MCIStatus";
    case MCICLEAR: return "MCIClear";
    case MCIMASK0: return "MCIMask0";
    case MCIMASK1: return "MCIMask1";
    case MCISELECT: return "MCISelect";
    case MCIFIFOCNT: return "MCIFifoCnt";
    default: return NULL;
    }
}

static bool pl181_dpsm_active(const struct pl181 *s)
{
    return s->datactrl & DATACTRL_ENABLE;
}

static bool pl181_dpsm_reading(const struct pl181 *s)
{
    return s->datactrl & DATACTRL_DIRECTION;
}

/* MCIStatus: the static flags plus the FIFO/path flags of the moment. */
static uint32_t pl181_status(const struct pl181 *s)
{
    uint32_t status = s->status;
    if (!pl181_dpsm_active(s))
        return status;
    unsigned n = s->fifo_count;
    if (pl181_dpsm_reading(s)) {
        status |= ST_RXACTIVE;
        status |= n ? ST_RXDATAAVLBL : ST_RXFIFOEMPTY;
        if (n >= FIFO_HALF)
            status |= ST_RXFIFOHALFFULL;
        if (n == PL181_FIFO_WORDS)
            status |= ST_RXFIFOFULL;
    } else {
        status |= ST_TXACTIVE;
        status |= n ? ST_TXDATAAVLBL : ST_TXFIFOEMPTY;
        if (n <= FIFO_HALF)
            status |= ST_TXFIFOHALFEMPTY;
        if (n == PL181_FIFO_WORDS)
            status |= ST_TXFIFOFULL;
    }
    return status;
}

/* Recomputes both outputs; the only place they change. */
static void pl181_update_irq(struct pl181 *s)
{
    uint32_t status = pl181_status(s);
    int level0 = (status & s->mask0) != 0;
    int level1 = (status & s->mask1) != 0;
    if (level0 != s->irq0_level) {
        s->irq0_level = level0;
        trace_printf(s->dev.trace, TRACE_IRQ, "%s: MCIINTR0 %d", s->dev.name, level0);
        irq_set(&s->irq0, level0);
    }
    if (level1 != s->irq1_level) {
        s->irq1_level = level1;
        trace_printf(s->dev.trace, TRACE_IRQ, "%s: MCIINTR1 %d", s->dev.name, level1);
        irq_set(&s->irq1, level1);
    }
}

static uint32_t pl181_block_size(const struct pl181 *s)
{
    unsigned shift = (s->datactrl >> DATACTRL_BLOCKSIZE_SHIFT) & 0xfu;
    return 1u << (shift > 11 ? 11 : shift);     /* 12-15 are reserved */
}

static void pl181_cancel_data_timer(struct pl181 *s)
{
    if (s->dev.clock && clock_event_armed(&s->data_timer))
        vclock_cancel(s->dev.clock, &s->data_timer);
}

/* The DPSM goes idle: the FIFO empties and Enable drops. */
static void pl181_dpsm_stop(struct pl181 *s)
{
    s->datactrl &= ~DATACTRL_ENABLE;
    s->fifo_count = 0;
    s->fifo_head = 0;
    pl181_cancel_data_timer(s);
}

/* MCIDataTimer counts card clock periods while the DPSM waits for a start bit. */
static void pl181_arm_data_timer(struct pl181 *s)
{
    if (!s->dev.clock || !(s->clock & CLOCK_ENABLE))
        return;
    uint64_t card_hz = (s->clock & CLOCK_BYPASS)
                           ? PL181_MCLK_HZ
                           : PL181_MCLK_HZ / (2 * ((s->clock & CLOCK_DIV_MASK) + 1));
    uint64_t ns = (uint64_t)s->datatimer * 1000000000ull / card_hz;
    vclock_arm_ns(s->dev.clock, &s->data_timer, vclock_now_ns(s->dev.clock) + ns);
}

static void pl181_data_timeout(void *opaque)
{
    struct pl181 *s = opaque;
    if (!pl181_dpsm_active(s) || !pl181_dpsm_reading(s) || s->card_started)
        return;
    s->status |= ST_DATATIMEOUT;
    pl181_dpsm_stop(s);
    pl181_update_irq(s);
}

/* Accounts n bytes moved on the bus: DataBlockEnd per block, DataEnd at the end. */
static void pl181_data_moved(struct pl181 *s, uint32_t n)
{
    s->datacnt -= n;
    s->block_bytes += n;
    if (s->block_bytes >= pl181_block_size(s)) {
        s->block_bytes = 0;
        s->status |= ST_DATABLOCKEND;
    }
    if (s->datacnt == 0)
        s->status |= ST_DATAEND;
}

static void pl181_fifo_push(struct pl181 *s, uint32_t word)
{
    s->fifo[(s->fifo_head + s->fifo_count) % PL181_FIFO_WORDS] = word;
    s->fifo_count++;
}

static uint32_t pl181_fifo_pop(struct pl181 *s)
{
    uint32_t word = s->fifo[s->fifo_head];
    s->fifo_head = (s->fifo_head + 1) % PL181_FIFO_WORDS;
    s->fifo_count--;
    return word;
}

/*
 * Card to FIFO. Before the first byte the DPSM waits for the card (the
 * data timer runs); a card that stops once started has failed the read.
 */
static void pl181_receive(struct pl181 *s)
{
    while (s->datacnt > 0 && s->fifo_count < PL181_FIFO_WORDS) {
        if (!s->card || !sdcard_sending(s->card)) {
            if (s->card_started) {
                s->status |= ST_DATATIMEOUT;
                pl181_dpsm_stop(s);
            }
            return;
        }
        uint8_t bytes[4] = { 0, 0, 0, 0 };
        uint32_t n = s->datacnt < 4 ? s->datacnt : 4;
        size_t got = sdcard_read_data(s->card, bytes, n);
        if (got < n) {
            s->status |= ST_DATATIMEOUT;
            pl181_dpsm_stop(s);
            return;
        }
        if (!s->card_started) {
            s->card_started = true;
            pl181_cancel_data_timer(s);
        }
        /* The first byte on the bus is the least significant byte of the word. */
        pl181_fifo_push(s, (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
                           (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24);
        s->bytes_read += n;
        pl181_data_moved(s, n);
    }
    if (s->datacnt == 0 && s->fifo_count == 0)
        pl181_dpsm_stop(s);
}

/* FIFO to card: the DPSM sends each word as soon as it is in the FIFO. */
static void pl181_transmit(struct pl181 *s)
{
    while (s->fifo_count > 0 && s->datacnt > 0) {
        uint32_t word = pl181_fifo_pop(s);
        uint8_t bytes[4] = { (uint8_t)word, (uint8_t)(word >> 8), (uint8_t)(word >> 16),
                             (uint8_t)(word >> 24) };
        uint32_t n = s->datacnt < 4 ? s->datacnt : 4;
        bool listening = s->card && sdcard_receiving(s->card);
        int rc = listening ? sdcard_write_data(s->card, bytes, n) : 0;
        if (rc < 0 || (uint32_t)rc < n) {
            /* Negative CRC status from a listening card, none from a deaf one. */
            s->status |= (listening && rc < 0) ? ST_DATACRCFAIL : ST_DATATIMEOUT;
            pl181_dpsm_stop(s);
            return;
        }
        s->bytes_written += n;
        pl181_data_moved(s, n);
    }
    if (s->datacnt == 0)
        pl181_dpsm_stop(s);
}

static void pl181_data_run(struct pl181 *s)
{
    if (!pl181_dpsm_active(s))
        return;
    if (pl181_dpsm_reading(s))
        pl181_receive(s);
    else
        pl181_transmit(s);
}

static void pl181_start_data(struct pl181 *s)
{
    if (s->datactrl & DATACTRL_DMAENABLE)
        trace_printf(s->dev.trace, TRACE_UNIMP, "%s: DMA requests not modelled", s->dev.name);
    if (s->datactrl & DATACTRL_MODE)
        trace_printf(s->dev.trace, TRACE_UNIMP, "%s: stream mode run as block mode",
                     s->dev.name);
    s->fifo_head = s->fifo_count = 0;
    s->datacnt = s->datalength;
    s->block_bytes = 0;
    s->card_started = false;
    if (s->datacnt == 0) {
        s->status |= ST_DATAEND;
        pl181_dpsm_stop(s);
        return;
    }
    if (pl181_dpsm_reading(s))
        pl181_arm_data_timer(s);
    pl181_data_run(s);
}

static void pl181_trace_command(struct pl181 *s, unsigned index, const struct sd_response *rsp)
{
    if (!trace_enabled(s->dev.trace, TRACE_MMIO))
        return;
    if (!rsp->bits)
        trace_printf(s->dev.trace, TRACE_MMIO, "%s: CMD%u arg 0x%08x: no response",
                     s->dev.name, index, s->argument);
    else if (rsp->bits == 48)
        trace_printf(s->dev.trace, TRACE_MMIO, "%s: CMD%u arg 0x%08x: response 0x%08x",
                     s->dev.name, index, s->argument, rsp->word[0]);
    else
        trace_printf(s->dev.trace, TRACE_MMIO,
                     "%s: CMD%u arg 0x%08x: response %08x %08x %08x %08x", s->dev.name,
                     index, s->argument, rsp->word[0], rsp->word[1], rsp->word[2],
                     rsp->word[3]);
}

/* The CPSM sends MCICommand/MCIArgument and collects the answer at once. */
static void pl181_send_command(struct pl181 *s)
{
    unsigned index = s->command & CMD_INDEX_MASK;
    struct sd_response rsp;
    memset(&rsp, 0, sizeof(rsp));
    if (s->command & (CMD_INTERRUPT | CMD_PENDING))
        trace_printf(s->dev.trace, TRACE_UNIMP, "%s: CPSM interrupt/pending mode not modelled",
                     s->dev.name);
    /* An unpowered slot answers nothing. */
    if (s->card && (s->power & POWER_CTRL_MASK) == POWER_ON)
        sdcard_command(s->card, index, s->argument, &rsp);
    s->commands++;
    pl181_trace_command(s, index, &rsp);
    s->command &= ~CMD_ENABLE;     /* the CPSM is idle again */

    if (!(s->command & CMD_RESPONSE)) {
        s->status |= ST_CMDSENT;
    } else if (!rsp.bits) {
        s->status |= ST_CMDTIMEOUT;
    } else {
        bool want_long = s->command & CMD_LONGRSP;
        s->respcmd = rsp.index & CMD_INDEX_MASK;
        if (rsp.bits == 136) {
            /* MCIResponse3 holds bits 31:1 of the 127-bit payload, bit 0 reads 0. */
            s->response[0] = rsp.word[0];
            s->response[1] = rsp.word[1];
            s->response[2] = rsp.word[2];
            s->response[3] = rsp.word[3] & ~1u;
        } else {
            s->response[0] = rsp.word[0];
            s->response[1] = s->response[2] = s->response[3] = 0;
        }
        /* A response of the other length never checks out either. */
        if (!rsp.crc_valid || want_long != (rsp.bits == 136))
            s->status |= ST_CMDCRCFAIL;
        else
            s->status |= ST_CMDRESPEND;
    }
    pl181_data_run(s);
}

static uint32_t pl181_read(struct pl181 *s, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(pl181_periph_id, offset, &value))
        return value;
    if (offset >= MCIFIFO && offset <= MCIFIFO_END) {
        if (!pl181_dpsm_active(s) || !pl181_dpsm_reading(s) || !s->fifo_count) {
            device_guest_error(&s->dev, "read of empty or idle receive FIFO");
            return 0;
        }
        value = pl181_fifo_pop(s);
        pl181_data_run(s);
        pl181_update_irq(s);
        return value;
    }
    switch (offset) {
    case MCIPOWER:
        return s->power;
    case MCICLOCK:
        return s->clock;
    case MCIARGUMENT:
        return s->argument;
    case MCICOMMAND:
        return s->command;
    case MCIRESPCMD:
        return s->respcmd;
    case MCIRESPONSE0:
    case MCIRESPONSE0 + 4:
    case MCIRESPONSE0 + 8:
    case MCIRESPONSE3:
        return s->response[(offset - MCIRESPONSE0) >> 2];
    case MCIDATATIMER:
        return s->datatimer;
    case MCIDATALENGTH:
        return s->datalength;
    case MCIDATACTRL:
        return s->datactrl;
    case MCIDATACNT:
        return s->datacnt;
    case MCISTATUS:
        return pl181_status(s);
    case MCIMASK0:
        return s->mask0;
    case MCIMASK1:
        return s->mask1;
    case MCISELECT:
        return s->select;
    case MCIFIFOCNT:
        return (s->datacnt + 3) >> 2;
    case MCICLEAR:
        device_guest_error(&s->dev, "read of write-only register MCIClear");
        return 0;
    default:
        device_guest_error(&s->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl181_write(struct pl181 *s, uint32_t offset, uint32_t value)
{
    if (offset >= MCIFIFO && offset <= MCIFIFO_END) {
        if (!pl181_dpsm_active(s) || pl181_dpsm_reading(s) ||
            s->fifo_count == PL181_FIFO_WORDS) {
            device_guest_error(&s->dev, "write 0x%x to full or idle transmit FIFO", value);
            return;
        }
        pl181_fifo_push(s, value);
        pl181_data_run(s);
        pl181_update_irq(s);
        return;
    }
    switch (offset) {
    case MCIPOWER: {
        uint32_t old = s->power;
        s->power = value & POWER_WRITABLE;
        /* Removing card power is a power cycle for the card. */
        if ((old & POWER_CTRL_MASK) != POWER_OFF &&
            (s->power & POWER_CTRL_MASK) == POWER_OFF && s->card)
            sdcard_reset(s->card);
        return;
    }
    case MCICLOCK:
        s->clock = value & CLOCK_WRITABLE;
        return;
    case MCIARGUMENT:
        s->argument = value;
        return;
    case MCICOMMAND:
        s->command = value & CMD_WRITABLE;
        if (s->command & CMD_ENABLE)
            pl181_send_command(s);
        break;
    case MCIDATATIMER:
        s->datatimer = value;
        return;
    case MCIDATALENGTH:
        s->datalength = value & DATALENGTH_MASK;
        return;
    case MCIDATACTRL:
        s->datactrl = value & DATACTRL_WRITABLE;
        if (s->datactrl & DATACTRL_ENABLE)
            pl181_start_data(s);
        else
            pl181_dpsm_stop(s);
        break;
    case MCICLEAR:
        s->status &= ~(value & ST_STATIC_MASK);
        break;
    case MCIMASK0:
        s->mask0 = value & ST_ALL_MASK;
        break;
    case MCIMASK1:
        s->mask1 = value & ST_ALL_MASK;
        break;
    case MCISELECT:
        s->select = value & SELECT_WRITABLE;
        return;
    case MCIRESPCMD:
    case MCIRESPONSE0:
    case MCIRESPONSE0 + 4:
    case MCIRESPONSE0 + 8:
    case MCIRESPONSE3:
    case MCIDATACNT:
    case MCISTATUS:
    case MCIFIFOCNT:
        device_guest_error(&s->dev, "write 0x%x to read-only register %s", value,
                           pl181_reg_name(offset));
        return;
    default:
        device_guest_error(&s->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl181_update_irq(s);
}

/* APB registers are 32 bits wide: a narrower access reaches the whole register. */
static uint32_t pl181_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl181 *s = opaque;
    uint32_t value = pl181_read(s, offset & ~3u);
    if (size < 4)
        value = (value >> ((offset & 3u) * 8)) & ((1u << (size * 8)) - 1);
    device_trace_access(&s->dev, "read", offset, pl181_reg_name(offset & ~3u), value, size);
    return value;
}

static void pl181_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl181 *s = opaque;
    device_trace_access(&s->dev, "write", offset, pl181_reg_name(offset & ~3u), value, size);
    if (size != 4)
        device_guest_error(&s->dev, "%u-byte write 0x%x to +0x%03x (registers are 32-bit)",
                           size, value, offset);
    pl181_write(s, offset & ~3u, value);
}

static const struct mmio_ops pl181_mmio_ops = {
    .read = pl181_mmio_read,
    .write = pl181_mmio_write,
};

bool pl181_card_present(struct pl181 *mmc)
{
    return mmc->card != NULL;
}

bool pl181_card_read_only(struct pl181 *mmc)
{
    return mmc->card && sdcard_read_only(mmc->card);
}

/* Board reset removes card power as well, so the card starts over too. */
static void pl181_reset(struct device *dev)
{
    struct pl181 *s = (struct pl181 *)dev;
    s->power = s->clock = s->argument = s->command = s->respcmd = 0;
    memset(s->response, 0, sizeof(s->response));
    s->datatimer = s->datalength = s->datactrl = s->datacnt = 0;
    s->status = s->mask0 = s->mask1 = s->select = 0;
    s->fifo_head = s->fifo_count = 0;
    s->block_bytes = 0;
    s->card_started = false;
    pl181_cancel_data_timer(s);
    if (s->card)
        sdcard_reset(s->card);
    pl181_update_irq(s);
}

static void pl181_dump(struct device *dev, FILE *out)
{
    struct pl181 *s = (struct pl181 *)dev;
    fprintf(out, "%s (pl181) @ 0x%08llx: MCIINTR0 %d, MCIINTR1 %d, %llu commands, "
            "%llu bytes read, %llu written\n", dev->name, (unsigned long long)dev->base,
            s->irq0_level, s->irq1_level, (unsigned long long)s->commands,
            (unsigned long long)s->bytes_read, (unsigned long long)s->bytes_written);
    fprintf(out, "  MCIPower     0x%08x  MCIClock      0x%08x  MCIArgument  0x%08x\n",
            s->power, s->clock, s->argument);
    fprintf(out, "  MCICommand   0x%08x  MCIRespCmd    0x%08x\n", s->command, s->respcmd);
    fprintf(out, "  MCIResponse  0x%08x 0x%08x 0x%08x 0x%08x\n", s->response[0],
            s->response[1], s->response[2], s->response[3]);
    fprintf(out, "  MCIDataTimer 0x%08x  MCIDataLength 0x%08x  MCIDataCtrl  0x%08x\n",
            s->datatimer, s->datalength, s->datactrl);
    fprintf(out, "  MCIDataCnt   0x%08x  MCIFifoCnt    0x%08x  FIFO words   %u\n", s->datacnt,
            (s->datacnt + 3) >> 2, s->fifo_count);
    fprintf(out, "  MCIStatus    0x%08x  MCIMask0      0x%08x  MCIMask1     0x%08x\n",
            pl181_status(s), s->mask0, s->mask1);
    fprintf(out, "  MCISelect    0x%08x\n", s->select);
    if (s->card)
        sdcard_dump(s->card, out);
    else
        fprintf(out, "  slot empty\n");
}

static void pl181_destroy(struct device *dev)
{
    struct pl181 *s = (struct pl181 *)dev;
    pl181_cancel_data_timer(s);
    sdcard_close(s->card);
    free(s);
}

/* savevm/loadvm: registers, the data FIFO and path state, and the card's own state. */
static int pl181_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl181 *mmc = (struct pl181 *)dev;
    struct pl181 *s = snapshot_stage(io, mmc, sizeof(*mmc));
    if (!s)
        return -1;
    snap_level(io, "MCIINTR0", &s->irq0_level);
    snap_level(io, "MCIINTR1", &s->irq1_level);
    snap_event(io, &s->data_timer);
    uint32_t *regs[] = { &s->power, &s->clock, &s->argument, &s->command, &s->respcmd,
                         &s->response[0], &s->response[1], &s->response[2], &s->response[3],
                         &s->datatimer, &s->datalength, &s->datactrl, &s->datacnt,
                         &s->status, &s->mask0, &s->mask1, &s->select, &s->block_bytes };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u32_array(io, s->fifo, PL181_FIFO_WORDS);
    snap_u32_max(io, "FIFO head", &s->fifo_head, PL181_FIFO_WORDS - 1);
    snap_u32_max(io, "FIFO count", &s->fifo_count, PL181_FIFO_WORDS);
    snap_bool(io, "card started", &s->card_started);
    snap_u64(io, &s->commands);
    snap_u64(io, &s->bytes_read);
    snap_u64(io, &s->bytes_written);
    bool card = s->card != NULL;
    snap_bool(io, "card present", &card);
    if (!snapshot_saving(io) && !snap_failed(io) && card != (mmc->card != NULL))
        snap_fail(io, "the snapshot has %s card in the slot, this machine %s",
                  card ? "a" : "no", mmc->card ? "has one" : "has none");
    if (card && mmc->card)
        sdcard_snapshot(mmc->card, io);
    return snapshot_unstage(io, mmc, s);
}

struct pl181 *pl181_create(const char *name, uint64_t base, struct irq_line irq0,
                           struct irq_line irq1, struct sdcard *card, struct vclock *clock,
                           struct trace *trace)
{
    struct pl181 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->dev.name = name;
    s->dev.type = "pl181";
    s->dev.base = base;
    s->dev.size = 0x1000;
    s->dev.ops = &pl181_mmio_ops;
    s->dev.reset = pl181_reset;
    s->dev.dump = pl181_dump;
    s->dev.destroy = pl181_destroy;
    s->dev.snapshot = pl181_snapshot;
    s->dev.trace = trace;
    s->dev.clock = clock;
    clock_event_init(&s->data_timer, "pl181 data timer", pl181_data_timeout, s);
    s->irq0 = irq0;
    s->irq1 = irq1;
    s->card = card;
    pl181_reset(&s->dev);
    return s;
}
