"""What the study runs at each scale, and where each run lives.

A run is one training through ``tools/train.py`` (pretraining or
fine-tuning) or one evaluation of an encoder; its work dir is
``WORK/<kind>/<name>/seed<s>/``. A run is finished when its result file
``study_eval.json`` exists; a training with checkpoints but no final one
is continued with ``--resume``.
"""
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

CONFIG_DIR = 'configs/study'
# Fashion-MNIST's train-split grey level, mean and std (0-255): one value for
# all three channels, which hold the same grey
GREY_MEAN, GREY_STD = 72.94, 90.02
MAIN = ('mae', 'mae-pixel', 'gmae')
CURVE_METHODS = ('mae', 'gmae')  # the learning curve's rows
# ablation name -> (group, value shown, paper row)
ABLATIONS: Dict[str, Tuple[str, str]] = {
    'c1': ('max scale c', 'c = 1 (x0.5)'),
    'c4': ('max scale c', 'c = 4 (x2)'),
    'mask0p70': ('mask ratio', '0.70'),
    'mask0p80': ('mask ratio', '0.80'),
    'loss-all': ('loss on', 'all patches'),
    'loss-normpix': ('loss on', 'masked, per-patch normalised target'),
    'k32': ('k (Gaussians)', 'k = 32'),
    'k128': ('k (Gaussians)', 'k = 128'),
    'black': ('background', 'black, as the data'),
}
# ablations run with Scale.background_seeds instead of ablation_seeds
SEEDED_ABLATIONS = ('black', )
# the default GMAE row as each ablation group names it
DEFAULT_ROW = {
    'max scale c': 'c = 2 (default)',
    'mask ratio': '0.75 (default)',
    'loss on': 'masked (default)',
    'k (Gaussians)': 'k = 64 (default)',
    'background': 'white (default, the authors\')',
}
# the paper's ablation table (ViT-B, ImageNet; fine-tune / linear top-1);
# its default row is 83.2 / 61.9 in every group
PAPER_ABLATION: Dict[str, Tuple[Optional[float], Optional[float]]] = {
    'c1': (82.7, 61.1),
    'c4': (83.1, 60.9),
    'mask0p70': (82.6, 60.2),
    'mask0p80': (82.4, 61.9),
    'loss-all': (81.8, 57.4),
    'loss-normpix': (76.9, 31.7),
    'k32': (None, None),
    'k128': (None, None),
    'black': (None, None),
    'default': (83.2, 61.9),
}


@dataclass(frozen=True)
class Scale:
    """Sizes of one study scale."""
    name: str
    pretrain_epochs: int
    finetune_epochs: int
    main_seeds: Tuple[int, ...]
    ablation_seeds: Tuple[int, ...]
    finetune_seeds: Tuple[int, ...]
    train_images: Optional[int] = None  # None: the whole train split
    test_images: Optional[int] = None  # None: the whole test split
    zero_shot_images: int = 1000
    probe_epochs: int = 90
    # carved from the train split to choose the probes' lr and k
    val_images: int = 5000
    amp: bool = False
    # --cfg-options of the pretraining and fine-tuning configs (model
    # size, batch); the encoder keys must agree between the two
    pretrain_options: Dict[str, object] = field(default_factory=dict)
    finetune_options: Dict[str, object] = field(default_factory=dict)
    methods: Tuple[str, ...] = MAIN  # pretrained main rows
    background_seeds: Tuple[int, ...] = ()  # the black-background GMAE
    # fine-tuning on a fraction of the train labels: fraction -> epochs
    # (seeds: finetune_seeds), with 'scratch-own' beside the pretrained
    # encoders; 'scratch-own' also on all labels (finetune_epochs x
    # SCRATCH_LENGTH), when this is set
    label_finetunes: Dict[float, int] = field(default_factory=dict)
    # the learning curve: MAE and GMAE (seed 0) pretrained this many times
    # longer, probed and scored as the main rows
    curve_factors: Tuple[int, ...] = ()
    # a random-init encoder row beside the pretrained ones
    random_init: bool = True
    # the probes' label fractions beside all labels (protocol 2)
    probe_fractions: Tuple[float, ...] = (0.01, 0.1)


