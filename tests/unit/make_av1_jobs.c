// SPDX-License-Identifier: BSD-2-Clause
/*
 * make_av1_jobs DIR: AV1 jobs as the daemon would dump them (--dump-jobs),
 * without a device: a 1920x1080 stream of 30 frames encoded with libaom
 * (frame headers and tile groups apart, 4 tile columns, hidden alt-ref
 * frames), turned into requests as a V4L2 client sends them (controls from
 * libdav1d's parse, tiles located in the tile group OBUs, the client's
 * reference slots in reference_frame_ts) by test_av1_frame_header.c's
 * functions, written as DIR/ctx1-jobNNNNNN.msg for bench_jobs. Not a test:
 * tools/bench.sh uses it when no guest dumps are at hand.
 */
#define W 1920
#define H 1080
#define FRAMES 30
#define main av1_frame_header_test_main
#include "test_av1_frame_header.c"
#undef main

int av1_frame_header_test_main(void);

static int write_job(const char *dir, uint64_t n, const struct dv_format *fmt,
		     const struct dv_ctrl_builder *blk, const uint8_t *tiles,
		     size_t t, uint64_t ts)
{
	struct dv_msg_job job;
	char path[4096];
	FILE *f;
	int ok;

	memset(&job, 0, sizeof(job));
	job.hdr.type = DV_MSG_JOB;
	job.hdr.size = (uint32_t)(sizeof(job) + blk->size + t);
	job.hdr.ctx_id = 1;
	job.job_id = n;
	job.capture_cookie = 1;
	job.capture_fd = -1;
	job.capture_size = fmt->sizeimage;
	job.timestamp = ts;
	job.fmt = *fmt;
	job.ctrls_offset = sizeof(job);
	job.ctrls_size = (uint32_t)blk->size;
	job.bitstream_offset = (uint32_t)(sizeof(job) + blk->size);
	job.bitstream_size = (uint32_t)t;
	snprintf(path, sizeof(path), "%s/ctx1-job%06llu.msg", dir, (unsigned long long)n);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(&job, sizeof(job), 1, f) == 1 &&
	     fwrite(blk->buf, 1, blk->size, f) == blk->size &&
	     fwrite(tiles, 1, t, f) == t;
	return fclose(f) || !ok ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct tu tus[FRAMES * 2];
	static struct coded_frame coded[MAX_PICS];
	static struct v4l2_ctrl_av1_tile_group_entry e[64];
	static uint8_t tiles[1 << 22];
	static struct dv_ctrl_builder blk;
	static Dav1dPicture pics[MAX_PICS];
	const Dav1dFrameHeader *seen[MAX_PICS];
	const struct dv_format fmt = {
		.codec = DV_CODEC_ID_AV1, .bit_depth = 8, .coded_width = W,
		.coded_height = H, .capture_fourcc = V4L2_PIX_FMT_NV12,
		.capture_width = W, .capture_height = (H + 7) / 8 * 8,
		.bytesperline = (W + 63) / 64 * 64,
		.sizeimage = (W + 63) / 64 * 64 * ((H + 7) / 8 * 8) * 3 / 2,
	};
	uint64_t dpb_ts[8] = { 0 }, frame_no = 0, jobs = 0;
	int n_tus = 0, n_pics = 0, n_seen = 0, n_coded, i, k, ret;
	Dav1dContext *ref;

	if (argc != 2) {
		fprintf(stderr, "usage: make_av1_jobs DIR\n");
		return 77;
	}
	ret = encode(tus, &n_tus, "tile-columns=2:num-tile-groups=2:row-mt=1");
	if (ret)
		return ret;
	ref = open_dav1d();
	if (!ref)
		return 1;
	for (i = 0; i < n_tus; i++) {
		Dav1dData data;

		memcpy(dav1d_data_create(&data, tus[i].size), tus[i].data, tus[i].size);
		while (data.sz) {
			ret = dav1d_send_data(ref, &data);
			if (ret && ret != DAV1D_ERR(EAGAIN))
				break;
			while (n_pics < MAX_PICS && dav1d_get_picture(ref, &pics[n_pics]) == 0)
				n_pics++;
		}
		while (n_pics < MAX_PICS && dav1d_get_picture(ref, &pics[n_pics]) == 0)
			n_pics++;
	}
	n_coded = split_frames(tus, n_tus, coded, MAX_PICS);
	if (n_coded <= 0) {
		fprintf(stderr, "make_av1_jobs: no frame header and tile group OBUs apart\n");
		return 1;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n_pics; i++) {
		const Dav1dFrameHeader *f = pics[i].frame_hdr;
		struct v4l2_ctrl_av1_sequence seq;
		struct v4l2_ctrl_av1_frame fr;
		struct v4l2_ctrl_av1_film_grain grain;
		size_t t, nt;
		int dup = 0;

		for (k = 0; k < n_seen; k++)
			dup |= seen[k] == f;
		if (dup) {
			/* A show_existing_frame: no request, a frame number. */
			frame_no++;
			continue;
		}
		if (n_seen >= n_coded)
			break;
		seen[n_seen++] = f;
		to_seq(pics[i].seq_hdr, &seq);
		to_frame(pics[i].seq_hdr, f, &fr, &grain);
		memcpy(fr.reference_frame_ts, dpb_ts, sizeof(dpb_ts));
		if (locate_tiles(f, &coded[n_seen - 1], tiles, sizeof(tiles), e, &nt, &t)) {
			fprintf(stderr, "make_av1_jobs: frame %d: tiles not found\n", i);
			return 1;
		}
		dv_ctrl_builder_init(&blk);
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_SEQUENCE, &seq, sizeof(seq));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_FRAME, &fr, sizeof(fr));
		dv_ctrl_builder_add(&blk, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
				    e, (uint32_t)(nt * sizeof(e[0])));
		if (write_job(argv[1], ++jobs, &fmt, &blk, tiles, t, frame_no * 1000)) {
			perror(argv[1]);
			return 1;
		}
		for (k = 0; k < 8; k++)
			if (fr.refresh_frame_flags & (1u << k))
				dpb_ts[k] = frame_no * 1000;
		frame_no++;
	}
	fprintf(stderr, "make_av1_jobs: %llu jobs from %d pictures in %s\n",
		(unsigned long long)jobs, n_pics, argv[1]);
	for (i = 0; i < n_pics; i++)
		dav1d_picture_unref(&pics[i]);
	for (i = 0; i < n_tus; i++)
		free(tus[i].data);
	dav1d_close(&ref);
	return 0;
}
