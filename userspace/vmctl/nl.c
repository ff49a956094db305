// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl's side of hvx's generic netlink family (uapi/hvx.h).
 *
 * hvx_nl() is the one place that owns a netlink socket: it resolves the
 * family, sends one request (or joins the events group), runs the receive
 * loop, hands each message's attributes to the caller's parser, and turns
 * every way the exchange can fail into one line for the user: the
 * kernel's extended ack when it gave one ("kernel reports: ..."), and what
 * to do about it.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "uapi/hvx.h"
#include "vmctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* What the callbacks learn about one exchange. */
struct nl_state {
	const struct hvx_nl_call *call;
	int err;		/* the kernel's errno, negative */
	int parse_err;		/* the parser's, negative */
	int done;
	char extack[256];
};

/* The attributes of an extended ack that follow @payload in @nlh. */
static void read_extack(struct nl_state *st, struct nlmsghdr *nlh,
			size_t offset)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= offset)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + offset),
		      nlh->nlmsg_len - offset, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(st->extack, sizeof(st->extack), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

/* NLMSG_ERROR: an ack (error 0) or a rejection, maybe with an extack. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct nl_state *st = arg;
	size_t offset = NLMSG_HDRLEN + sizeof(*err);

	(void)who;
	st->err = err->error;
	st->done = 1;
	/* Unless capped, the request itself is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
	read_extack(st, nlh, offset);
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; a dump that failed carries its errno there. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nl_state *st = arg;
	int e;

	st->done = 1;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&e, nlmsg_data(nlh), sizeof(e));
		if (e < 0) {
			st->err = e;
			read_extack(st, nlh, NLMSG_HDRLEN + sizeof(int));
		}
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct nl_state *st = arg;

	(void)msg;
	st->done = 1;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[HVX_A_MAX + 1];
	struct nl_state *st = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	int r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, HVX_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (!st->call->parse)
		return NL_OK;
	/* Non-zero stops: negative for an error, positive for "enough". */
	r = st->call->parse(gh->cmd, tb, st->call->arg);
	if (r) {
		st->parse_err = r;
		return NL_STOP;
	}
	return NL_OK;
}

/* The user's line for a failed exchange; @what names the request. */
static void report(const struct nl_state *st, const char *what)
{
	int e = -st->err;

	if (st->extack[0])
		fprintf(stderr, "vmctl: %s: kernel reports: %s\n", what,
			st->extack);
	else
		fprintf(stderr, "vmctl: %s: %s\n", what, strerror(e));
	if (e == EPERM && !st->extack[0])
		fprintf(stderr, "vmctl: this needs CAP_SYS_ADMIN: run it as root\n");
}

static struct nl_sock *open_family(int *family, const char *what)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, r;

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "vmctl: %s: cannot open a generic netlink socket\n",
			what);
		nl_socket_free(sk);
		return NULL;
	}
	/* Ask for extended acks, and do not echo our request in errors. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	r = genl_ctrl_resolve(sk, HVX_GENL_NAME);
	if (r < 0) {
		fprintf(stderr, "vmctl: %s: hvx module not loaded (no netlink family \"%s\"): run 'insmod hvx.ko' as root\n",
			what, HVX_GENL_NAME);
		nl_socket_free(sk);
		return NULL;
	}
	*family = r;
	return sk;
}

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * Join the events group and hand every event to the parser until it
 * returns non-zero.  Events the socket had no room for are lost: say so
 * and go on.
 */
static int listen_events(struct nl_sock *sk, struct nl_cb *cb,
			 struct nl_state *st, const char *what)
{
	int grp = genl_ctrl_resolve_grp(sk, HVX_GENL_NAME,
					HVX_GENL_MCGRP_EVENTS);
	int r;

	if (grp < 0) {
		fprintf(stderr, "vmctl: %s: the hvx family has no events group: is hvx.ko older than vmctl?\n",
			what);
		return -ENOENT;
	}
	r = nl_socket_add_membership(sk, grp);
	if (r < 0) {
		fprintf(stderr, "vmctl: %s: cannot join the events group: %s\n",
			what, nl_geterror(r));
		if (r == -NLE_PERM)
			fprintf(stderr, "vmctl: events name every user's VMs: watching them needs CAP_SYS_ADMIN (run it as root)\n");
		return -EPERM;
	}
	/* Events are not answers: they carry no sequence number of ours. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	for (;;) {
		r = nl_recvmsgs(sk, cb);
		if (st->parse_err)
			return st->parse_err > 0 ? 0 : st->parse_err;
		if (r == -NLE_NOMEM) {
			fprintf(stderr, "vmctl: %s: events were lost: the socket buffer overflowed\n",
				what);
			continue;
		}
		if (r < 0 && r != -NLE_INTR) {
			fprintf(stderr, "vmctl: %s: %s\n", what, nl_geterror(r));
			return -EIO;
		}
	}
}

/**
 * hvx_nl - one exchange with hvx's netlink family
 * @call: what to send and what to do with the answers
 *
 * Return: 0, a parser's negative return, or -errno after telling the
 * user what went wrong.  A dump that VMs came or went under is asked
 * again (a few times), so its answer is one consistent snapshot.
 */
int hvx_nl(const struct hvx_nl_call *call)
{
	const char *what = call->what;
	int family, r, tries = 0;
	struct nl_sock *sk;
	struct nl_cb *cb;
	struct nl_msg *msg;
	struct nl_state st;

again:
	memset(&st, 0, sizeof(st));
	st.call = call;
	sk = open_family(&family, what);
	if (!sk)
		return -ENOENT;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nl_socket_free(sk);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);

	if (call->listen) {
		r = listen_events(sk, cb, &st, what);
		goto out;
	}

	r = -ENOMEM;
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 call->dump ? NLM_F_DUMP : 0, call->cmd,
				 HVX_GENL_VERSION) ||
	    (call->has_vm && nla_put_u32(msg, HVX_A_VM_ID, call->vm_id)) ||
	    (call->has_vcpu && nla_put_u32(msg, HVX_A_VCPU_ID, call->vcpu_id))) {
		nlmsg_free(msg);
		goto out;
	}
	r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		fprintf(stderr, "vmctl: %s: cannot send: %s\n", what,
			nl_geterror(r));
		r = -EIO;
		goto out;
	}

	r = 0;
	while (!st.done && !st.parse_err) {
		r = nl_recvmsgs(sk, cb);
		/* An error callback that stops makes nl_recvmsgs() fail. */
		if (st.done || st.parse_err)
			break;
		if (r == -NLE_DUMP_INTR && tries++ < 5) {
			nl_cb_put(cb);
			nl_socket_free(sk);
			if (call->restart)
				call->restart(call->arg);
			goto again;
		}
		if (r < 0 && r != -NLE_INTR) {
			fprintf(stderr, "vmctl: %s: %s\n", what, nl_geterror(r));
			r = -EIO;
			goto out;
		}
	}
	if (st.parse_err) {
		r = st.parse_err > 0 ? 0 : st.parse_err;
	} else if (st.err) {
		report(&st, what);
		r = st.err;
	} else {
		r = 0;
	}
out:
	nl_cb_put(cb);
	nl_socket_free(sk);
	return r;
}
