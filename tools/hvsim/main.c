// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: a simulated Hyper-V host for hv_vmbus.
 *
 * hvsim registers itself as hv_vmbus's hypervisor backend and plays the
 * host's side of VMBus: version negotiation, offers of echo test devices,
 * GPADLs, channel rings and monitored notification, with fault injection
 * controlled from debugfs.  It is the test peer of the guest code, so it
 * validates everything the guest sends and touches guest memory only
 * through the pages the guest handed over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "fuzz.h"
#include "hvsim.h"

struct hvsim hvsim;

static char personality[16] = "azure";
module_param_string(personality, personality, sizeof(personality), 0444);
MODULE_PARM_DESC(personality,
		 "Real host to play: ws2012r2, ws2016, ws2019, azure (= ws2022) or openvmm (default azure)");

static char host_version[8];
module_param_string(host_version, host_version, sizeof(host_version), 0444);
MODULE_PARM_DESC(host_version,
		 "Newest VMBus version the host accepts, major.minor: 1.1 .. 5.3 (default: the personality's)");

static unsigned int echo_devices = 1;
module_param(echo_devices, uint, 0444);
MODULE_PARM_DESC(echo_devices, "Echo devices present at load (default 1)");

bool hvsim_monitor = true;
module_param_named(monitor, hvsim_monitor, bool, 0444);
MODULE_PARM_DESC(monitor, "Offer channels with a monitor id (default true)");

unsigned int hvsim_monitor_latency_us = 200;
module_param_named(monitor_latency_us, hvsim_monitor_latency_us, uint, 0444);
MODULE_PARM_DESC(monitor_latency_us,
		 "Monitor page scan period in microseconds, 10 .. 100000 (default 200)");

/*
 * The connection is made while the module loads, before any debugfs knob
 * can be set: these two are also load parameters, their initial counts.
 */
static unsigned int fault_version_failed;
module_param(fault_version_failed, uint, 0444);
MODULE_PARM_DESC(fault_version_failed,
		 "Answer the next N INITIATE_CONTACTs of a version the host speaks with a failed connection");

static unsigned int fault_version_conn0;
module_param(fault_version_conn0, uint, 0444);
MODULE_PARM_DESC(fault_version_conn0,
		 "Grant the next N 5.0+ connections with message connection id 0");

static unsigned int fault_version_silent;
module_param(fault_version_silent, uint, 0444);
MODULE_PARM_DESC(fault_version_silent,
		 "Grant the next N INITIATE_CONTACTs of a version the host speaks without sending the VERSION_RESPONSE");

/*
 * A guest kernel before this one (kexec, a crash dump kernel) left the
 * host connected without UNLOAD: the host starts connected at its newest
 * version, and the guest's first INITIATE_CONTACT meets that connection.
 */
static bool stale_connection;
module_param(stale_connection, bool, 0444);
MODULE_PARM_DESC(stale_connection,
		 "Start connected at the newest version, as an earlier guest kernel that never UNLOADed left the host (default false)");

u32 hvsim_max_version;

#define HVSIM_MAX_ECHO_DEVICES	256

/**
 * hvsim_fault() - whether an armed fault fires now
 * @f: the fault knob
 *
 * Return: true (and one less left) if the knob's count was positive.
 */
bool hvsim_fault(enum hvsim_fault f)
{
	return atomic_dec_if_positive(&hvsim.faults[f]) >= 0;
}

const char *hvsim_version_str(u32 version, char *buf, size_t len)
{
	if (!version)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%u.%u", version >> 16, version & 0xffff);
	return buf;
}

static int hvsim_check_params(void)
{
	unsigned int major, minor;

	hvsim_pers = hvsim_pers_find(personality);
	if (!hvsim_pers) {
		pr_err("personality=%s is not one of ws2012r2, ws2016, ws2019, azure, ws2022, openvmm\n",
		       personality);
		return -EINVAL;
	}
	hvsim_max_version = hvsim_pers->vmbus_version;
	if (host_version[0] && (sscanf(host_version, "%u.%u", &major, &minor) != 2 ||
	    major > 0xffff || minor > 0xffff ||
	    !hvsim_version_known(VMBUS_MAKE_VERSION(major, minor)))) {
		pr_err("host_version=%s is not a VMBus version hvsim knows (1.1, 2.4, 3.0, 4.0, 4.1, 5.0 .. 5.3)\n",
		       host_version);
		return -EINVAL;
	}
	if (host_version[0])
		hvsim_max_version = VMBUS_MAKE_VERSION(major, minor);
	if (hvsim_monitor_latency_us < 10 || hvsim_monitor_latency_us > 100000) {
		pr_err("monitor_latency_us=%u out of range 10 .. 100000\n",
		       hvsim_monitor_latency_us);
		return -EINVAL;
	}
	if (echo_devices > HVSIM_MAX_ECHO_DEVICES) {
		pr_err("echo_devices=%u, at most %u\n", echo_devices,
		       HVSIM_MAX_ECHO_DEVICES);
		return -EINVAL;
	}
	return 0;
}

