/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daedalus-v4l2: the one place where kernel API differences live.
 *
 * We build and test against 6.12 and 7.x; everything that differs between
 * them is wrapped here so that the rest of the driver reads as current code.
 */
#ifndef _DV_COMPAT_H_
#define _DV_COMPAT_H_

#include <linux/slab.h>
#include <linux/version.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-mem2mem.h>
#include <media/videobuf2-v4l2.h>

/*
 * 6.18: v4l2_fh_add()/v4l2_fh_del() take the struct file they bind to and
 * set its private_data; before, the driver sets private_data itself.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define dv_fh_add(fh, file)	v4l2_fh_add(fh, file)
#define dv_fh_del(fh, file)	v4l2_fh_del(fh, file)
#else
static inline void dv_fh_add(struct v4l2_fh *fh, struct file *file)
{
	file->private_data = fh;
	v4l2_fh_add(fh);
}

static inline void dv_fh_del(struct v4l2_fh *fh, struct file *file)
{
	v4l2_fh_del(fh);
}
#endif

/*
 * Before 6.13 vb2 only drops the queue lock while it sleeps in DQBUF if the
 * driver provides wait_prepare/wait_finish; later kernels use q->lock by
 * themselves and then removed the callbacks.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define DV_VB2_WAIT_OPS				\
	.wait_prepare = vb2_ops_wait_prepare,	\
	.wait_finish = vb2_ops_wait_finish,
#else
#define DV_VB2_WAIT_OPS
#endif

/*
 * 6.18: v4l2_m2m_buf_copy_metadata() lost its copy_frame_flags argument and
 * never copies the KEYFRAME/PFRAME/BFRAME flags; a decoder has no use for
 * them on CAPTURE, so older kernels are asked not to copy them either.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define dv_buf_copy_metadata(src, dst)	v4l2_m2m_buf_copy_metadata(src, dst)
#else
#define dv_buf_copy_metadata(src, dst)	v4l2_m2m_buf_copy_metadata(src, dst, false)
#endif

/* 6.13: symbol namespaces are named by string literals. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define DV_MODULE_IMPORT_DMA_BUF()	MODULE_IMPORT_NS("DMA_BUF")
#else
#define DV_MODULE_IMPORT_DMA_BUF()	MODULE_IMPORT_NS(DMA_BUF)
#endif

/* 7.0: typed allocation helpers; spelled out for older kernels. */
#ifndef kzalloc_obj
#define kzalloc_obj(obj)	kzalloc(sizeof(obj), GFP_KERNEL)
#endif
#ifndef kzalloc_flex
#define kzalloc_flex(obj, fam, count) \
	kzalloc(struct_size_t(typeof(obj), fam, count), GFP_KERNEL)
#endif

#endif /* _DV_COMPAT_H_ */
