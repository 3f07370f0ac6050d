// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "daedalus_v4l2_bridge.h"
#include "rebuild/ctrl_records.h"
#include "util/log.h"

/* One record's place in the block, once checked. */
struct dv_ctrl_record_pos {
	uint32_t id;
	uint32_t size;
	size_t payload;		/* offset of the payload in the block */
};

/*
 * Reads the record at @*pos and advances @*pos past its padding.
 * Returns 0, or -EINVAL if the record does not fit the block.
 */
static int dv_ctrl_record_next(const uint8_t *records, size_t size,
			       size_t *pos, struct dv_ctrl_record_pos *rec)
{
	struct dv_ctrl_record hdr;
	uint64_t padded;

	if (size - *pos < sizeof(hdr)) {
		dv_err("control records: truncated header at byte %zu of %zu",
		       *pos, size);
		return -EINVAL;
	}
	memcpy(&hdr, records + *pos, sizeof(hdr));
	/* 64-bit: a size near UINT32_MAX must not wrap when padded. */
	padded = ((uint64_t)hdr.size + DV_CTRL_RECORD_ALIGN - 1) &
		 ~(uint64_t)(DV_CTRL_RECORD_ALIGN - 1);
	if (padded > size - *pos - sizeof(hdr)) {
		dv_err("control records: control 0x%08x claims %u bytes, %zu are left",
		       hdr.id, hdr.size, size - *pos - sizeof(hdr));
		return -EINVAL;
	}
	rec->id = hdr.id;
	rec->size = hdr.size;
	rec->payload = *pos + sizeof(hdr);
	*pos += sizeof(hdr) + (size_t)padded;
	return 0;
}

int dv_ctrl_records_check(const uint8_t *records, size_t size)
{
	size_t pos = 0;

	if (size && !records)
		return -EINVAL;
	/* Every record is padded, so the block is a whole number of units;
	 * anything else means a record is cut short. */
	if (size % DV_CTRL_RECORD_ALIGN) {
		dv_err("control records: %zu bytes is not a multiple of %d",
		       size, DV_CTRL_RECORD_ALIGN);
		return -EINVAL;
	}
	while (pos < size) {
		struct dv_ctrl_record_pos rec, other;
		size_t scan = 0;
		int ret = dv_ctrl_record_next(records, size, &pos, &rec);

		if (ret)
			return ret;
		/* Blocks hold a handful of records: quadratic is fine. */
		while (scan < rec.payload - sizeof(struct dv_ctrl_record)) {
			/* Records before this one were read once already. */
			if (dv_ctrl_record_next(records, size, &scan, &other))
				return -EINVAL;
			if (other.id == rec.id) {
				dv_err("control records: control 0x%08x appears twice",
				       rec.id);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int dv_ctrl_records_get(const uint8_t *records, size_t size, uint32_t id,
			void *out, size_t out_size)
{
	size_t pos = 0;
	int ret = dv_ctrl_records_check(records, size);

	if (ret)
		return ret;
	while (pos < size) {
		struct dv_ctrl_record_pos rec;

		/* Checked above: cannot fail, but never use an unread record. */
		if (dv_ctrl_record_next(records, size, &pos, &rec))
			return -EINVAL;
		if (rec.id != id)
			continue;
		if (rec.size != out_size) {
			dv_err("control records: control 0x%08x has %u bytes, %zu expected",
			       id, rec.size, out_size);
			return -EINVAL;
		}
		memcpy(out, records + rec.payload, out_size);
		return 0;
	}
	return -ENOENT;
}

int dv_ctrl_records_get_array(const uint8_t *records, size_t size, uint32_t id,
			      size_t elem_size, void *out, size_t max_elems,
			      size_t *n_elems)
{
	size_t pos = 0;
	int ret = dv_ctrl_records_check(records, size);

	if (ret)
		return ret;
	if (!elem_size)
		return -EINVAL;
	while (pos < size) {
		struct dv_ctrl_record_pos rec;

		if (dv_ctrl_record_next(records, size, &pos, &rec))
			return -EINVAL;
		if (rec.id != id)
			continue;
		if (rec.size % elem_size || rec.size / elem_size > max_elems) {
			dv_err("control records: array control 0x%08x has %u bytes: not a whole number of %zu-byte elements, or more than %zu",
			       id, rec.size, elem_size, max_elems);
			return -EINVAL;
		}
		memcpy(out, records + rec.payload, rec.size);
		*n_elems = rec.size / elem_size;
		return 0;
	}
	return -ENOENT;
}
