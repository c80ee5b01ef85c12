# Runtime shared by every gmae_bench config. No default_scope here: each leaf
# sets it in one visible line (mmpretrain / mmdet / mmseg). Hooks and log
# cadence depend on the loop (epochs or iterations): schedules/ set them.
# tools/train.py switches nccl -> gloo when no GPU is visible.
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
