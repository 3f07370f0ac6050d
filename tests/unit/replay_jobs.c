// SPDX-License-Identifier: BSD-2-Clause
/*
 * replay_jobs: feeds job messages dumped by the daemon (--dump-jobs DIR:
 * DIR/ctx<C>-job<J>.msg, struct dv_msg_job + control records + bitstream,
 * exactly as the kernel sent them) into the real AV1 backend, offline.
 *
 *   replay_jobs [--ref NAME.md5] [--size WxH] [--ivf OUT.ivf]
 *               [--obu-dir DIR] [--slots] [--quiet] JOB.msg...
 *
 * The jobs are decoded in the order given (give one context's jobs, in job
 * order: `ls DIR/ctx4-job*.msg`), by one decoder made with
 * dv_backend_dav1d.create() and a malloc'd CAPTURE buffer of the format's
 * sizeimage, as daemon/bridge/context.c does. For each job it prints
 *
 *   JOB.msg  job N  type T  shown|hidden  MD5
 *
 * where MD5 is that of the picture as the corpus references hash it
 * (tests/conformance/framemd5.py, run-corpus.sh): tight rows of the display
 * size, NV12 or P010 -- luma rows, then ceil(H/2) rows of interleaved CbCr
 * -- read from the CAPTURE layout of the job's struct dv_format. The
 * display size is --size, else the frame control's upscaled width x frame
 * height.
 *
 * --ref compares with a reference NAME.md5 (one line per shown frame,
 * display order). A job with show_frame 0 has no line of its own; the
 * corpus shows such frames later with show_existing_frame, which is no
 * request at all (GStreamer outputs the hidden frame's buffer again), so a
 * reference line that a shown job does not match may be a hidden job's
 * picture. Prints "PASS n/n" or "FAIL(frame k)" (k 0-based, like
 * run-corpus.sh) and exits 1 on a failure.
 *
 * --ivf writes each job's rebuilt temporal unit (what the backend gives
 * libdav1d, after a temporal delimiter) as an IVF file, for FFmpeg:
 *   ffmpeg -i OUT.ivf -c copy -bsf:v trace_headers -f null -
 * --obu-dir writes each one to DIR/<job file name>.obu as well.
 * --slots adds, under each job, its timestamp, order hint, refresh flags,
 * ref_frame_idx and the client's reference slots (reference_frame_ts).
 *
 * Built with the unit tests, not run by meson test (it needs dumps).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/md5.h>
#include <libavutil/mem.h>
#include <linux/v4l2-controls.h>
#include <linux/videodev2.h>

#include "backend/backend.h"
#include "rebuild/ctrl_records.h"
#include "daedalus_v4l2_bridge.h"

static FILE *ivf;
static unsigned int ivf_frames;
static FILE *obu_out;

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void tap(const uint8_t *tu, size_t size)
{
	static const uint8_t td[2] = { 0x12, 0x00 };

	if (ivf) {
		uint8_t h[12];

		put_le(h, size + sizeof(td), 4);
		put_le(h + 4, ivf_frames++, 8);
		fwrite(h, 1, sizeof(h), ivf);
		fwrite(td, 1, sizeof(td), ivf);
		fwrite(tu, 1, size, ivf);
	}
	if (obu_out) {
		fwrite(td, 1, sizeof(td), obu_out);
		fwrite(tu, 1, size, obu_out);
	}
}

static void ivf_header(FILE *f, uint32_t w, uint32_t h)
{
	uint8_t b[32] = { 'D', 'K', 'I', 'F' };

	put_le(b + 4, 0, 2);
	put_le(b + 6, 32, 2);
	memcpy(b + 8, "AV01", 4);
	put_le(b + 12, w, 2);
	put_le(b + 14, h, 2);
	put_le(b + 16, 25, 4);
	put_le(b + 20, 1, 4);
	put_le(b + 24, ivf_frames, 4);
	fseek(f, 0, SEEK_SET);
	fwrite(b, 1, sizeof(b), f);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* The picture as framemd5.py hashes it: tight rows of w x h. */
