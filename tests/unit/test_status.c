// SPDX-License-Identifier: BSD-2-Clause
/*
 * The status report's numbers: jobs counted per context, decode time
 * percentiles, frames per second over the window, which closed contexts
 * stay visible, and the status file read back as written.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "status/status.h"

DV_TEST_DEFINE_FAILURES;

#define MS	1000LL
#define S	1000000LL

static const struct dv_format fmt_h264 = {
	.codec = DV_CODEC_ID_H264, .bit_depth = 8,
	.coded_width = 352, .coded_height = 288,
	.capture_fourcc = 0x3231564e,	/* NV12 */
	.capture_width = 352, .capture_height = 288,
};

static const struct dv_format fmt_av1 = {
	.codec = DV_CODEC_ID_AV1, .bit_depth = 10,
	.coded_width = 176, .coded_height = 144,
	.capture_fourcc = 0x30313050,	/* P010 */
	.capture_width = 176, .capture_height = 144,
};

/* A snapshot as of @now_us, written and parsed back. */
static void snapshot(int64_t now_us, struct dv_status_snapshot *snap)
{
	FILE *f = tmpfile();

	CHECK(f != NULL, "tmpfile");
	dv_status_snapshot_write(f, now_us, true);
	rewind(f);
	CHECK(dv_status_parse(f, snap) == 0, "the snapshot parses");
	fclose(f);
}

static const struct dv_status_ctx_row *row(const struct dv_status_snapshot *snap, uint32_t id)
{
	for (size_t i = 0; i < snap->n_ctx; i++)
		if (snap->ctx[i].id == id)
			return &snap->ctx[i];
	return NULL;
}

static void test_counts_percentiles_fps(void)
{
	struct dv_status_snapshot snap;
	const struct dv_status_ctx_row *r;

	dv_status_reset();
	/* ctx 3: 40 jobs of 40 ms back to back from t = 0: 25 per second. */
	dv_status_context_open_at(3, 0);
	for (int k = 1; k <= 40; k++)
		dv_status_job_done_at(3, &fmt_h264, "libavcodec", 2, 40 * MS, true, k * 40 * MS);
	/* ctx 4: 100 jobs of 0.1, 0.2 ... 10 ms, one of them failed; one cancelled. */
	dv_status_context_open_at(4, 0);
	for (int k = 1; k <= 100; k++)
		dv_status_job_done_at(4, &fmt_av1, "libdav1d", 2, k * 100, k != 7, S + k * MS);
	dv_status_job_cancelled(4);
	/* ctx 5: open, nothing decoded yet. */
	dv_status_context_open_at(5, 0);

	snapshot(1600 * MS, &snap);
	CHECK_EQ(snap.format, DV_STATUS_FORMAT);
	CHECK(snap.running, "running");
	CHECK_EQ(snap.n_ctx, 3);
	r = row(&snap, 3);
	CHECK(r != NULL, "ctx 3 reported");
	if (r) {
		CHECK(r->open, "ctx 3 open");
		CHECK(!strcmp(r->codec, "h264"), "codec %s", r->codec);
		CHECK(!strcmp(r->capture, "NV12"), "capture %s", r->capture);
		CHECK_EQ(r->coded_w, 352);
		CHECK_EQ(r->coded_h, 288);
		CHECK_EQ(r->capture_w, 352);
		CHECK_EQ(r->bit_depth, 8);
		CHECK_EQ(r->done, 40);
		CHECK_EQ(r->failed, 0);
		CHECK(r->fps > 24.99 && r->fps < 25.01, "fps %.3f, 25 expected", r->fps);
		CHECK_EQ(r->p50_us, 40 * MS);
		CHECK_EQ(r->p99_us, 40 * MS);
		CHECK(!strcmp(r->backend, "libavcodec"), "backend %s", r->backend);
		CHECK_EQ(r->threads, 2);
	}
	r = row(&snap, 4);
	CHECK(r != NULL, "ctx 4 reported");
	if (r) {
		CHECK(!strcmp(r->codec, "av1") && !strcmp(r->capture, "P010"), "%s %s", r->codec,
		      r->capture);
		CHECK_EQ(r->bit_depth, 10);
		CHECK_EQ(r->done, 99);
		CHECK_EQ(r->failed, 1);
		CHECK_EQ(r->cancelled, 1);
		/* Nearest rank: the 50th and 99th of 100 values. */
		CHECK_EQ(r->p50_us, 5000);
		CHECK_EQ(r->p99_us, 9900);
	}
	r = row(&snap, 5);
	CHECK(r != NULL && r->open && !strcmp(r->codec, "-") && r->p50_us == -1 && r->done == 0,
	      "ctx 5 open with nothing decoded");
	dv_status_snapshot_free(&snap);

	/* Idle for longer than the window: an open context's rate falls to 0. */
	snapshot(1600 * MS + (DV_STATUS_FPS_SECONDS + 1) * S, &snap);
	r = row(&snap, 3);
	CHECK(r && r->fps == 0, "fps of an idle context: %.3f", r ? r->fps : -1);
	dv_status_snapshot_free(&snap);

	/* Closed: still reported, its rate as of its last job, its age counting. */
	dv_status_context_closed_at(3, 1700 * MS);
	dv_status_context_closed_at(5, 1700 * MS);
	snapshot(2700 * MS, &snap);
	r = row(&snap, 3);
	CHECK(r && !r->open, "ctx 3 closed");
	if (r) {
		CHECK(r->age > 0.99 && r->age < 1.01, "age %.3f", r->age);
		CHECK(r->fps > 24.99 && r->fps < 25.01, "fps of the closed ctx %.3f", r->fps);
		CHECK_EQ(r->done, 40);
	}
	CHECK(row(&snap, 5) == NULL, "a context closed without a job is not kept");
	dv_status_snapshot_free(&snap);

	/* Kept for DV_STATUS_KEEP_CLOSED_SECONDS only. */
	snapshot(1700 * MS + (DV_STATUS_KEEP_CLOSED_SECONDS + 1) * S, &snap);
	CHECK(row(&snap, 3) == NULL, "ctx 3 forgotten after its time");
	CHECK(row(&snap, 4) != NULL, "ctx 4, open, still there");
	dv_status_snapshot_free(&snap);
}