SCALES: Dict[str, Scale] = {
    # scripts/demo.sh: MAE and GMAE pretrained briefly on 20k items, probed
    # the same way (a few minutes on 2 cores; a demo, not a result). GMAE
    # renders on black, the items' own background (the white default
    # makes its nearest Gaussians paint the background: docs/results.md),
    # and both normalise the three grey channels alike (ImageNet's
    # per-channel statistics give MAE's norm_pix target a colour pattern
    # the images do not have)
    'demo':
    Scale(
        'demo',
        pretrain_epochs=2,
        finetune_epochs=1,
        main_seeds=(0, ),
        ablation_seeds=(),
        finetune_seeds=(),
        train_images=20000,
        test_images=2000,
        zero_shot_images=100,
        probe_epochs=20,
        val_images=2000,
        methods=('mae', ),
        background_seeds=(0, ),
        random_init=False,
        probe_fractions=(),
        pretrain_options={
            'model.data_preprocessor.mean': [GREY_MEAN] * 3,
            'model.data_preprocessor.std': [GREY_STD] * 3,
        }),
    # the same pipeline on a few hundred images: a test runs it end to end
    'ci':
    Scale(
        'ci',
        pretrain_epochs=2,
        finetune_epochs=2,
        main_seeds=(0, ),
        ablation_seeds=(0, ),
        finetune_seeds=(0, ),
        train_images=256,
        test_images=128,
        zero_shot_images=32,
        background_seeds=(0, ),
        probe_epochs=5,
        val_images=64,
        label_finetunes={0.1: 2},
        curve_factors=(2, ),
        pretrain_options={
            'train_dataloader.batch_size': 64,
            'model.backbone.arch.depth': 2,
            'model.decoder.depth': 1
        },
        finetune_options={
            'train_dataloader.batch_size': 64,
            'model.backbone.arch.depth': 2
        }),
    # the study itself: 2-core CPU, --jobs 2 (measured: the first pass
    # about 3 h, the second about 8 h of wall time; docs/results.md)
    'cpu':
    Scale(
        'cpu',
        pretrain_epochs=6,
        finetune_epochs=2,
        zero_shot_images=500,
        main_seeds=(0, 1, 2),
        ablation_seeds=(0, ),
        finetune_seeds=(0, 1, 2),
        background_seeds=(0, 1, 2),
        # 1 %: 550 images x 100 epochs, 10 %: 5,500 x 20 (about 300 and
        # 600 s at the measured 320 s per 60k-image fine-tuning epoch)
        label_finetunes={0.01: 100, 0.1: 20},
        # 24 and 48 epochs: GMAE x8 is about 2 h on one core, as long as
        # one run can be (a session's work dir does not outlive it; x16,
        # about 4 h, could never finish)
        curve_factors=(4, 8)),
    # one GPU: a wider encoder, a longer schedule, AMP
    'gpu':
    Scale(
        'gpu',
        pretrain_epochs=200,
        finetune_epochs=50,
        zero_shot_images=10000,
        main_seeds=(0, 1, 2),
        ablation_seeds=(0, 1),
        finetune_seeds=(0, 1, 2),
        background_seeds=(0, 1, 2),
        amp=True,
        pretrain_options={
            'model.backbone.arch.embed_dims': 384,
            'model.backbone.arch.num_heads': 6,
            'model.backbone.arch.depth': 12,
            'model.decoder.embed_dims': 256,
            'model.decoder.num_heads': 8,
            'model.decoder.depth': 4,
        },
        finetune_options={
            'model.backbone.arch.embed_dims': 384,
            'model.backbone.arch.num_heads': 6,
            'model.backbone.arch.depth': 12,
            'model.head.in_channels': 384,
        }),
}


# supervised training from scratch on a recipe of its own (no layer decay,
# MAE's from-scratch weight decay) runs this many times the fine-tuning
# epochs: a random init needs longer than a pretrained one
SCRATCH_LENGTH = 2


def label_kind(fraction: float) -> str:
    """The run kind of fine-tuning on a fraction of the labels."""
    return f'finetune-{round(100 * fraction)}pct'


