"""What the scenes study runs at each scale, and where each run lives.

Runs (work dir ``WORK/<kind>/<name>/seed<s>/``):

* ``pretrain/<method>``: MAE (norm_pix), MAE-pixel, GMAE (black background,
  as the scenes) and the ablation GMAE-white, pretrained on the train
  scenes, then scored zero-shot on the test scenes;
* ``det/<method|random>``: Mask R-CNN from that encoder (or a random-init
  one), tested on the test scenes with COCO's bbox / segm AP;
* ``seg/<method|random>``: UperNet likewise, mIoU / aAcc.
"""
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

CONFIG_DIR = 'configs/scenes'
PRETRAINED = ('mae', 'mae-pixel', 'gmae')
ENCODERS = PRETRAINED + ('random', )
TASKS = ('det', 'seg')
ABLATIONS = {'gmae-white': 'GMAE, white background (the authors\' default)'}
LABELS = {
    'mae': 'MAE (norm_pix)',
    'mae-pixel': 'MAE-pixel',
    'gmae': 'GMAE (black background)',
    'gmae-white': 'GMAE, white background (ablation)',
    'random': 'random-init encoder',
}
_PRETRAIN_CONFIG = {
    'mae': 'mae_pretrain_scenes',
    'mae-pixel': 'mae-pixel_pretrain_scenes',
    'gmae': 'gmae_pretrain_scenes',
    'gmae-white': 'gmae_pretrain_scenes_white',
}
_TASK_CONFIG = {
    'det': 'mask-rcnn_vit-p8_{}_scenes',
    'seg': 'upernet_vit-p8_{}_scenes',
}


@dataclass(frozen=True)
class ScenesScale:
    """Sizes of one scale of the scenes study."""
    name: str
    data: str  # the generated scene set (gmae_bench.datasets.scenes.SIZES)
    pretrain_epochs: int
    det_iters: int
    seg_iters: int
    seeds: Tuple[int, ...]
    ablation_seeds: Tuple[int, ...]
    ablation_tasks: bool = True  # Mask R-CNN / UperNet from the ablation
    zero_shot_images: Optional[int] = None  # None: every test scene
    amp: bool = False
    pretrain_options: Dict[str, object] = field(default_factory=dict)
    det_options: Dict[str, object] = field(default_factory=dict)
    seg_options: Dict[str, object] = field(default_factory=dict)


SCALES: Dict[str, ScenesScale] = {
    # the whole pipeline on the tiny scene set: a test runs it end to end
    'ci':
    ScenesScale(
        'ci',
        data='tiny',
        pretrain_epochs=2,
        det_iters=2,
        seg_iters=2,
        seeds=(0, ),
        ablation_seeds=(),
        pretrain_options={
            'train_dataloader.batch_size': 32,
            'model.decoder.depth': 1
        },
        det_options={'train_dataloader.batch_size': 4},
        seg_options={'train_dataloader.batch_size': 4}),
    # the study: 2-core CPU, sized from measured per-run costs (docs)
    'cpu':
    ScenesScale(
        'cpu',
        data='cpu',
        pretrain_epochs=30,
        det_iters=800,
        seg_iters=1000,
        seeds=(0, 1, 2),
        ablation_seeds=(0, ),
        ablation_tasks=False),
    # one GPU: the cpu scale's sizes with AMP. Measured on one H200
    # (docs/results_scenes.md, per-run costs): 3-4 s per pretraining
    # epoch, 0.205 s per Mask R-CNN and 0.032 s per UperNet iteration
    # (these tiny models leave the GPU waiting on the CPU side), so even
    # these sizes take about an hour of training one run at a time; not
    # run yet.
    'gpu':
    ScenesScale(
        'gpu',
        data='cpu',
        pretrain_epochs=30,
        det_iters=800,
        seg_iters=1000,
        seeds=(0, 1, 2),
        ablation_seeds=(0, ),
        amp=True),
}


@dataclass(frozen=True)
class SceneRun:
    """One unit of the scenes study."""
    kind: str  # 'pretrain' | 'det' | 'seg'
    name: str  # 'mae' | 'mae-pixel' | 'gmae' | 'gmae-white' | 'random'
    seed: int

    def work_dir(self, root: str) -> str:
        return osp.join(root, self.kind, self.name, f'seed{self.seed}')

    @property
    def method(self) -> str:
        return self.name

    @property
    def ablation(self) -> Optional[str]:
        return self.name if self.name in ABLATIONS else None

    @property
    def is_pretrain(self) -> bool:
        return self.kind == 'pretrain'

    @property
    def epoch_factor(self) -> int:
        """Every scenes pretraining trains the scale's epochs (as
        :attr:`Run.epoch_factor`, which the study's time estimate reads)."""
        return 1

    def config(self) -> str:
        if self.kind == 'pretrain':
            stem = _PRETRAIN_CONFIG[self.name]
        else:
            encoder = {'random': 'random-init', 'gmae-white': 'gmae-pre'}.get(
                self.name, f'{self.name}-pre')
            stem = _TASK_CONFIG[self.kind].format(encoder)
        return osp.join(CONFIG_DIR, f'{stem}.py')

    def pretraining(self) -> Optional['SceneRun']:
        """The pretraining a downstream run starts from (None: none)."""
        if self.kind == 'pretrain' or self.name == 'random':
            return None
        return SceneRun('pretrain', self.name, self.seed)


def plan(scale: ScenesScale) -> List[SceneRun]:
    """Every run of a scale, ordered so that a partial study is useful:
    per seed the pretrainings, then Mask R-CNN and UperNet from each
    encoder; the ablation after the first seed."""

    def seed_group(seed: int, names) -> List[SceneRun]:
        runs = [SceneRun('pretrain', n, seed) for n in names if n != 'random']
        runs += [SceneRun(t, n, seed) for n in names for t in TASKS]
        return runs

    runs = []
    for i, seed in enumerate(scale.seeds):
        runs += seed_group(seed, ENCODERS)
        if i == 0:
            for s in scale.ablation_seeds:
                runs += (
                    seed_group(s, tuple(ABLATIONS)) if scale.ablation_tasks
                    else [SceneRun('pretrain', a, s) for a in ABLATIONS])
    return runs
