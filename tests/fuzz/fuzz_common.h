/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the libFuzzer targets share: the entry points each target defines,
 * an input reader, a control record block builder, and seed writing.
 *
 * Every target is one file defining dv_fuzz_one() and dv_fuzz_seeds();
 * fuzz_common.c turns them into libFuzzer's entry points. Run a target with
 * DV_FUZZ_SEEDS=DIR in its environment and it writes its seed corpus into
 * DIR (checking that each seed still takes the path it was made for) and
 * exits.
 */
#ifndef DV_FUZZ_COMMON_H
#define DV_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * Defined by each target. Runs one input through the code under test and
 * checks what it can about the result, failing with dv_fuzz_fail() when an
 * invariant does not hold. Returns 1 if the daemon accepted the input (its
 * success path ran to the end), 0 if it refused it.
 */
int dv_fuzz_one(const uint8_t *data, size_t size);
/* Defined by each target: emits its seeds with dv_fuzz_seed(). */
void dv_fuzz_seeds(void);

/* Writes seed @name; @accepted: what dv_fuzz_one() must return for it. */
void dv_fuzz_seed(const char *name, const void *data, size_t size,
		  int accepted);

/* Reports a broken invariant and aborts (libFuzzer keeps the input). */
_Noreturn void dv_fuzz_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#define FZ_ASSERT(cond, ...)						\
	do {								\
		if (!(cond))						\
			dv_fuzz_fail(__FILE__ ":" FZ_STR(__LINE__)	\
				     ": " #cond ": " __VA_ARGS__);	\
	} while (0)
#define FZ_STR(x)	FZ_STR2(x)
#define FZ_STR2(x)	#x

/* Input reader: bytes from the front, zeros once the input is used up. */
struct dv_fuzz_in {
	const uint8_t *p;
	size_t n;
};

void fz_take(struct dv_fuzz_in *in, void *out, size_t size);
uint8_t fz_u8(struct dv_fuzz_in *in);
uint16_t fz_u16(struct dv_fuzz_in *in);	/* little-endian */
uint32_t fz_u32(struct dv_fuzz_in *in);	/* little-endian */
/*
 * Up to @want bytes (SIZE_MAX: all that is left) in a heap buffer of
 * exactly that size, so ASan sees any read past their end. *@got gets the
 * count; free() the result (never NULL).
 */
uint8_t *fz_bytes(struct dv_fuzz_in *in, size_t want, size_t *got);

/* A block of struct dv_ctrl_record records in an exactly sized buffer. */
struct dv_fuzz_blk {
	uint8_t *buf;
	size_t size;
};

void fz_blk_add(struct dv_fuzz_blk *b, uint32_t id, const void *payload,
		uint32_t size);
void fz_blk_free(struct dv_fuzz_blk *b);

/* A growable buffer to build seeds in. */
struct dv_fuzz_out {
	uint8_t *buf;
	size_t size;
};

void fz_put(struct dv_fuzz_out *o, const void *data, size_t size);
void fz_put_u8(struct dv_fuzz_out *o, uint8_t v);
void fz_put_u16(struct dv_fuzz_out *o, uint16_t v);
void fz_put_u32(struct dv_fuzz_out *o, uint32_t v);
/* Emits @o as a seed and empties it. */
void fz_out_seed(struct dv_fuzz_out *o, const char *name, int accepted);

#endif