static void test_closed_kept(void)
{
	struct dv_status_snapshot snap;

	dv_status_reset();
	for (uint32_t id = 10; id < 20; id++) {
		dv_status_context_open_at(id, id * S);
		dv_status_job_done_at(id, &fmt_h264, "libavcodec", 1, MS, true, id * S + MS);
		dv_status_context_closed_at(id, id * S + 2 * MS);
	}
	snapshot(21 * S, &snap);
	CHECK_EQ(snap.n_ctx, DV_STATUS_KEEP_CLOSED);
	CHECK(row(&snap, 19) && row(&snap, 12) && !row(&snap, 11) && !row(&snap, 10),
	      "the newest closed contexts are kept");
	dv_status_snapshot_free(&snap);

	/* An id used again is a new context. */
	dv_status_context_open_at(19, 22 * S);
	snapshot(22 * S, &snap);
	CHECK(row(&snap, 19) && row(&snap, 19)->open && row(&snap, 19)->done == 0,
	      "a reused id starts afresh");
	dv_status_snapshot_free(&snap);
}

static void test_parse_rejects(void)
{
	struct dv_status_snapshot snap;
	FILE *f = tmpfile();

	fputs("something else\npid 3\n", f);
	rewind(f);
	CHECK(dv_status_parse(f, &snap) == -1, "not a status file");
	fclose(f);

	/* Unknown keys and lines are skipped. */
	f = tmpfile();
	fputs("daedalus-v4l2-status 1\npid 42\nnew_field 7\nrunning 1\n"
	      "ctx 9 state open future 3 done 5\n", f);
	rewind(f);
	CHECK(dv_status_parse(f, &snap) == 0, "parses");
	CHECK_EQ(snap.pid, 42);
	CHECK_EQ(snap.n_ctx, 1);
	if (snap.n_ctx)
		CHECK_EQ(snap.ctx[0].done, 5);
	dv_status_snapshot_free(&snap);
	fclose(f);
}

int main(void)
{
	test_counts_percentiles_fps();
	test_closed_kept();
	test_parse_rejects();
	dv_status_reset();
	return TEST_RESULT();
}
