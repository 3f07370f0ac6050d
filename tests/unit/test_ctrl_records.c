// SPDX-License-Identifier: BSD-2-Clause
/* Control records are untrusted: every framing error must be refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daedalus_v4l2_bridge.h"
#include "check.h"
#include "ctrl_builder.h"
#include "rebuild/ctrl_records.h"

DV_TEST_DEFINE_FAILURES;

struct payload_a { uint32_t v[3]; };		/* 12 bytes: padded to 16 */
struct payload_b { uint64_t v[2]; };		/* 16 bytes: no padding */

static void header_at(struct dv_ctrl_builder *b, size_t offset, uint32_t id,
		      uint32_t size)
{
	struct dv_ctrl_record rec = { .id = id, .size = size };

	memcpy(b->buf + offset, &rec, sizeof(rec));
}

static void test_good(void)
{
	struct payload_a a = { { 1, 2, 3 } }, got_a;
	struct payload_b b = { { 4, 5 } }, got_b;
	int32_t mode = 1, got_mode;
	struct dv_ctrl_builder blk;
	uint8_t *shifted;

	dv_ctrl_builder_init(&blk);
	dv_ctrl_builder_add(&blk, 10, &a, sizeof(a));
	dv_ctrl_builder_add(&blk, 11, &b, sizeof(b));
	dv_ctrl_builder_add(&blk, 12, &mode, sizeof(mode));
	CHECK_EQ(blk.size, 8 + 16 + 8 + 16 + 8 + 8);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size), 0);
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 10, &got_a, sizeof(got_a)), 0);
	CHECK(!memcmp(&a, &got_a, sizeof(a)), "payload a");
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 11, &got_b, sizeof(got_b)), 0);
	CHECK(!memcmp(&b, &got_b, sizeof(b)), "payload b");
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 12, &got_mode, 4), 0);
	CHECK_EQ(got_mode, 1);
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 13, &got_mode, 4), -ENOENT);
	/* Empty block: valid, holds nothing. */
	CHECK_EQ(dv_ctrl_records_check(NULL, 0), 0);
	CHECK_EQ(dv_ctrl_records_get(NULL, 0, 10, &got_a, sizeof(got_a)), -ENOENT);

	/* A block at an odd address reads the same (payloads are copied). */
	shifted = malloc(blk.size + 1);
	memcpy(shifted + 1, blk.buf, blk.size);
	CHECK_EQ(dv_ctrl_records_get(shifted + 1, blk.size, 11, &got_b,
				     sizeof(got_b)), 0);
	CHECK(!memcmp(&b, &got_b, sizeof(b)), "payload b, unaligned block");
	free(shifted);
}

static void test_bad(void)
{
	struct payload_a a = { { 1, 2, 3 } }, got_a;
	struct dv_ctrl_builder blk;

	dv_ctrl_builder_init(&blk);
	dv_ctrl_builder_add(&blk, 10, &a, sizeof(a));
	dv_ctrl_builder_add(&blk, 11, &a, sizeof(a));

	/* Wrong size for the control's type. */
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 10, &got_a, 16), -EINVAL);
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 10, &got_a, 8), -EINVAL);
	/* Truncated: last record's payload cut, header cut, padding cut. */
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size - 8), -EINVAL);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, 24 + 4), -EINVAL);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, 24 + 8), -EINVAL);
	/* Misaligned end: a size that no padded record can have. */
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size - 4), -EINVAL);
	CHECK_EQ(dv_ctrl_records_get(blk.buf, 20, 10, &got_a, sizeof(got_a)), -EINVAL);
	/* A size claiming more than the block, up to wrapping values: the
	 * first record's control must not be found either. */
	header_at(&blk, 24, 11, 17);
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 10, &got_a, sizeof(got_a)), -EINVAL);
	header_at(&blk, 24, 11, UINT32_MAX);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size), -EINVAL);
	header_at(&blk, 24, 11, UINT32_MAX - 7);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size), -EINVAL);
	/* A size that fits once padded, but is not the control's. */
	header_at(&blk, 24, 11, 13);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size), 0);
	CHECK_EQ(dv_ctrl_records_get(blk.buf, blk.size, 11, &got_a, sizeof(got_a)), -EINVAL);
	/* Shorter, still fitting: the rest of the payload then reads as one
	 * more record (id 3, size 0), which is well-formed. */
	header_at(&blk, 24, 11, 8);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size), 0);
	/* Duplicate ids. */
	header_at(&blk, 24, 10, 12);
	CHECK_EQ(dv_ctrl_records_check(blk.buf, blk.size), -EINVAL);
	/* A block pointer with no bytes behind a size. */
	CHECK_EQ(dv_ctrl_records_check(NULL, 8), -EINVAL);
}

int main(void)
{
	test_good();
	test_bad();
	return TEST_RESULT();
}
