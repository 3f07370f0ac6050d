// SPDX-License-Identifier: BSD-2-Clause
/*
 * bench_jobs: what the daemon costs per frame on top of its decoder,
 * measured natively on jobs the daemon dumped (--dump-jobs DIR).
 *
 *   bench_jobs [--threads N] [--depth D] [--repeat R] [--no-defaults]
 *              JOB.msg...
 *
 * The jobs (one context's, in job order: `ls DIR/ctx4-job*.msg | sort -V`)
 * are read into memory, then decoded:
 *
 *   - once untimed through the daemon's backend, to page everything in and
 *     to take, with the backends' taps, the bitstream the backend gives its
 *     engine (rebuilt H.264 access units, VP9 frames, AV1 temporal units);
 *   - R times each, timed, in turn:
 *     daemon:   through the backend as daemon/bridge/context.c drives it
 *               (submit/collect with up to D jobs in flight, as for a client
 *               that queued them all; D defaults to what the backend takes),
 *               into a CAPTURE buffer per job in flight;
 *     direct:   the same engine (libavcodec, libdav1d) fed that bitstream
 *               directly, with the same threads, its own picture buffers,
 *               no CAPTURE write: what a player decoding itself does;
 *     defaults: the same with the engine's default threading (libavcodec
 *               frame + slice threads, dav1d's own thread count), unless
 *               --no-defaults.
 *
 * The difference daemon - direct is the daemon's own cost: rebuilding the
 * bitstream from the controls, the picture buffers, the CAPTURE write.
 * Each pass is its own function (bench_daemon_pass, bench_direct_pass,
 * bench_defaults_pass) so that `valgrind --tool=callgrind` with --threads 1
 * gives each one's instructions as its inclusive cost (tools/bench.sh).
 *
 * Prints one line per pass and a RESULT line of key=value pairs (medians
 * over the repeats; latency is the daemon pass's per-job time from submit
 * to picture). Exits 1 if a job fails or the direct decode outputs another
 * number of pictures than the daemon, 77 without arguments (skipped under
 * meson test), 2 on bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <linux/videodev2.h>
#ifdef DV_HAVE_AV1
#include <dav1d/dav1d.h>
#endif

#include "backend/backend.h"
#include "daedalus_v4l2_bridge.h"

#define BENCH_MAX_DEPTH 16
#define BENCH_MAX_REPEAT 64

struct bench_job {
	uint8_t *msg;
	size_t size;
	struct dv_msg_job job;
};

struct bench_packet {
	uint8_t *data;
	size_t size;
};

struct bench_pass {
	double wall_s, cpu_s;
	unsigned int pictures, errors;
	double *latency_ms;	/* per job, daemon pass only */
};

