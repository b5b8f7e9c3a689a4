/*
 * devices.c: the optional ISA devices of microvm (pit=, pic=, rtc=, isa-serial=). Each
 * driver decides presence by what the device answers, never by what the machine type
 * promises, and initialises only what is there. The UART is probed first so that
 * everything after it, errors included, can be printed on it.
 */
#include "board.h"
#include "fw_cfg.h"
#include "report.h"
#include "serial/uart.h"

void report_early_timing(void);

/* inline: every argument is a constant at its call site, so the strings fold */
static inline __attribute__((always_inline)) void
report_device(const char *name, int present, uint32_t base, const char *extra)
{
	line_begin("device");
	line_word("name", name);
	if (present) {
		line_lit(" state=present");
		line_hex("base", base);
		if (extra)
			line_put(extra, __builtin_strlen(extra));
	} else {
		line_lit(" state=absent");
	}
	line_end();
}

void probe_isa_devices(struct board *b)
{
	b->serial = uart_probe_and_init();
	b->pit = pit_probe_and_init();
	pic_probe_and_init(&b->pic, &b->pic_slave);
	b->rtc = rtc_probe_and_init();
}

void report_start(struct board *b)
{
	if (!reporting()) {
		report_early_timing();	/* only marks the report as started */
		return;
	}
	line_begin("version");
	line_word("name", "microrig");
	line_word("version", "1");
	line_end();
	report_early_timing();

	fw_cfg_read(FW_CFG_RAM_SIZE, &b->ram_size, 8);	/* only the report uses it */
	line_begin("fw_cfg");
	line_word("signature", "ok");
	line_dec("dma", b->dma);
	line_dec("cpus", b->cpus);
	line_hex("ram", b->ram_size);
	line_end();

	report_device("pit", b->pit, PIT_BASE, NULL);
	/* both chips are probed; the pair counts as present when the master answers */
	report_device("pic", b->pic, PIC_BASE, b->pic_slave ? " slave=present" : " slave=absent");
	report_device("rtc", b->rtc, RTC_BASE, NULL);
	report_device("serial", b->serial, UART_BASE, NULL);
}