static void hash_capture(const struct dv_format *fmt, const uint8_t *cap,
			 uint32_t w, uint32_t h, char out[33])
{
	const unsigned int bps = fmt->capture_fourcc == V4L2_PIX_FMT_P010 ? 2 : 1;
	const uint8_t *chroma = cap + (size_t)fmt->bytesperline * fmt->capture_height;
	struct AVMD5 *md5 = av_md5_alloc();
	uint8_t digest[16];
	uint32_t y;
	int i;

	av_md5_init(md5);
	for (y = 0; y < h; y++)
		av_md5_update(md5, cap + (size_t)y * fmt->bytesperline, (size_t)w * bps);
	for (y = 0; y < (h + 1) / 2; y++)
		av_md5_update(md5, chroma + (size_t)y * fmt->bytesperline,
			      (size_t)2 * ((w + 1) / 2) * bps);
	av_md5_final(md5, digest);
	av_free(md5);
	for (i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
}

#define MAX_LINES 4096

static int read_ref(const char *path, char (*lines)[33])
{
	FILE *f = fopen(path, "r");
	char buf[128];
	int n = 0;

	if (!f)
		return -1;
	while (n < MAX_LINES && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "%32s", lines[n]) == 1)
			n++;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	static char ref[MAX_LINES][33], hidden[MAX_LINES][33];
	const char *ref_path = NULL, *ivf_path = NULL, *obu_dir = NULL;
	struct dv_decoder *dec = NULL;
	uint32_t size_w = 0, size_h = 0, first_w = 0, first_h = 0;
	int quiet = 0, slots = 0, n_ref = 0, n_hidden = 0, r = 0, bad = -1, errors = 0;
	int i, matched = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--ref") && i + 1 < argc)
			ref_path = argv[++i];
		else if (!strcmp(argv[i], "--ivf") && i + 1 < argc)
			ivf_path = argv[++i];
		else if (!strcmp(argv[i], "--obu-dir") && i + 1 < argc)
			obu_dir = argv[++i];
		else if (!strcmp(argv[i], "--size") && i + 1 < argc &&
			 sscanf(argv[i + 1], "%ux%u", &size_w, &size_h) == 2)
			i++;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = 1;
		else if (!strcmp(argv[i], "--slots"))
			slots = 1;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: replay_jobs [--ref NAME.md5] [--size WxH] [--ivf OUT.ivf] [--obu-dir DIR] [--slots] [--quiet] JOB.msg...\n");
		/* Under meson test without arguments: skipped. */
		return 77;
	}
	if (ref_path) {
		n_ref = read_ref(ref_path, ref);
		if (n_ref < 0) {
			perror(ref_path);
			return 2;
		}
	}
	if (ivf_path) {
		ivf = fopen(ivf_path, "wb");
		if (!ivf) {
			perror(ivf_path);
			return 2;
		}
		ivf_header(ivf, 0, 0);
	}
	if (dv_backend_dav1d.load()) {
		fprintf(stderr, "replay_jobs: no libdav1d\n");
		return 2;
	}
	dv_dav1d_tu_tap = tap;
	for (; i < argc; i++) {
		struct v4l2_ctrl_av1_frame frame;
		struct dv_msg_job job;
		struct dv_decode_job dj;
		const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		uint32_t bytesused = 0, w, h;
		uint8_t *msg, *cap;
		size_t size;
		char md5[33] = "-";
		int ret, shown;

		msg = read_file(argv[i], &size);
		if (!msg || size < sizeof(job)) {
			fprintf(stderr, "%s: cannot read a job message\n", argv[i]);
			return 2;
		}
		memcpy(&job, msg, sizeof(job));
		if (job.hdr.type != DV_MSG_JOB || job.hdr.size != size ||
		    job.ctrls_offset > size || job.ctrls_size > size - job.ctrls_offset ||
		    job.bitstream_offset > size ||
		    job.bitstream_size > size - job.bitstream_offset) {
			fprintf(stderr, "%s: not a well-formed job message\n", argv[i]);
			return 2;
		}
		if (dv_ctrl_records_get(msg + job.ctrls_offset, job.ctrls_size,
					V4L2_CID_STATELESS_AV1_FRAME, &frame,
					sizeof(frame))) {
			fprintf(stderr, "%s: no AV1 frame control\n", argv[i]);
			return 2;
		}
		if (!dec) {
			dec = dv_backend_dav1d.create(job.fmt.codec);
			if (!dec) {
				fprintf(stderr, "replay_jobs: no decoder for codec %u\n", job.fmt.codec);
				return 2;
			}
		}
		cap = malloc(job.fmt.sizeimage);
		memset(cap, 0xa5, job.fmt.sizeimage);
		if (obu_dir) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s.obu", obu_dir, name);
			obu_out = fopen(path, "wb");
		}
		dj = (struct dv_decode_job){
			.fmt = &job.fmt,
			.ctrls = msg + job.ctrls_offset,
			.ctrls_size = job.ctrls_size,
			.bitstream = msg + job.bitstream_offset,
			.bitstream_size = job.bitstream_size,
			.capture = cap,
			.capture_size = job.fmt.sizeimage,
			.timestamp = job.timestamp,
		};
		ret = dv_backend_dav1d.decode(dec, &dj, &bytesused);
		if (obu_out) {
			fclose(obu_out);
			obu_out = NULL;
		}
		w = size_w ? size_w : (frame.upscaled_width ? frame.upscaled_width :
				       frame.frame_width_minus_1 + 1);
		h = size_h ? size_h : frame.frame_height_minus_1 + 1;
		if (!first_w) {
			first_w = w;
			first_h = h;
		}
		shown = !!(frame.flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME);
		if (ret) {
			errors++;
		} else if (w > job.fmt.capture_width || h > job.fmt.capture_height) {
			fprintf(stderr, "%s: %ux%u does not fit CAPTURE %ux%u\n",
				name, w, h, job.fmt.capture_width, job.fmt.capture_height);
			errors++;
		} else {
			hash_capture(&job.fmt, cap, w, h, md5);
		}
		if (!quiet)
			printf("%s  job %llu  type %u  %s  %s%s\n", name,
			       (unsigned long long)job.job_id, frame.frame_type,
			       shown ? "shown " : "hidden", md5,
			       ret ? "  (decode failed)" : "");
		if (slots) {
			int k;

			printf("    ts %llu order_hint %u refresh 0x%02x ref_frame_idx",
			       (unsigned long long)job.timestamp, frame.order_hint,
			       frame.refresh_frame_flags);
			for (k = 0; k < V4L2_AV1_REFS_PER_FRAME; k++)
				printf(" %d", frame.ref_frame_idx[k]);
			printf("\n    reference_frame_ts");
			for (k = 0; k < V4L2_AV1_TOTAL_REFS_PER_FRAME; k++)
				printf(" %llu", (unsigned long long)frame.reference_frame_ts[k]);
			printf("\n");
		}
		if (ref_path) {
			if (!shown) {
				if (n_hidden < MAX_LINES)
					memcpy(hidden[n_hidden++], md5, 33);
			} else {
				/* Lines before ours that are hidden pictures:
				 * their show_existing_frame. */
				for (;;) {
					int k, is_hidden = 0;

					if (r >= n_ref || !strcmp(ref[r], md5))
						break;
					for (k = 0; k < n_hidden; k++)
						is_hidden |= !strcmp(hidden[k], ref[r]);
					if (!is_hidden)
						break;
					r++;
					matched++;
				}
				if (r < n_ref && !strcmp(ref[r], md5))
					matched++;
				else if (bad < 0)
					bad = r;
				r++;
			}
		}
		free(cap);
		free(msg);
	}
	if (ref_path) {
		/* Trailing show_existing_frame lines. */
		for (; r < n_ref; r++) {
			int k, is_hidden = 0;

			for (k = 0; k < n_hidden; k++)
				is_hidden |= !strcmp(hidden[k], ref[r]);
			if (is_hidden)
				matched++;
			else if (bad < 0)
				bad = r;
		}
		if (r > n_ref && bad < 0)
			bad = n_ref;
		if (bad < 0 && !errors)
			printf("PASS %d/%d\n", matched, n_ref);
		else
			printf("FAIL(frame %d) %d/%d matching, %d decode errors\n",
			       bad, matched, n_ref, errors);
	}
	if (ivf) {
		ivf_header(ivf, first_w, first_h);
		fclose(ivf);
	}
	if (dec)
		dv_backend_dav1d.destroy(dec);
	return (bad >= 0 || errors) ? 1 : 0;
}
