// SPDX-License-Identifier: BSD-2-Clause
/*
 * make_h264_jobs DIR: H.264 jobs as the daemon would dump them
 * (--dump-jobs), without a device: a 1920x1080 High profile stream of 30
 * frames encoded with libx264 (B-pyramid, 3 references, one slice a
 * picture), split into requests as a V4L2 client sends them
 * (test_decode_order.c's functions: slices only, SPS/PPS/scaling matrix as
 * controls), written as DIR/ctx1-jobNNNNNN.msg for bench_jobs. Not a test.
 */
#define WIDTH		1920
#define HEIGHT		1080
#define CAP_WIDTH	1920
#define CAP_HEIGHT	1088
#define CAP_STRIDE	1920
#define main decode_order_test_main
#include "test_decode_order.c"
#undef main

int decode_order_test_main(void);

int main(int argc, char **argv)
{
	static const struct stream_config cfg = {
		.name = "high_1080p", .profile = "high", .b_frames = 3, .refs = 3,
		.frames = 30, .x264_params = "",
	};
	struct t_stream s = { 0 };
	struct t_request req = { 0 };
	struct t_sps sps;
	struct t_pps pps;
	size_t i, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: make_h264_jobs DIR\n");
		return 77;
	}
	memset(&sps, 0, sizeof(sps));
	memset(&pps, 0, sizeof(pps));
	if (encode(&cfg, &s))
		return 1;
	for (i = 0; i < s.count; i++) {
		struct dv_msg_job job;
		char path[4096];
		FILE *f;
		int ok;

		if (make_request(&cfg, &s.packets[i], &sps, &pps, &req))
			continue;
		memset(&job, 0, sizeof(job));
		job.hdr.type = DV_MSG_JOB;
		job.hdr.size = (uint32_t)(sizeof(job) + req.ctrls.size + req.size);
		job.hdr.ctx_id = 1;
		job.job_id = ++n;
		job.capture_cookie = 1;
		job.capture_fd = -1;
		job.capture_size = capture_format.sizeimage;
		job.timestamp = (uint64_t)s.packets[i].pts * 1000;
		job.fmt = capture_format;
		job.ctrls_offset = sizeof(job);
		job.ctrls_size = (uint32_t)req.ctrls.size;
		job.bitstream_offset = (uint32_t)(sizeof(job) + req.ctrls.size);
		job.bitstream_size = (uint32_t)req.size;
		snprintf(path, sizeof(path), "%s/ctx1-job%06zu.msg", argv[1], n);
		f = fopen(path, "wb");
		ok = f && fwrite(&job, sizeof(job), 1, f) == 1 &&
		     fwrite(req.ctrls.buf, 1, req.ctrls.size, f) == req.ctrls.size &&
		     fwrite(req.bitstream, 1, req.size, f) == req.size;
		if (f)
			ok &= !fclose(f);
		if (!ok) {
			perror(path);
			return 1;
		}
	}
	fprintf(stderr, "make_h264_jobs: %zu jobs in %s\n", n, argv[1]);
	free(req.bitstream);
	t_stream_free(&s);
	return 0;
}
