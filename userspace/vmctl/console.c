// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's console: the UART's output goes to stdout (serial.c writes
 * it through machine_output()), and a thread of its own feeds stdin to
 * the UART's receiver.
 *
 * The thread reads only while the guest's driver takes received-data
 * interrupts and the 16-byte FIFO has room, one byte at a time, so input
 * waits in the host's pipe or terminal rather than being dropped.  At the
 * end of stdin it stops; the guest runs on.
 *
 * When stdin is a terminal it is put in raw mode, so that every key,
 * Ctrl-C included, goes to the guest, and restored however vmctl ends
 * (its exit handlers run for a normal end and for SIGINT and SIGTERM,
 * which end a run through the vCPU loop).  Ctrl-A then x ends the run
 * from the terminal, as in QEMU; Ctrl-A twice sends one Ctrl-A.
 */
#include <errno.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

#define CTRL_A	0x01

struct console {
	struct machine *m;
	struct serial *s;
	bool tty;
};

static struct termios saved_termios;
static bool termios_saved;

static void restore_terminal(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

static void raw_terminal(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_termios))
		return;
	termios_saved = true;
	atexit(restore_terminal);
	t = saved_termios;
	cfmakeraw(&t);
	/* Output stays cooked: vmctl's own messages end lines with \n. */
	t.c_oflag |= OPOST;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void *console_thread(void *arg)
{
	struct console *c = arg;
	struct serial *s = c->s;
	bool escape = false;
	uint8_t byte;
	ssize_t n;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!serial_wants_input(s))
			pthread_cond_wait(&s->room, &s->lock);
		pthread_mutex_unlock(&s->lock);

		n = read(STDIN_FILENO, &byte, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c->tty && escape) {
			escape = false;
			if (byte == 'x') {
				machine_stop(c->m, STATUS_GUEST_FAILED,
					     "stopped from the console (Ctrl-A x)");
				break;
			}
			if (byte != CTRL_A)
				continue;
		} else if (c->tty && byte == CTRL_A) {
			escape = true;
			continue;
		}
		serial_receive(s, byte);
	}
	return NULL;
}

int console_start(struct machine *m, struct serial *s)
{
	static struct console c;
	pthread_t thread;
	int r;

	c = (struct console) { .m = m, .s = s, .tty = isatty(STDIN_FILENO) };
	if (c.tty)
		raw_terminal();
	r = pthread_create(&thread, NULL, console_thread, &c);
	if (r)
		return -r;
	pthread_detach(thread);
	return 0;
}
