// SPDX-License-Identifier: BSD-2-Clause
/*
 * make_vp9_jobs CLIP.ivf WIDTH HEIGHT DEPTH DIR: VP9 jobs as the daemon
 * would dump them (--dump-jobs), without a device: one request per frame
 * (superframes split, as GStreamer's vp9parse does), no controls (the
 * libavcodec backend reads the frame header from the bitstream), the
 * CAPTURE format the module derives (NV12 or P010, sizes aligned to 8,
 * lines to 64 bytes), written as DIR/ctx1-jobNNNNNN.msg for bench_jobs.
 * Not a test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "daedalus_v4l2_bridge.h"

static uint32_t le(const uint8_t *p, int n)
{
	uint32_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int write_job(const char *dir, uint64_t n, const struct dv_format *fmt,
		     const uint8_t *frame, size_t size)
{
	struct dv_msg_job job;
	char path[4096];
	FILE *f;
	int ok;

	memset(&job, 0, sizeof(job));
	job.hdr.type = DV_MSG_JOB;
	job.hdr.size = (uint32_t)(sizeof(job) + size);
	job.hdr.ctx_id = 1;
	job.job_id = n;
	job.capture_cookie = 1;
	job.capture_fd = -1;
	job.capture_size = fmt->sizeimage;
	job.timestamp = n * 1000;
	job.fmt = *fmt;
	job.ctrls_offset = sizeof(job);
	job.bitstream_offset = sizeof(job);
	job.bitstream_size = (uint32_t)size;
	snprintf(path, sizeof(path), "%s/ctx1-job%06llu.msg", dir, (unsigned long long)n);
	f = fopen(path, "wb");
	ok = f && fwrite(&job, sizeof(job), 1, f) == 1 && fwrite(frame, 1, size, f) == size;
	if (f)
		ok &= !fclose(f);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct dv_format fmt;
	uint32_t w, h, depth, bps;
	uint8_t *data;
	size_t size, pos;
	uint64_t n = 0;
	FILE *f;
	long len;

	if (argc != 6) {
		fprintf(stderr, "usage: make_vp9_jobs CLIP.ivf WIDTH HEIGHT DEPTH DIR\n");
		return 77;
	}
	w = (uint32_t)atoi(argv[2]);
	h = (uint32_t)atoi(argv[3]);
	depth = (uint32_t)atoi(argv[4]);
	bps = depth > 8 ? 2 : 1;
	memset(&fmt, 0, sizeof(fmt));
	fmt.codec = DV_CODEC_ID_VP9;
	fmt.bit_depth = depth;
	fmt.coded_width = w;
	fmt.coded_height = h;
	fmt.capture_fourcc = depth > 8 ? V4L2_PIX_FMT_P010 : V4L2_PIX_FMT_NV12;
	fmt.capture_width = (w + 7) / 8 * 8;
	fmt.capture_height = (h + 7) / 8 * 8;
	fmt.bytesperline = (fmt.capture_width * bps + 63) / 64 * 64;
	fmt.sizeimage = fmt.bytesperline * (fmt.capture_height + (fmt.capture_height + 1) / 2);

	f = fopen(argv[1], "rb");
	if (!f)
		return 2;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)len);
	if (!data || fread(data, 1, (size_t)len, f) != (size_t)len || len < 32 ||
	    memcmp(data, "DKIF", 4))
		return 2;
	fclose(f);
	size = (size_t)len;
	for (pos = le(data + 6, 2); pos + 12 <= size;) {
		size_t sz = le(data + pos, 4), off = 0;
		const uint8_t *pkt = data + pos + 12;
		uint8_t m;

		pos += 12 + sz;
		if (!sz || pos > size)
			break;
		m = pkt[sz - 1];
		if ((m & 0xe0) == 0xc0) {
			/* A superframe: its index at the end (Annex B). */
			unsigned int frames = (m & 7) + 1, mag = ((m >> 3) & 3) + 1, i;
			size_t index = 2 + mag * frames;

			if (sz >= index && pkt[sz - index] == m) {
				for (i = 0; i < frames; i++) {
					size_t fs = le(pkt + sz - index + 1 + i * mag, (int)mag);

					if (off + fs > sz - index ||
					    write_job(argv[5], ++n, &fmt, pkt + off, fs))
						return 1;
					off += fs;
				}
				continue;
			}
		}
		if (write_job(argv[5], ++n, &fmt, pkt, sz))
			return 1;
	}
	fprintf(stderr, "make_vp9_jobs: %llu jobs in %s\n", (unsigned long long)n, argv[5]);
	free(data);
	return 0;
}
