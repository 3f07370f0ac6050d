// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: debugfs. /sys/kernel/debug/daedalus-v4l2/stats shows the
 * counters the tests use to prove nothing is left behind.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "dv.h"

static int dv_stats_show(struct seq_file *s, void *unused)
{
	struct dv_dev *dev = s->private;
	struct dv_stats *st = &dev->stats;
	unsigned int events, notes;

	seq_printf(s, "contexts: %d\n", atomic_read(&st->contexts));
	seq_printf(s, "jobs_pending: %d\n", atomic_read(&st->jobs_pending));
	seq_printf(s, "jobs_with_daemon: %d\n",
		   atomic_read(&st->jobs_with_daemon));
	seq_printf(s, "jobs_submitted: %lld\n",
		   atomic64_read(&st->jobs_submitted));
	seq_printf(s, "jobs_done: %lld\n", atomic64_read(&st->jobs_done));
	seq_printf(s, "jobs_error: %lld\n", atomic64_read(&st->jobs_error));
	dv_bridge_waiting(dev, &events, &notes);
	seq_printf(s, "events_waiting: %u\n", events);
	seq_printf(s, "notes_waiting: %u\n", notes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dv_stats);

void dv_debugfs_init(struct dv_dev *dev)
{
	dev->debugfs = debugfs_create_dir(DV_NAME, NULL);
	debugfs_create_file("stats", 0444, dev->debugfs, dev,
			    &dv_stats_fops);
}

void dv_debugfs_exit(struct dv_dev *dev)
{
	debugfs_remove_recursive(dev->debugfs);
}
