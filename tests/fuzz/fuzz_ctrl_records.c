// SPDX-License-Identifier: BSD-2-Clause
/*
 * Control record blocks (daemon/rebuild/ctrl_records.c): the block is the fuzzer's
 * bytes, as the kernel would send them, and every answer of
 * dv_ctrl_records_check/_get/_get_array is compared with a model written
 * here from the format's description (daedalus_v4l2_bridge.h).
 *
 * Input: u32 id, u16 out_size, u8 elem_size, u8 max_elems, u8 flags, u8
 * record index, then the block. flags bit 0: the block sits at an odd
 * address; bit 1: look up the id of the record at the given index instead
 * of the given id (so that lookups find something).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daedalus_v4l2_bridge.h"
#include "rebuild/ctrl_records.h"
#include "fuzz_common.h"

struct model_rec {
	uint32_t id;
	uint32_t size;
	size_t payload;
};

/* The block's records, or -EINVAL: the framing rules, read afresh. */
static int model_walk(const uint8_t *blk, size_t size, struct model_rec *recs,
		      size_t *n)
{
	size_t pos = 0;

	*n = 0;
	if (size % DV_CTRL_RECORD_ALIGN)
		return -EINVAL;
	while (pos < size) {
		struct dv_ctrl_record hdr;
		uint64_t padded;

		if (size - pos < sizeof(hdr))
			return -EINVAL;
		memcpy(&hdr, blk + pos, sizeof(hdr));
		padded = ((uint64_t)hdr.size + 7) / 8 * 8;
		if (padded > size - pos - sizeof(hdr))
			return -EINVAL;
		for (size_t i = 0; i < *n; i++)
			if (recs[i].id == hdr.id)
				return -EINVAL;
		recs[*n].id = hdr.id;
		recs[*n].size = hdr.size;
		recs[*n].payload = pos + sizeof(hdr);
		++*n;
		pos += sizeof(hdr) + padded;
	}
	return 0;
}

static const struct model_rec *model_find(const struct model_rec *recs,
					  size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (recs[i].id == id)
			return &recs[i];
	return NULL;
}

int dv_fuzz_one(const uint8_t *data, size_t size)
{
	struct dv_fuzz_in in = { data, size };
	uint32_t id = fz_u32(&in);
	size_t out_size = fz_u16(&in);
	size_t elem_size = fz_u8(&in);
	size_t max_elems = fz_u8(&in);
	uint8_t flags = fz_u8(&in);
	uint8_t index = fz_u8(&in);
	const struct model_rec *rec;
	struct model_rec *recs;
	uint8_t *buf, *blk, *out;
	size_t blk_size, n, n_elems = 0;
	int want, ret;

	/* Exactly sized, at an even or odd address: ASan sees overreads. */
	blk_size = in.n;
	buf = malloc(blk_size + (flags & 1) ? blk_size + (flags & 1) : 1);
	recs = malloc((blk_size / 8 + 1) * sizeof(*recs));
	if (!buf || !recs)
		abort();
	blk = buf + (flags & 1);
	fz_take(&in, blk, blk_size);

	want = model_walk(blk, blk_size, recs, &n);
	ret = dv_ctrl_records_check(blk, blk_size);
	FZ_ASSERT(ret == want, "check %d, model %d", ret, want);
	if ((flags & 2) && !want && n)
		id = recs[index % n].id;
	rec = want ? NULL : model_find(recs, n, id);

	/* _get into an exactly sized output. */
	out = malloc(out_size ? out_size : 1);
	if (!out)
		abort();
	ret = dv_ctrl_records_get(blk, blk_size, id, out, out_size);
	if (want)
		FZ_ASSERT(ret == want, "get %d on a bad block", ret);
	else if (!rec)
		FZ_ASSERT(ret == -ENOENT, "get %d, no such record", ret);
	else if (rec->size != out_size)
		FZ_ASSERT(ret == -EINVAL, "get %d, size %u for %zu", ret,
			  rec->size, out_size);
	else
		FZ_ASSERT(ret == 0 && !memcmp(out, blk + rec->payload, out_size),
			  "get %d or wrong payload", ret);
	free(out);

	/* _get_array into room for exactly max_elems elements. */
	out = malloc(elem_size * max_elems ? elem_size * max_elems : 1);
	if (!out)
		abort();
	ret = dv_ctrl_records_get_array(blk, blk_size, id, elem_size, out,
					max_elems, &n_elems);
	if (want)
		FZ_ASSERT(ret == want, "get_array %d on a bad block", ret);
	else if (!elem_size)
		FZ_ASSERT(ret == -EINVAL, "get_array %d, element size 0", ret);
	else if (!rec)
		FZ_ASSERT(ret == -ENOENT, "get_array %d, no such record", ret);
	else if (rec->size % elem_size || rec->size / elem_size > max_elems)
		FZ_ASSERT(ret == -EINVAL, "get_array %d, %u bytes of %zu-byte elements, max %zu",
			  ret, rec->size, elem_size, max_elems);
	else
		FZ_ASSERT(ret == 0 && n_elems == rec->size / elem_size &&
			  !memcmp(out, blk + rec->payload, rec->size),
			  "get_array %d or wrong payload", ret);
	free(out);

	free(recs);
	free(buf);
	return want == 0;
}