static void hvsim_state_init(void)
{
	init_rwsem(&hvsim.lock);
	spin_lock_init(&hvsim.in_lock);
	spin_lock_init(&hvsim.synic_lock);
	spin_lock_init(&hvsim.chan_lock);
	spin_lock_init(&hvsim.dead_lock);
	INIT_LIST_HEAD(&hvsim.dead_chans);
	INIT_WORK(&hvsim.reap_work, hvsim_chan_reap);
	INIT_LIST_HEAD(&hvsim.in_msgs);
	INIT_LIST_HEAD(&hvsim.out_msgs);
	INIT_LIST_HEAD(&hvsim.devs);
	INIT_LIST_HEAD(&hvsim.chans);
	INIT_LIST_HEAD(&hvsim.gpadls);
	INIT_WORK(&hvsim.msg_work, hvsim_msg_work);
	atomic_set(&hvsim.faults[HVSIM_FAULT_VERSION_FAILED],
		   min_t(unsigned int, fault_version_failed, INT_MAX));
	atomic_set(&hvsim.faults[HVSIM_FAULT_VERSION_CONN0],
		   min_t(unsigned int, fault_version_conn0, INT_MAX));
	atomic_set(&hvsim.faults[HVSIM_FAULT_VERSION_SILENT],
		   min_t(unsigned int, fault_version_silent, INT_MAX));
	if (stale_connection)
		hvsim.version = hvsim_max_version;
	hvsim_monitor_init();
}

static int hvsim_add_devices(void)
{
	unsigned int i;
	int ret = 0;

	down_write(&hvsim.lock);
	for (i = 0; i < echo_devices && !ret; i++)
		ret = PTR_ERR_OR_ZERO(hvsim_dev_add(&hvsim_echo_svc, NULL, NULL));
	up_write(&hvsim.lock);
	return ret;
}

/* Everything but the backend registration, in an order safe with traffic. */
static void hvsim_teardown(void)
{
	hvsim_fuzz_stop();
	hvsim_control_exit();
	hvsim_synic_stop();
	drain_workqueue(hvsim.wq);
	drain_workqueue(hvsim.par_wq);
	hvsim_monitor_exit();
	hvsim_synic_exit();
	down_write(&hvsim.lock);
	hvsim_free_all();
	up_write(&hvsim.lock);
	flush_work(&hvsim.reap_work);
	destroy_workqueue(hvsim.par_wq);
	destroy_workqueue(hvsim.wq);
	hvsim_fuzz_free();
	hvsim_mmio_exit();
}

/*
 * The guest's connection failed.  A guest that gives up a connection the
 * host granted should UNLOAD; one that does not leaves the host holding it
 * connected.  (Linux's first connection does not: vmbus_connect()'s error
 * path reaches vmbus_initiate_unload(), which skips UNLOAD while
 * vmbus_proto_version, set only on success, is below 3.0.)
 */
static void hvsim_left_report(void)
{
	char buf[16];
	u32 v;

	flush_workqueue(hvsim.wq);
	down_read(&hvsim.lock);
	v = hvsim.version;
	pr_info("guest connection failed: UNLOADs seen %u, host connected %s\n",
		hvsim.unloads, hvsim_version_str(v, buf, sizeof(buf)));
	if (v)
		pr_err("the host is left connected at %s: no UNLOAD came\n", buf);
	up_read(&hvsim.lock);
}

static int __init hvsim_init(void)
{
	char buf[16];
	int ret;

	ret = hvsim_check_params();
	if (ret)
		return ret;
	hvsim_state_init();
	hvsim.wq = alloc_ordered_workqueue("hvsim", 0);
	hvsim.par_wq = alloc_workqueue("hvsim_par", WQ_UNBOUND, 0);
	ret = hvsim.wq && hvsim.par_wq ? hvsim_synic_init() : -ENOMEM;
	if (ret) {
		if (hvsim.par_wq)
			destroy_workqueue(hvsim.par_wq);
		if (hvsim.wq)
			destroy_workqueue(hvsim.wq);
		return ret;
	}
	hvsim_control_init();
	hvsim_fuzz_init(hvsim.debugfs);
	ret = hvsim_add_devices();
	if (ret)
		goto err;
	ret = hv_backend_register(&hvsim_ops);
	if (ret) {
		pr_err("hv_backend_register failed: %d\n", ret);
		hvsim_left_report();
		goto err;
	}
	pr_info("simulated Hyper-V host up: %s, VMBus <= %s, %u echo device(s), monitor %s\n",
		hvsim_pers->what, hvsim_version_str(hvsim_max_version, buf, sizeof(buf)),
		echo_devices, hvsim_monitor ? "on" : "off");
	return 0;
err:
	hvsim_teardown();
	return ret;
}

static void __exit hvsim_exit(void)
{
	/* Stop control commands first: the guest is about to go away. */
	hvsim_control_exit();
	/* hv_vmbus unloads the connection; keep answering until it returns. */
	hv_backend_unregister(&hvsim_ops);
	hvsim_teardown();
	pr_info("simulated Hyper-V host removed\n");
}

module_init(hvsim_init);
module_exit(hvsim_exit);

MODULE_DESCRIPTION("Simulated Hyper-V host beneath hv_vmbus");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVGUEST_VERSION);
