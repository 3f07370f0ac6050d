/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decode backend boundary. A backend turns one request (its control
 * records and bitstream) into that request's picture, written into the
 * mapped CAPTURE buffer in the context's format. libavcodec (H.264, VP9, VP8) and
 * libdav1d (AV1) are backends; daedalus-fourier would plug in here too.
 */
#ifndef DV_BACKEND_H
#define DV_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "daedalus_v4l2_bridge.h"

/* One request to decode, as the context layer hands it to a backend. */
struct dv_decode_job {
	const struct dv_format *fmt;	/* codec, bit depth, CAPTURE layout */
	const uint8_t *ctrls;		/* struct dv_ctrl_record records */
	size_t ctrls_size;
	const uint8_t *bitstream;	/* the OUTPUT buffer's bytes */
	size_t bitstream_size;
	uint8_t *capture;		/* mapped CAPTURE buffer */
	size_t capture_size;		/* its size, >= fmt->sizeimage */
	uint64_t timestamp;		/* the OUTPUT buffer's, in ns: what later
					 * requests call this frame (AV1
					 * reference_frame_ts) */
};

struct dv_decoder;

struct dv_backend {
	const char *name;
	/* Loads the libraries the backend needs; 0 or a negative errno. */
	int (*load)(void);
	/* True if the backend decodes @codec (DV_CODEC_ID_*). */
	int (*supports)(uint32_t codec);
	struct dv_decoder *(*create)(uint32_t codec);
	/*
	 * Decodes @job synchronously. On success the picture of this request
	 * (in decode order, whatever the display order) is in job->capture
	 * and *bytesused says how many bytes of it are meaningful. Returns 0
	 * or a negative errno; the decoder stays usable after an error.
	 */
	int (*decode)(struct dv_decoder *dec, const struct dv_decode_job *job,
		      uint32_t *bytesused);
	/* Forget all stream state (stop, seek): next job starts afresh. */
	void (*reset)(struct dv_decoder *dec);
	void (*destroy)(struct dv_decoder *dec);
	/* How many threads @dec decodes with (the status report shows it). */
	int (*threads)(const struct dv_decoder *dec);

	/*
	 * Optional (NULL: decode() only): several jobs of one context in the
	 * decoder at once, for frame threads. submit() hands @job to the
	 * decoder and returns as soon as the next one may follow; collect()
	 * waits for the picture of the oldest job submitted and not yet
	 * collected, which is always the @job given (the context passes them
	 * back in order, their memory and CAPTURE mapping alive until then),
	 * and writes it as decode() does. At most max_in_flight() jobs are
	 * submitted and not collected. A job whose submit() fails is not in
	 * flight; a collect() error leaves the decoder reset, and the jobs
	 * still in flight after it then fail on their collect() too. A
	 * context submits a job only when it has one waiting, so a lone
	 * request is never held back for a later one.
	 */
	int (*submit)(struct dv_decoder *dec, const struct dv_decode_job *job);
	int (*collect)(struct dv_decoder *dec, const struct dv_decode_job *job,
		       uint32_t *bytesused);
	unsigned int (*max_in_flight)(const struct dv_decoder *dec);
};

/*
 * Decode threads across all decoders of the process (backend/threads.c).
 * dv_threads_configure() sets the cap per decoder (0: one per CPU) once at
 * start. A backend asks dv_threads_take() how many threads a new decoder
 * gets: as many as wanted up to the cap while the process runs fewer than
 * CPUs + 1 in total, else 1 (a decoder needs one); it gives them back with
 * dv_threads_give() when the decoder goes.
 */
void dv_threads_configure(int per_decoder_cap);
int dv_threads_take(void);
void dv_threads_give(int n);
/* CPUs online (at least 1). */
int dv_threads_cpus(void);

extern const struct dv_backend dv_backend_lavc;
#ifdef DV_HAVE_AV1
extern const struct dv_backend dv_backend_dav1d;
/*
 * Debugging (tests/unit/replay_jobs.c): when set, called with each temporal
 * unit the dav1d backend rebuilt, just before libdav1d gets it. NULL in the
 * daemon.
 */
extern void (*dv_dav1d_tu_tap)(const uint8_t *tu, size_t size);
#endif
/*
 * Measuring (tests/unit/bench_jobs.c): when set, called with each packet
 * the libavcodec backend rebuilt, just before libavcodec gets it. NULL in
 * the daemon.
 */
extern void (*dv_lavc_packet_tap)(const uint8_t *data, size_t size);

#endif
