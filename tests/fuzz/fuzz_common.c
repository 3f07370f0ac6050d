// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer entry points, input reading and seed writing: fuzz_common.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daedalus_v4l2_bridge.h"
#include "fuzz_common.h"

static const char *seed_dir;
static int seed_failures;

void dv_fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("dv_fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	seed_dir = getenv("DV_FUZZ_SEEDS");
	if (!seed_dir)
		return 0;
	dv_fuzz_seeds();
	if (seed_failures)
		fprintf(stderr, "dv_fuzz: %d seed(s) no longer take their path\n",
			seed_failures);
	exit(seed_failures ? 1 : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dv_fuzz_one(data, size);
	return 0;
}

void dv_fuzz_seed(const char *name, const void *data, size_t size,
		  int accepted)
{
	char path[4096];
	uint8_t *copy = malloc(size ? size : 1);
	FILE *f;
	int got;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	got = dv_fuzz_one(copy, size);
	free(copy);
	if (got != accepted) {
		fprintf(stderr, "dv_fuzz: seed %s is %s, it should be %s\n", name,
			got ? "accepted" : "refused",
			accepted ? "accepted" : "refused");
		seed_failures++;
	}
	snprintf(path, sizeof(path), "%s/seed-%s", seed_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		perror(path);
		exit(1);
	}
}

void fz_take(struct dv_fuzz_in *in, void *out, size_t size)
{
	size_t n = size < in->n ? size : in->n;

	if (n)
		memcpy(out, in->p, n);
	if (size > n)
		memset((uint8_t *)out + n, 0, size - n);
	in->p += n;
	in->n -= n;
}

uint8_t fz_u8(struct dv_fuzz_in *in)
{
	uint8_t b;

	fz_take(in, &b, 1);
	return b;
}

uint16_t fz_u16(struct dv_fuzz_in *in)
{
	uint8_t b[2];

	fz_take(in, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t fz_u32(struct dv_fuzz_in *in)
{
	uint8_t b[4];

	fz_take(in, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

uint8_t *fz_bytes(struct dv_fuzz_in *in, size_t want, size_t *got)
{
	size_t n = want < in->n ? want : in->n;
	/* malloc(0) may be NULL: one byte, but only n of them are used. */
	uint8_t *p = malloc(n ? n : 1);

	if (!p)
		abort();
	fz_take(in, p, n);
	*got = n;
	return p;
}

void fz_blk_add(struct dv_fuzz_blk *b, uint32_t id, const void *payload,
		uint32_t size)
{
	struct dv_ctrl_record rec = { .id = id, .size = size };
	size_t padded = ((size_t)size + DV_CTRL_RECORD_ALIGN - 1) &
			~(size_t)(DV_CTRL_RECORD_ALIGN - 1);
	uint8_t *p = realloc(b->buf, b->size + sizeof(rec) + padded);

	if (!p)
		abort();
	memcpy(p + b->size, &rec, sizeof(rec));
	memcpy(p + b->size + sizeof(rec), payload, size);
	memset(p + b->size + sizeof(rec) + size, 0, padded - size);
	b->buf = p;
	b->size += sizeof(rec) + padded;
}

void fz_blk_free(struct dv_fuzz_blk *b)
{
	free(b->buf);
	b->buf = NULL;
	b->size = 0;
}

void fz_put(struct dv_fuzz_out *o, const void *data, size_t size)
{
	uint8_t *p = realloc(o->buf, o->size + size + 1);

	if (!p)
		abort();
	if (size)
		memcpy(p + o->size, data, size);
	o->buf = p;
	o->size += size;
}

void fz_put_u8(struct dv_fuzz_out *o, uint8_t v)
{
	fz_put(o, &v, 1);
}

void fz_put_u16(struct dv_fuzz_out *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	fz_put(o, b, 2);
}

void fz_put_u32(struct dv_fuzz_out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	fz_put(o, b, 4);
}

void fz_out_seed(struct dv_fuzz_out *o, const char *name, int accepted)
{
	dv_fuzz_seed(name, o->buf, o->size, accepted);
	free(o->buf);
	o->buf = NULL;
	o->size = 0;
}
