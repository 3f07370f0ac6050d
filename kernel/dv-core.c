// SPDX-License-Identifier: GPL-2.0
/*
 * daedalus-v4l2: the device. Registers a V4L2 mem2mem stateless decoder
 * with a media controller and the Request API, and manages its contexts.
 */

#include <linux/kref.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <media/v4l2-ioctl.h>

#include "dv-compat.h"
#include "dv.h"

static int dv_open(struct file *file)
{
	struct dv_dev *dev = video_drvdata(file);
	struct dv_ctx *ctx;
	int ret;

	ctx = kzalloc_obj(*ctx);
	if (!ctx)
		return -ENOMEM;

	if (mutex_lock_interruptible(&dev->dev_mutex)) {
		kfree(ctx);
		return -ERESTARTSYS;
	}

	v4l2_fh_init(&ctx->fh, video_devdata(file));
	ctx->dev = dev;
	mutex_init(&ctx->vb_mutex);
	ret = ida_alloc_min(&dev->ctx_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto err_fh;
	ctx->id = ret;

	ret = dv_bridge_ctx_init(ctx);
	if (ret)
		goto err_id;
	ret = dv_set_default_formats(ctx);
	if (ret)
		goto err_bridge;
	ret = dv_ctrls_init(ctx);
	if (ret)
		goto err_bridge;

	ctx->fh.m2m_ctx = v4l2_m2m_ctx_init(dev->m2m_dev, ctx, dv_queue_init);
	if (IS_ERR(ctx->fh.m2m_ctx)) {
		ret = PTR_ERR(ctx->fh.m2m_ctx);
		goto err_ctrls;
	}

	dv_fh_add(&ctx->fh, file);
	atomic_inc(&dev->stats.contexts);
	dv_jobs_ctx_init(ctx);
	mutex_unlock(&dev->dev_mutex);
	dv_bridge_ctx_event(ctx, DV_MSG_CTX_OPEN);
	return 0;

err_ctrls:
	v4l2_ctrl_handler_free(&ctx->hdl);
err_bridge:
	kfree(ctx->close_note);
err_id:
	ida_free(&dev->ctx_ida, ctx->id);
err_fh:
	v4l2_fh_exit(&ctx->fh);
	mutex_unlock(&dev->dev_mutex);
	mutex_destroy(&ctx->vb_mutex);
	kfree(ctx);
	return ret;
}

static int dv_release(struct file *file)
{
	struct dv_dev *dev = video_drvdata(file);
	struct dv_ctx *ctx = dv_file_to_ctx(file);

	mutex_lock(&dev->dev_mutex);
	/* Stops both queues, which ends every job of the context. */
	v4l2_m2m_ctx_release(ctx->fh.m2m_ctx);
	mutex_unlock(&dev->dev_mutex);
	dv_bridge_ctx_exit(ctx);
	dv_jobs_ctx_exit(ctx);
	/* After the close note is queued: a new context may take the id. */
	ida_free(&dev->ctx_ida, ctx->id);

	dv_fh_del(&ctx->fh, file);
	v4l2_fh_exit(&ctx->fh);
	v4l2_ctrl_handler_free(&ctx->hdl);
	mutex_destroy(&ctx->vb_mutex);
	atomic_dec(&dev->stats.contexts);
	kfree(ctx);
	return 0;
}

static const struct v4l2_file_operations dv_fops = {
	.owner		= THIS_MODULE,
	.open		= dv_open,
	.release	= dv_release,
	.poll		= v4l2_m2m_fop_poll,
	.unlocked_ioctl	= video_ioctl2,
	.mmap		= v4l2_m2m_fop_mmap,
};

/*
 * The device outlives its platform device: it goes with the last of the
 * video node's references (open files) and the daemon's bridge file, so an
 * unbind with files open frees nothing under them.
 */
static void dv_dev_free(struct kref *ref)
{
	struct dv_dev *dev = container_of(ref, struct dv_dev, ref);

	dv_bridge_free(dev);
	v4l2_m2m_release(dev->m2m_dev);
	media_device_cleanup(&dev->mdev);
	v4l2_device_unregister(&dev->v4l2_dev);
	dv_jobs_exit(dev);
	ida_destroy(&dev->ctx_ida);
	kfree(dev);
}

/**
 * dv_dev_get() - keep the device for a file that uses it
 * @dev: the device
 */
void dv_dev_get(struct dv_dev *dev)
{
	kref_get(&dev->ref);
}

/**
 * dv_dev_put() - drop a reference taken with dv_dev_get(), or the video
 * node's
 * @dev: the device
 */
void dv_dev_put(struct dv_dev *dev)
{
	kref_put(&dev->ref, dv_dev_free);
}

static void dv_vfd_release(struct video_device *vfd)
{
	dv_dev_put(container_of(vfd, struct dv_dev, vfd));
}

static const struct video_device dv_videodev = {
	.name		= DV_NAME,
	.vfl_dir	= VFL_DIR_M2M,
	.fops		= &dv_fops,
	.ioctl_ops	= &dv_ioctl_ops,
	.minor		= -1,
	.release	= dv_vfd_release,
	.device_caps	= V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING,
};

static const struct media_device_ops dv_media_ops = {
	.req_validate	= dv_request_validate,
	.req_queue	= v4l2_m2m_request_queue,
};

static int dv_probe(struct platform_device *pdev)
{
	struct dv_dev *dev;
	int ret;

	dev = kzalloc_obj(*dev);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->ref);
	mutex_init(&dev->dev_mutex);
	ida_init(&dev->ctx_ida);
	ret = dv_jobs_init(dev);
	if (ret)
		goto err_free;

	ret = v4l2_device_register(&pdev->dev, &dev->v4l2_dev);
	if (ret)
		goto err_jobs;

	dev->vfd = dv_videodev;
	dev->vfd.lock = &dev->dev_mutex;
	dev->vfd.v4l2_dev = &dev->v4l2_dev;
	video_set_drvdata(&dev->vfd, dev);
	platform_set_drvdata(pdev, dev);

	dev->m2m_dev = v4l2_m2m_init(&dv_m2m_ops);
	if (IS_ERR(dev->m2m_dev)) {
		ret = PTR_ERR(dev->m2m_dev);
		v4l2_err(&dev->v4l2_dev, "initialising mem2mem failed: %d\n", ret);
		goto err_v4l2;
	}

	dev->mdev.dev = &pdev->dev;
	strscpy(dev->mdev.model, DV_NAME, sizeof(dev->mdev.model));
	strscpy(dev->mdev.bus_info, "platform:" DV_NAME,
		sizeof(dev->mdev.bus_info));
	media_device_init(&dev->mdev);
	dev->mdev.ops = &dv_media_ops;
	dev->v4l2_dev.mdev = &dev->mdev;

	ret = dv_bridge_init(dev);
	if (ret) {
		v4l2_err(&dev->v4l2_dev, "setting up the bridge failed: %d\n", ret);
		goto err_m2m;
	}

	ret = video_register_device(&dev->vfd, VFL_TYPE_VIDEO, -1);
	if (ret) {
		v4l2_err(&dev->v4l2_dev, "registering the video node failed: %d\n",
			 ret);
		goto err_bridge;
	}
	/* From here on the video node's release frees the device. */

	ret = v4l2_m2m_register_media_controller(dev->m2m_dev, &dev->vfd,
						 MEDIA_ENT_F_PROC_VIDEO_DECODER);
	if (ret) {
		v4l2_err(&dev->v4l2_dev, "registering the m2m entities failed: %d\n",
			 ret);
		goto err_vfd;
	}

	ret = media_device_register(&dev->mdev);
	if (ret) {
		v4l2_err(&dev->v4l2_dev, "registering the media device failed: %d\n",
			 ret);
		goto err_mc;
	}

	ret = dv_bridge_register(dev);
	if (ret) {
		v4l2_err(&dev->v4l2_dev, "registering %s failed: %d\n",
			 DV_BRIDGE_NODE, ret);
		goto err_mdev;
	}

	dv_debugfs_init(dev);
	v4l2_info(&dev->v4l2_dev, "stateless decoder at %s, daemon bridge at %s\n",
		  video_device_node_name(&dev->vfd), DV_BRIDGE_NODE);
	return 0;

err_mdev:
	media_device_unregister(&dev->mdev);
err_mc:
	v4l2_m2m_unregister_media_controller(dev->m2m_dev);
err_vfd:
	video_unregister_device(&dev->vfd);
	return ret;
err_bridge:
	dv_bridge_free(dev);
err_m2m:
	media_device_cleanup(&dev->mdev);
	v4l2_m2m_release(dev->m2m_dev);
err_v4l2:
	v4l2_device_unregister(&dev->v4l2_dev);
err_jobs:
	dv_jobs_exit(dev);
err_free:
	ida_destroy(&dev->ctx_ida);
	kfree(dev);
	return ret;
}