@dataclass(frozen=True)
class Run:
    """One unit of the study."""
    # 'pretrain' | 'pretrain-x<F>' (F x the epochs) | 'random' |
    # 'finetune' | 'finetune-<P>pct' (P % of the labels)
    kind: str
    # config stem ('gmae_pretrain_fmnist_k32'), 'random', 'scratch' (the
    # fine-tuning recipe from a random init), 'scratch-own' (its own recipe)
    name: str
    seed: int

    @property
    def is_finetune(self) -> bool:
        return self.kind.startswith('finetune')

    @property
    def is_pretrain(self) -> bool:
        return self.kind.startswith('pretrain')

    @property
    def epoch_factor(self) -> int:
        """How many times the scale's pretraining epochs a run trains."""
        m = re.fullmatch(r'pretrain-x(\d+)', self.kind)
        return int(m.group(1)) if m else 1

    @property
    def label_fraction(self) -> float:
        """The share of the train labels a fine-tuning learns from."""
        m = re.fullmatch(r'finetune-(\d+)pct', self.kind)
        return int(m.group(1)) / 100 if m else 1.0

    def work_dir(self, root: str) -> str:
        return osp.join(root, self.kind, self.name, f'seed{self.seed}')

    @property
    def method(self) -> str:
        """'mae' | 'mae-pixel' | 'gmae' | 'random' | 'scratch'."""
        if self.name in ('random', 'scratch', 'scratch-own'):
            return self.name
        return self.name.split('_')[0]

    @property
    def ablation(self) -> Optional[str]:
        """The ablation key ('k32', ...) of a GMAE ablation run, else
        None."""
        stem = self.name
        for prefix in ('gmae_pretrain_fmnist_', ):
            if stem.startswith(prefix):
                return stem[len(prefix):]
        return None

    @property
    def is_paired_ablation(self) -> bool:
        """A GMAE ablation of the paper's table (run with the ablation
        seeds), compared beside the default run of its seed under probe
        protocol 1 (lr 0.1, k = 20), which its first result was scored
        with: not scored again under protocol 2."""
        return self.ablation is not None and (self.ablation
                                              not in SEEDED_ABLATIONS)

    def pretraining(self) -> Optional['Run']:
        """The pretraining a fine-tuning starts from (None: none)."""
        if self.is_finetune and not self.name.startswith('scratch'):
            return Run('pretrain', self.name, self.seed)
        return None

    def config(self) -> Optional[str]:
        if self.is_finetune:
            return osp.join(
                CONFIG_DIR, 'vit_scratch_fmnist.py'
                if self.name == 'scratch-own' else 'vit_finetune_fmnist.py')
        if self.kind == 'random':
            return osp.join(CONFIG_DIR, 'mae_pretrain_fmnist.py')
        return osp.join(CONFIG_DIR, f'{self.name}.py')


def pretrain_name(method: str) -> str:
    return f'{method}_pretrain_fmnist'


def plan(scale: Scale) -> List[Run]:
    """Every run of a scale, in the order that gives a useful partial
    result first: the main rows of the first seed (and their fine-tuning),
    the ablations' first seed, the main rows' other seeds, then the
    ablations' other seeds."""

    def encoders(seed: int) -> List[Run]:
        runs = [Run('pretrain', pretrain_name(m), seed) for m in scale.methods]
        return runs + ([Run('random', 'random', seed)]
                       if scale.random_init else [])

    def finetunes(seed: int) -> List[Run]:
        return [Run('finetune', pretrain_name(m), seed)
                for m in scale.methods] + [Run('finetune', 'scratch', seed)]

    def ablations(seed: int) -> List[Run]:
        return [
            Run('pretrain', f'gmae_pretrain_fmnist_{a}', seed)
            for a in ABLATIONS if a not in SEEDED_ABLATIONS
        ]

    groups = [encoders(s) for s in scale.main_seeds[:1]]
    groups += [finetunes(s) for s in scale.finetune_seeds[:1]]
    groups += [ablations(s) for s in scale.ablation_seeds[:1]]
    groups += [encoders(s) for s in scale.main_seeds[1:]]
    groups += [finetunes(s) for s in scale.finetune_seeds[1:]]
    groups += [ablations(s) for s in scale.ablation_seeds[1:]]
    # added by the second pass: after every earlier run
    groups += [[Run('pretrain', 'gmae_pretrain_fmnist_black', s)]
               for s in scale.background_seeds]
    if scale.label_finetunes:  # fewer labels, and a fair from-scratch row
        for s in scale.finetune_seeds:
            groups.append([
                Run(label_kind(f), name, s)
                for f in sorted(scale.label_finetunes)
                for name in [pretrain_name(m) for m in scale.methods] +
                ['scratch-own']
            ] + [Run('finetune', 'scratch-own', s)])
    groups += [[Run(f'pretrain-x{f}', pretrain_name(m), 0)
                for m in CURVE_METHODS] for f in scale.curve_factors]
    return [run for group in groups for run in group]