static struct bench_job *jobs;
static size_t n_jobs;
static struct bench_packet *packets;
static size_t n_packets, cap_packets;
static const struct dv_backend *backend;
static uint32_t codec;
static int threads_used;
static unsigned int depth;
static uint8_t *captures[BENCH_MAX_DEPTH];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void tap(const uint8_t *data, size_t size)
{
	struct bench_packet *p;

	if (n_packets == cap_packets) {
		cap_packets = cap_packets ? 2 * cap_packets : 256;
		packets = realloc(packets, cap_packets * sizeof(*packets));
		if (!packets)
			abort();
	}
	p = &packets[n_packets++];
	p->data = malloc(size + AV_INPUT_BUFFER_PADDING_SIZE);
	if (!p->data)
		abort();
	memcpy(p->data, data, size);
	memset(p->data + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
	p->size = size;
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

static struct dv_decode_job decode_job(size_t i)
{
	const struct bench_job *j = &jobs[i];

	return (struct dv_decode_job){
		.fmt = &j->job.fmt,
		.ctrls = j->msg + j->job.ctrls_offset,
		.ctrls_size = j->job.ctrls_size,
		.bitstream = j->msg + j->job.bitstream_offset,
		.bitstream_size = j->job.bitstream_size,
		.capture = captures[i % depth],
		.capture_size = j->job.fmt.sizeimage,
		.timestamp = j->job.timestamp,
	};
}

/* The jobs through the backend, as context.c runs them. */
static void run_daemon(struct bench_pass *r)
{
	struct dv_decode_job dj[BENCH_MAX_DEPTH];
	double submitted[BENCH_MAX_DEPTH];
	int failed[BENCH_MAX_DEPTH];
	struct dv_decoder *dec = backend->create(codec);
	size_t next = 0, done = 0;
	uint32_t bytesused;

	if (!dec) {
		fprintf(stderr, "bench_jobs: no decoder for codec %u\n", codec);
		exit(2);
	}
	threads_used = backend->threads(dec);
	while (done < n_jobs) {
		if (backend->submit && next < n_jobs && next - done < depth) {
			size_t k = next % depth;

			dj[k] = decode_job(next);
			submitted[k] = now_s();
			failed[k] = backend->submit(dec, &dj[k]);
			next++;
			continue;
		}
		if (backend->submit) {
			size_t k = done % depth;
			int ret = failed[k] ? failed[k] :
				  backend->collect(dec, &dj[k], &bytesused);

			r->errors += ret != 0;
			r->pictures += ret == 0;
			if (r->latency_ms)
				r->latency_ms[done] = (now_s() - submitted[k]) * 1e3;
		} else {
			double t = now_s();

			int ret;

			dj[0] = decode_job(done);
			ret = backend->decode(dec, &dj[0], &bytesused);
			if (r->latency_ms)
				r->latency_ms[done] = (now_s() - t) * 1e3;
			r->errors += ret != 0;
			r->pictures += ret == 0;
		}
		done++;
	}
	backend->destroy(dec);
}

static void no_free_lavc(void *opaque, uint8_t *data)
{
	(void)opaque;
	(void)data;
}

static const char *lavc_name(void)
{
	return codec == DV_CODEC_ID_H264 ? "h264" : "vp9";
}

/* The packets into libavcodec, as a player would send them. */
static void run_lavc(struct bench_pass *r, int defaults)
{
	const AVCodec *c = avcodec_find_decoder_by_name(lavc_name());
	AVCodecContext *ctx = c ? avcodec_alloc_context3(c) : NULL;
	AVFrame *frame = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	size_t i;

	if (!ctx || !frame || !pkt)
		exit(2);
	if (!defaults) {
		ctx->thread_type = FF_THREAD_SLICE;
		ctx->thread_count = threads_used;
	}
	if (avcodec_open2(ctx, c, NULL) < 0)
		exit(2);
	for (i = 0; i <= n_packets; i++) {
		/* Reference counted, as a demuxer's: libavcodec keeps a
		 * reference rather than a copy. */
		if (i < n_packets) {
			pkt->buf = av_buffer_create(packets[i].data,
						    (int)packets[i].size + AV_INPUT_BUFFER_PADDING_SIZE,
						    no_free_lavc, NULL, 0);
			pkt->data = packets[i].data;
			pkt->size = (int)packets[i].size;
		}
		if (avcodec_send_packet(ctx, i < n_packets ? pkt : NULL) < 0)
			r->errors++;
		av_packet_unref(pkt);
		while (avcodec_receive_frame(ctx, frame) >= 0) {
			r->pictures++;
			av_frame_unref(frame);
		}
	}
	avcodec_free_context(&ctx);
	av_frame_free(&frame);
	av_packet_free(&pkt);
}

#ifdef DV_HAVE_AV1
static void no_free(const uint8_t *data, void *cookie)
{
	(void)data;
	(void)cookie;
}

/* The temporal units into libdav1d, as dav1d's own tool sends them. */
static void run_dav1d(struct bench_pass *r, int defaults)
{
	Dav1dContext *c;
	Dav1dSettings s;
	Dav1dPicture pic;
	Dav1dData data;
	int ret, eagain = 0;
	size_t i;

	dav1d_default_settings(&s);
	if (!defaults)
		s.n_threads = threads_used;
	s.output_invisible_frames = 1;
	s.apply_grain = 1;
	s.all_layers = 0;
	if (dav1d_open(&c, &s) < 0)
		exit(2);
	for (i = 0; i < n_packets; i++) {
		memset(&data, 0, sizeof(data));
		if (dav1d_data_wrap(&data, packets[i].data, packets[i].size, no_free, NULL) < 0)
			exit(2);
		while (data.sz) {
			ret = dav1d_send_data(c, &data);
			if (ret != DAV1D_ERR(EAGAIN)) {
				r->errors += ret < 0;
				break;
			}
			memset(&pic, 0, sizeof(pic));
			ret = dav1d_get_picture(c, &pic);
			if (!ret) {
				r->pictures++;
				dav1d_picture_unref(&pic);
			} else if (ret != DAV1D_ERR(EAGAIN)) {
				r->errors++;
			}
		}
		if (data.sz)
			dav1d_data_unref(&data);
		memset(&pic, 0, sizeof(pic));
		while ((ret = dav1d_get_picture(c, &pic)) == 0) {
			r->pictures++;
			dav1d_picture_unref(&pic);
		}
	}
	/* Drain: the second EAGAIN in a row means nothing is left. */
	while (eagain < 2) {
		memset(&pic, 0, sizeof(pic));
		ret = dav1d_get_picture(c, &pic);
		if (!ret) {
			r->pictures++;
			dav1d_picture_unref(&pic);
			eagain = 0;
		} else if (ret == DAV1D_ERR(EAGAIN)) {
			eagain++;
		} else {
			r->errors++;
			break;
		}
	}
	dav1d_close(&c);
}
#endif

static void run_direct(struct bench_pass *r, int defaults)
{
#ifdef DV_HAVE_AV1
	if (codec == DV_CODEC_ID_AV1) {
		run_dav1d(r, defaults);
		return;
	}
#endif
	run_lavc(r, defaults);
}

/* One timed pass each; not inlined, so callgrind sees each one. */
static __attribute__((noinline)) void bench_daemon_pass(struct bench_pass *r)
{
	run_daemon(r);
}

static __attribute__((noinline)) void bench_direct_pass(struct bench_pass *r)
{
	run_direct(r, 0);
}

static __attribute__((noinline)) void bench_defaults_pass(struct bench_pass *r)
{
	run_direct(r, 1);
}

static void timed(void (*pass)(struct bench_pass *), struct bench_pass *r)
{
	double w = now_s(), c = cpu_s();

	pass(r);
	r->wall_s = now_s() - w;
	r->cpu_s = cpu_s() - c;
}

static int cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double percentile(double *v, size_t n, double p)
{
	size_t k;

	qsort(v, n, sizeof(*v), cmp_double);
	k = (size_t)(p * (double)(n - 1) + 0.5);
	return v[k < n ? k : n - 1];
}

struct bench_summary {
	double wall_s, cpu_s;
	unsigned int pictures, errors;
};

static struct bench_summary summarize(const struct bench_pass *p, int n)
{
	double w[BENCH_MAX_REPEAT], c[BENCH_MAX_REPEAT];
	struct bench_summary s = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		w[i] = p[i].wall_s;
		c[i] = p[i].cpu_s;
		s.errors += p[i].errors;
	}
	s.pictures = p[0].pictures;
	s.wall_s = median(w, n);
	s.cpu_s = median(c, n);
	return s;
}

static void print_pass(const char *name, const struct bench_summary *s, size_t frames)
{
	printf("%-8s %8.3f ms/frame  %8.2f fps  cpu %8.3f ms/frame  %u pictures%s\n",
	       name, s->wall_s * 1e3 / (double)frames, (double)frames / s->wall_s,
	       s->cpu_s * 1e3 / (double)frames, s->pictures,
	       s->errors ? "  ERRORS" : "");
}

int main(int argc, char **argv)
{
	static struct bench_pass daemon[BENCH_MAX_REPEAT], direct[BENCH_MAX_REPEAT],
		defaults[BENCH_MAX_REPEAT];
	struct bench_summary sd, sx, sf = { 0 };
	struct bench_pass warm = { 0 };
	int repeat = 3, threads = 0, no_defaults = 0, i, rc = 0;
	unsigned int want_depth = 0;
	double *lat, p50, p99;
	size_t k, frames;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
			want_depth = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-defaults"))
			no_defaults = 1;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench_jobs [--threads N] [--depth D] [--repeat R] [--no-defaults] JOB.msg...\n");
		return 77;
	}
	if (repeat < 1 || repeat > BENCH_MAX_REPEAT || want_depth > BENCH_MAX_DEPTH) {
		fprintf(stderr, "bench_jobs: --repeat 1..%d, --depth 0..%d\n",
			BENCH_MAX_REPEAT, BENCH_MAX_DEPTH);
		return 2;
	}
	jobs = calloc((size_t)(argc - i), sizeof(*jobs));
	for (; i < argc; i++) {
		struct bench_job *j = &jobs[n_jobs];

		j->msg = read_file(argv[i], &j->size);
		if (!j->msg || j->size < sizeof(j->job)) {
			fprintf(stderr, "%s: cannot read a job message\n", argv[i]);
			return 2;
		}
		memcpy(&j->job, j->msg, sizeof(j->job));
		if (j->job.hdr.type != DV_MSG_JOB || j->job.hdr.size != j->size ||
		    j->job.ctrls_offset > j->size ||
		    j->job.ctrls_size > j->size - j->job.ctrls_offset ||
		    j->job.bitstream_offset > j->size ||
		    j->job.bitstream_size > j->size - j->job.bitstream_offset ||
		    (n_jobs && (j->job.fmt.codec != jobs[0].job.fmt.codec ||
				j->job.fmt.sizeimage != jobs[0].job.fmt.sizeimage))) {
			fprintf(stderr, "%s: not a job message of the same stream as the first\n",
				argv[i]);
			return 2;
		}
		n_jobs++;
	}
	codec = jobs[0].job.fmt.codec;
	dv_threads_configure(threads);
	backend = dv_backend_lavc.supports(codec) ? &dv_backend_lavc : NULL;
#ifdef DV_HAVE_AV1
	if (!backend && dv_backend_dav1d.supports(codec))
		backend = &dv_backend_dav1d;
#endif
	if (!backend || backend->load()) {
		fprintf(stderr, "bench_jobs: no backend for codec %u\n", codec);
		return 2;
	}
	/* The deepest the backend takes, as for a client that queued ahead. */
	depth = 1;
	if (backend->submit) {
		struct dv_decoder *dec = backend->create(codec);

		if (!dec)
			return 2;
		depth = backend->max_in_flight(dec);
		backend->destroy(dec);
		if (want_depth)
			depth = want_depth;
		if (depth > BENCH_MAX_DEPTH)
			depth = BENCH_MAX_DEPTH;
	}
	for (k = 0; k < depth; k++) {
		captures[k] = malloc(jobs[0].job.fmt.sizeimage);
		if (!captures[k])
			return 2;
		memset(captures[k], 0, jobs[0].job.fmt.sizeimage);
	}

	/* Untimed: page in, take the engine's bitstream. */
	dv_lavc_packet_tap = tap;
#ifdef DV_HAVE_AV1
	dv_dav1d_tu_tap = tap;
#endif
	run_daemon(&warm);
	dv_lavc_packet_tap = NULL;
#ifdef DV_HAVE_AV1
	dv_dav1d_tu_tap = NULL;
#endif
	if (warm.errors) {
		fprintf(stderr, "bench_jobs: %u of %zu jobs failed\n", warm.errors, n_jobs);
		rc = 1;
	}

	lat = calloc(n_jobs, sizeof(*lat));
	for (i = 0; i < repeat; i++) {
		daemon[i].latency_ms = i == repeat - 1 ? lat : NULL;
		timed(bench_daemon_pass, &daemon[i]);
		timed(bench_direct_pass, &direct[i]);
		if (!no_defaults)
			timed(bench_defaults_pass, &defaults[i]);
	}
	frames = n_jobs;
	sd = summarize(daemon, repeat);
	sx = summarize(direct, repeat);
	if (!no_defaults)
		sf = summarize(defaults, repeat);
	p50 = percentile(lat, n_jobs, 0.5);
	p99 = percentile(lat, n_jobs, 0.99);

	printf("bench_jobs: codec %u, %ux%u %s, %zu jobs, %d threads, %u in flight, median of %d\n",
	       codec, jobs[0].job.fmt.capture_width, jobs[0].job.fmt.capture_height,
	       jobs[0].job.fmt.capture_fourcc == v4l2_fourcc('P', '0', '1', '0') ? "P010" : "NV12",
	       n_jobs, threads_used, depth, repeat);
	print_pass("daemon", &sd, frames);
	print_pass("direct", &sx, frames);
	if (!no_defaults)
		print_pass("defaults", &sf, frames);
	printf("RESULT codec=%u frames=%zu threads=%d depth=%u daemon_fps=%.2f direct_fps=%.2f defaults_fps=%.2f ratio=%.3f ratio_defaults=%.3f overhead_ms=%.3f daemon_cpu_ms=%.3f direct_cpu_ms=%.3f p50_ms=%.2f p99_ms=%.2f\n",
	       codec, frames, threads_used, depth, (double)frames / sd.wall_s,
	       (double)frames / sx.wall_s,
	       no_defaults ? 0.0 : (double)frames / sf.wall_s, sx.wall_s / sd.wall_s,
	       no_defaults ? 0.0 : sf.wall_s / sd.wall_s,
	       (sd.wall_s - sx.wall_s) * 1e3 / (double)frames,
	       sd.cpu_s * 1e3 / (double)frames, sx.cpu_s * 1e3 / (double)frames, p50, p99);
	/* dav1d outputs a picture for every unit (hidden ones too);
	 * libavcodec not for hidden VP9 frames nor second fields. */
	if (sd.errors || sx.errors || sd.pictures != n_jobs ||
	    (codec == DV_CODEC_ID_AV1 && sx.pictures != n_packets)) {
		fprintf(stderr, "bench_jobs: daemon %u pictures %u errors, direct %u pictures for %zu units, %u errors\n",
			sd.pictures, sd.errors, sx.pictures, n_packets, sx.errors);
		rc = 1;
	}
	for (k = 0; k < n_packets; k++)
		free(packets[k].data);
	free(packets);
	for (k = 0; k < depth; k++)
		free(captures[k]);
	for (k = 0; k < n_jobs; k++)
		free(jobs[k].msg);
	free(jobs);
	free(lat);
	return rc;
}
