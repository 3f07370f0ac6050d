/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A job's control values arrive as struct dv_ctrl_record records (header,
 * payload, padding to DV_CTRL_RECORD_ALIGN). They come from the kernel but
 * are parsed as untrusted input: every record of the block is checked before
 * any payload is used.
 */
#ifndef DV_CTRL_RECORDS_H
#define DV_CTRL_RECORDS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Checks the framing of the whole block: each record lies inside it, starts
 * at a multiple of DV_CTRL_RECORD_ALIGN, is padded to the next one, and no
 * control id appears twice. Returns 0 or -EINVAL.
 */
int dv_ctrl_records_check(const uint8_t *records, size_t size);

/*
 * Copies the payload of control @id into @out, which must be exactly the
 * control's payload size @out_size (a record of another size is an error:
 * the daemon and the kernel disagree on the control's layout). The copy
 * also frees the caller from the block's alignment.
 * Returns 0, -ENOENT if the block has no such record, or -EINVAL if the
 * block is malformed or the record has the wrong size.
 */
int dv_ctrl_records_get(const uint8_t *records, size_t size, uint32_t id,
			void *out, size_t out_size);

/*
 * The same for a dynamic array control (AV1 TILE_GROUP_ENTRY): the record
 * must hold a whole number of @elem_size elements, at most @max_elems of
 * them, which are copied into @out; *@n_elems gets their number.
 * Returns 0, -ENOENT or -EINVAL.
 */
int dv_ctrl_records_get_array(const uint8_t *records, size_t size, uint32_t id,
			      size_t elem_size, void *out, size_t max_elems,
			      size_t *n_elems);

#endif