/*
 * Unbind: the nodes go away; files still open keep the device (their calls
 * fail with ENODEV) until they close.
 */
static void dv_remove(struct platform_device *pdev)
{
	struct dv_dev *dev = platform_get_drvdata(pdev);

	dv_debugfs_exit(dev);
	dv_bridge_unregister(dev);
	media_device_unregister(&dev->mdev);
	v4l2_m2m_unregister_media_controller(dev->m2m_dev);
	/* Last: it may drop the last reference. */
	video_unregister_device(&dev->vfd);
}

static struct platform_driver dv_pdrv = {
	.probe		= dv_probe,
	.remove		= dv_remove,
	.driver		= {
		.name	= DV_NAME,
	},
};

static struct platform_device *dv_pdev;

static int __init dv_init(void)
{
	int ret;

	ret = platform_driver_register(&dv_pdrv);
	if (ret)
		return ret;
	dv_pdev = platform_device_register_simple(DV_NAME, PLATFORM_DEVID_NONE,
						  NULL, 0);
	if (IS_ERR(dv_pdev)) {
		platform_driver_unregister(&dv_pdrv);
		return PTR_ERR(dv_pdev);
	}
	return 0;
}

static void __exit dv_exit(void)
{
	platform_device_unregister(dv_pdev);
	platform_driver_unregister(&dv_pdrv);
}

module_init(dv_init);
module_exit(dv_exit);

MODULE_DESCRIPTION("V4L2 stateless decoder backed by a userspace daemon");
MODULE_AUTHOR("The daedalus-v4l2 developers");
MODULE_LICENSE("GPL");
