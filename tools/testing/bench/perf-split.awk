# SPDX-License-Identifier: GPL-2.0-only
#
# Reads "perf script -F comm,period,ip,sym,dso" output of a cpu-clock
# profile with call chains and prints "CATEGORY NANOSECONDS" for driver,
# vmbus, hvsim, kernel, user, guest (all but hvsim and idle), total (all but
# idle) and idle.  A sample goes to the first of our modules met walking
# its chain from the leaf outwards (kernel helpers our code calls count as
# our code), but the walk stops where the work was handed over to the rest
# of the kernel (an interrupt or softirq entry, the network stack's receive
# entry, a block or SCSI completion), so the stack above our code is not
# charged to us.  A sample without any of our modules goes by its leaf:
# idle, kernel or user.  perf 6.1 names modules loaded by insmod from
# outside /lib/modules "[kernel.kallsyms]": with -v mods=FILE (a copy of
# /proc/modules taken while they were loaded) a kernel address inside one
# of our modules is given that module's name.

# hex48 HEX: the value of the last 12 hex digits (exact in a double)
function hex48(x,	v, i) {
	x = tolower(substr(x, length(x) > 12 ? length(x) - 11 : 1))
	v = 0
	for (i = 1; i <= length(x); i++)
		v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
	return v
}

BEGIN {
	while (mods != "" && (getline line < mods) > 0) {
		split(line, w, " ")
		if (w[1] !~ /^(hvsim|hv_vmbus|hv_netvsc|hv_storvsc)$/)
			continue
		nm++
		mname[nm] = w[1]
		mlo[nm] = hex48(w[6])
		mhi[nm] = mlo[nm] + w[2]
	}
}

function flush(	cat, i) {
	if (nf == 0)
		return
	cat = ""
	for (i = 1; i <= nf && cat == ""; i++) {
		if (dso[i] == "[hvsim]")
			cat = "hvsim"
		else if (dso[i] == "[hv_vmbus]")
			cat = "vmbus"
		else if (dso[i] ~ /^\[hv_(netvsc|storvsc)\]$/)
			cat = "driver"
		else if (sym[i] ~ /^(asm_|irq_exit|__irq_exit|handle_softirqs|__do_softirq|do_softirq|net_rx_action|napi_gro_receive|napi_gro_frags|netif_receive_skb|__netif_receive_skb|netif_rx|__netif_rx|scsi_done|scsi_io_completion|blk_mq_end_request|blk_mq_complete_request|bio_endio|kfree_skb|consume_skb|napi_consume_skb|dev_kfree_skb|__dev_kfree_skb)/)
			break
	}
	if (cat == "") {
		if (sym[1] ~ /(idle|safe_halt|mwait|cpuidle)/)
			cat = "idle"
		else if (dso[1] ~ /^\[/ && dso[1] != "[vdso]" && dso[1] != "[unknown]")
			cat = "kernel"
		else
			cat = "user"
	}
	ns[cat] += period
	if (cat != "idle")
		bysym[cat " " sym[1]] += period
	nf = 0
}

/^[^ \t]/ {
	flush()
	period = $NF
	next
}

/^[ \t]+[0-9a-f]+ / {
	nf++
	s = $0
	d = s
	sub(/^[ \t]+[0-9a-f]+ /, "", s)
	sub(/ \([^()]*\)$/, "", s)
	sub(/\+0x[0-9a-f]+$/, "", s)
	sub(/^.*\(/, "", d)
	sub(/\)$/, "", d)
	if (d == "[kernel.kallsyms]" && nm) {
		a = $1
		if (length(a) == 16 && a ~ /^ffff/) {
			a = hex48(a)
			for (j = 1; j <= nm; j++)
				if (a >= mlo[j] && a < mhi[j])
					d = "[" mname[j] "]"
		}
	}
	sym[nf] = s
	dso[nf] = d
	next
}

END {
	flush()
	for (c in ns)
		if (c != "idle")
			total += ns[c]
	printf "driver %.0f\nvmbus %.0f\nhvsim %.0f\nkernel %.0f\nuser %.0f\n",
		ns["driver"], ns["vmbus"], ns["hvsim"], ns["kernel"], ns["user"]
	printf "guest %.0f\ntotal %.0f\nidle %.0f\n", total - ns["hvsim"], total, ns["idle"]
	# with -v top=FILE: "CATEGORY SYMBOL PERCENT" of the busy time, the
	# symbols above 1%, for the reader
	if (top != "" && total > 0)
		for (k in bysym)
			if (bysym[k] * 100 >= total)
				printf "%s %.1f\n", k, bysym[k] * 100 / total >top
}
