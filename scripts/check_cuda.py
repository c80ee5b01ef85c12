"""Set-up check on a CUDA machine (scripts/setup_env.sh runs it): mmcv's
RoIAlign and nms run on CUDA tensors, and gsplat's CUDA extension is
compiled (once, into torch's extension cache) and renders on the GPU.
Exits non-zero, saying what is missing, otherwise."""
import sys
import time


def main() -> int:
    import torch
    if not torch.cuda.is_available():
        print('check_cuda: no CUDA device visible', file=sys.stderr)
        return 1
    dev = torch.device('cuda')
    from mmcv.ops import RoIAlign, nms
    feat = torch.rand(1, 4, 16, 16, device=dev)
    rois = torch.tensor([[0, 2., 2., 10., 10.]], device=dev)
    try:
        out = RoIAlign((4, 4), spatial_scale=1.0, sampling_ratio=2)(feat, rois)
        boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 10, 10.]], device=dev)
        keep = nms(boxes, torch.tensor([0.9, 0.8], device=dev), 0.5)[1]
    except RuntimeError as e:
        print(
            f'check_cuda: mmcv was built without CUDA ops ({e}); remove '
            '.wheelhouse/cuda-* and run scripts/setup_env.sh again',
            file=sys.stderr)
        return 1
    assert out.is_cuda and out.shape == (1, 4, 4, 4) and len(keep) == 1
    print(f'[check_cuda] mmcv RoIAlign / nms on {torch.cuda.get_device_name()}'
          ': OK')
    t0 = time.time()
    # gsplat documents this import as the way to build its extension
    from gsplat.cuda._backend import _C
    if _C is None:
        print(
            'check_cuda: gsplat could not build its CUDA extension (is '
            'nvcc on PATH / CUDA_HOME set?)',
            file=sys.stderr)
        return 1
    sys.path.insert(0, '.')
    from gmae_bench.render import gaussians_from_raw, gmae_camera, render
    raw = torch.randn(2, 64, 14, device=dev)
    img = render(gaussians_from_raw(raw), gmae_camera(64, 64), 'gsplat').image
    torch.cuda.synchronize()
    assert img.shape == (2, 3, 64, 64) and torch.isfinite(img).all()
    print(f'[check_cuda] gsplat CUDA extension ready and rendering '
          f'({time.time() - t0:.0f} s incl. a first-time compile)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
