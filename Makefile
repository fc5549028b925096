# armhv-emu build. ./configure writes $(O)/config.mk; everything is built
# under $(O) (default: build), so a sanitizer build can sit beside it:
#   ./configure --enable-sanitizers --builddir=build-asan && make O=build-asan check
O ?= build
-include $(O)/config.mk

ifeq ($(wildcard $(O)/config.mk),)
$(error $(O)/config.mk is missing: run ./configure first (see README.md))
endif

LAYERS := base cpu mmu devices devices/boards hv monitor frontends
LIB_SRCS := $(filter-out frontends/main.c,$(wildcard $(addsuffix /*.c,$(LAYERS))))
ifneq ($(HAVE_SDL),yes)
LIB_SRCS := $(filter-out frontends/sdl_display.c,$(LIB_SRCS))
endif
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
MAIN_OBJ := $(O)/frontends/main.o
DEPS := $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)

EMU := $(O)/armhv-emu
LIBEMU := $(O)/libarmhv.a

.PHONY: all firmware check check-unit check-guest check-diff bench install clean docs
all: $(EMU) firmware

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBEMU): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(EMU): $(MAIN_OBJ) $(LIBEMU)
	$(CC) $(CFLAGS) -o $@ $(MAIN_OBJ) $(LIBEMU) $(LIBS)

# ---- firmware (guest side, cross-compiled) ----
firmware:
	$(MAKE) -C firmware O=$(abspath $(O))/firmware CROSS_COMPILE=$(CROSS_COMPILE)

# ---- tests ----
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(O)/%.o)
UNIT := $(O)/tests/unit-tests

# The suite list is generated from the "Suite *NAME_suite(void)" definitions.
$(O)/tests/unit/suites.h: $(UNIT_SRCS)
	@mkdir -p $(dir $@)
	sed -n 's/^Suite \*\([a-z0-9_]*_suite\)(void)$$/SUITE(\1)/p' $(filter-out tests/unit/main.c,$^) > $@.tmp
	mv $@.tmp $@

$(O)/tests/unit/%.o: tests/unit/%.c $(O)/tests/unit/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -I$(O)/tests/unit -MMD -MP -c $< -o $@

$(UNIT): $(UNIT_OBJS) $(LIBEMU)
	$(CC) $(CFLAGS) -o $@ $(UNIT_OBJS) $(LIBEMU) $(LIBS) $(CHECK_LIBS)

DIFF := $(O)/tests/unicorn-diff
$(O)/tests/diff/%.o: tests/diff/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(UNICORN_CFLAGS) -MMD -MP -c $< -o $@
$(DIFF): $(O)/tests/diff/unicorn_diff.o $(LIBEMU)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS) $(UNICORN_LIBS)

TEST_BINS := $(UNIT) $(EMU)
ifeq ($(HAVE_UNICORN),yes)
TEST_BINS += $(DIFF)
endif

check: $(TEST_BINS) firmware
	O=$(O) HAVE_UNICORN=$(HAVE_UNICORN) tests/run-all

check-unit: $(UNIT)
	$(UNIT)

bench: $(EMU) firmware
	O=$(O) bench/cpu.sh
	O=$(O) bench/hypercall.sh

install: $(EMU)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/armhv-emu/firmware
	install -m 755 $(EMU) $(DESTDIR)$(PREFIX)/bin/armhv-emu
	cp -r $(O)/firmware/. $(DESTDIR)$(PREFIX)/share/armhv-emu/firmware/

clean:
	rm -rf $(O)/*.a $(O)/armhv-emu $(O)/base $(O)/cpu $(O)/mmu $(O)/devices $(O)/hv \
	       $(O)/monitor $(O)/frontends $(O)/tests $(O)/firmware

-include $(DEPS) $(UNIT_OBJS:.o=.d) $(O)/tests/diff/unicorn_diff.d
