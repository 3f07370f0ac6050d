// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reading a status file back (the format is in status.h). Unknown keys are
 * skipped, so a newer daemon's file still reads.
 */
#include <stdlib.h>
#include <string.h>

#include "status/status.h"

static void dv_status_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

/* "WxH" into @w and @h; both stay 0 if it is not that. */
static void dv_status_size(const char *s, unsigned int *w, unsigned int *h)
{
	if (sscanf(s, "%ux%u", w, h) != 2)
		*w = *h = 0;
}

/* A "ctx ID key value ..." line, tokenised in place. */
static int dv_status_parse_ctx(char *line, struct dv_status_ctx_row *row)
{
	char *save = NULL, *key, *value;

	memset(row, 0, sizeof(*row));
	strcpy(row->codec, "-");
	strcpy(row->capture, "-");
	row->p50_us = row->p99_us = -1;
	key = strtok_r(line, " \t\n", &save);	/* "ctx" */
	value = strtok_r(NULL, " \t\n", &save);
	if (!key || !value)
		return -1;
	row->id = (uint32_t)strtoul(value, NULL, 10);
	while ((key = strtok_r(NULL, " \t\n", &save)) &&
	       (value = strtok_r(NULL, " \t\n", &save))) {
		if (!strcmp(key, "state"))
			row->open = !strcmp(value, "open");
		else if (!strcmp(key, "age"))
			row->age = strtod(value, NULL);
		else if (!strcmp(key, "codec"))
			dv_status_copy(row->codec, sizeof(row->codec), value);
		else if (!strcmp(key, "bit_depth"))
			row->bit_depth = (unsigned int)strtoul(value, NULL, 10);
		else if (!strcmp(key, "coded"))
			dv_status_size(value, &row->coded_w, &row->coded_h);
		else if (!strcmp(key, "capture"))
			dv_status_copy(row->capture, sizeof(row->capture), value);
		else if (!strcmp(key, "capture_size"))
			dv_status_size(value, &row->capture_w, &row->capture_h);
		else if (!strcmp(key, "done"))
			row->done = strtoull(value, NULL, 10);
		else if (!strcmp(key, "failed"))
			row->failed = strtoull(value, NULL, 10);
		else if (!strcmp(key, "cancelled"))
			row->cancelled = strtoull(value, NULL, 10);
		else if (!strcmp(key, "fps"))
			row->fps = strtod(value, NULL);
		else if (!strcmp(key, "p50_us"))
			row->p50_us = strtoll(value, NULL, 10);
		else if (!strcmp(key, "p99_us"))
			row->p99_us = strtoll(value, NULL, 10);
		else if (!strcmp(key, "backend"))
			dv_status_copy(row->backend, sizeof(row->backend), value);
		else if (!strcmp(key, "threads"))
			row->threads = (int)strtol(value, NULL, 10);
	}
	return 0;
}

int dv_status_parse(FILE *in, struct dv_status_snapshot *snap)
{
	char *line = NULL, key[64], value[256];
	size_t cap = 0;
	bool first = true;
	int ret = 0;

	memset(snap, 0, sizeof(*snap));
	while (getline(&line, &cap, in) > 0) {
		if (first) {
			first = false;
			if (sscanf(line, "daedalus-v4l2-status %d", &snap->format) != 1) {
				ret = -1;
				break;
			}
			continue;
		}
		if (!strncmp(line, "ctx ", 4)) {
			struct dv_status_ctx_row *rows =
				realloc(snap->ctx, (snap->n_ctx + 1) * sizeof(*rows));

			if (!rows) {
				ret = -1;
				break;
			}
			snap->ctx = rows;
			if (!dv_status_parse_ctx(line, &rows[snap->n_ctx]))
				snap->n_ctx++;
			continue;
		}
		if (sscanf(line, "%63s %255s", key, value) != 2)
			continue;
		if (!strcmp(key, "pid"))
			snap->pid = strtol(value, NULL, 10);
		else if (!strcmp(key, "running"))
			snap->running = strtol(value, NULL, 10) != 0;
		else if (!strcmp(key, "updated"))
			snap->updated = strtod(value, NULL);
		else if (!strcmp(key, "started"))
			snap->started = strtod(value, NULL);
		else if (!strcmp(key, "node"))
			dv_status_copy(snap->node, sizeof(snap->node), value);
		else if (!strcmp(key, "protocol"))
			snap->protocol = (unsigned int)strtoul(value, NULL, 10);
	}
	free(line);
	if (first)
		ret = -1;
	if (ret)
		dv_status_snapshot_free(snap);
	return ret;
}

void dv_status_snapshot_free(struct dv_status_snapshot *snap)
{
	free(snap->ctx);
	snap->ctx = NULL;
	snap->n_ctx = 0;
}
