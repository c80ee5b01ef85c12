# Runtime shared by every gmae_bench config. No default_scope here: each leaf
# sets it in one visible line (mmpretrain / mmdet / mmseg). Hooks and log
# cadence depend on the loop (epochs or iterations): schedules/ set them;
# the visualizer depends on the task (the inferencers need the toolbox's
# own): models/ set it.
# tools/train.py switches nccl -> gloo when no GPU is visible.
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
log_level = 'INFO'
load_from = None
resume = False
# seed + rank on every process (FB-MAE: seed + get_rank(); mmpretrain:
# diff_rank_seed=True): ranks draw different masks, drop paths and mixes
randomness = dict(seed=0, diff_rank_seed=True, deterministic=False)