static void put_record(struct dv_fuzz_out *o, uint32_t id, const void *p,
		       uint32_t size)
{
	static const uint8_t zero[8];

	fz_put(o, &(struct dv_ctrl_record){ .id = id, .size = size },
	       sizeof(struct dv_ctrl_record));
	fz_put(o, p, size);
	fz_put(o, zero, (8 - size % 8) % 8);
}

/* The lookup fields, then the block. */
static void put_lookup(struct dv_fuzz_out *o, uint32_t id, uint16_t out_size,
		       uint8_t elem_size, uint8_t max_elems, uint8_t flags,
		       uint8_t index)
{
	fz_put_u32(o, id);
	fz_put_u16(o, out_size);
	fz_put_u8(o, elem_size);
	fz_put_u8(o, max_elems);
	fz_put_u8(o, flags);
	fz_put_u8(o, index);
}

void dv_fuzz_seeds(void)
{
	const uint32_t a[3] = { 1, 2, 3 }, tiles[8] = { 0, 10, 0, 0, 10, 20, 0, 1 };
	const uint64_t b[2] = { 4, 5 };
	const int32_t mode = 1;
	struct dv_fuzz_out o = { 0 };

	/* Three records, padded and not; look up the second by index. */
	put_lookup(&o, 0, sizeof(b), 8, 2, 2, 1);
	put_record(&o, 10, a, sizeof(a));
	put_record(&o, 11, b, sizeof(b));
	put_record(&o, 12, &mode, sizeof(mode));
	fz_out_seed(&o, "three", 1);

	/* Same at an odd address, the 12-byte one by id. */
	put_lookup(&o, 10, sizeof(a), 4, 3, 1, 0);
	put_record(&o, 10, a, sizeof(a));
	put_record(&o, 11, b, sizeof(b));
	fz_out_seed(&o, "odd", 1);

	/* An array of two 16-byte elements (an AV1 TILE_GROUP_ENTRY). */
	put_lookup(&o, 42, 0, 16, 4, 0, 0);
	put_record(&o, 42, tiles, sizeof(tiles));
	fz_out_seed(&o, "array", 1);

	/* Empty block. */
	put_lookup(&o, 10, 4, 4, 1, 0, 0);
	fz_out_seed(&o, "empty", 1);

	/* Refused: a duplicate id, a size past the end, a cut header. */
	put_lookup(&o, 10, 12, 4, 3, 0, 0);
	put_record(&o, 10, a, sizeof(a));
	put_record(&o, 10, a, sizeof(a));
	fz_out_seed(&o, "duplicate", 0);

	put_lookup(&o, 10, 12, 4, 3, 0, 0);
	put_record(&o, 10, a, sizeof(a));
	fz_put(&o, &(struct dv_ctrl_record){ .id = 11, .size = UINT32_MAX - 7 }, 8);
	fz_out_seed(&o, "huge", 0);

	put_lookup(&o, 10, 12, 4, 3, 0, 0);
	put_record(&o, 10, a, sizeof(a));
	fz_put_u32(&o, 11);
	fz_out_seed(&o, "cut", 0);
}
