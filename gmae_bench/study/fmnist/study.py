"""The Fashion-MNIST study: MAE, MAE-pixel and GMAE pretrained on
Fashion-MNIST items, probed (linear, k-NN), fine-tuned, reconstructed and
scored zero-shot (docs/results.md).

Layout under the work dir (default ``work_dirs/study/``)::

    study.json                       scale, sessions, references, raw pixels
    pretrain/<config>/seed<s>/       tools/train.py work dir + study_eval.json
    pretrain-x<F>/<config>/seed0/    the learning curve (F x the epochs)
    random/random/seed<s>/           study_eval.json (random-init encoder)
    finetune[-<P>pct]/<config|scratch|scratch-own>/seed<s>/
                                     tools/train.py + tools/test.py work dir
"""
import os.path as osp
from typing import Dict, List

import torch

from ...engine.atomic_io import write_torch_atomic
from ..core.measure import reconstruction_mse, to_pixels
from ..core.study import Study
from .data import background_stats, ground_truth, load_split
from .evaluate import zero_shot
from .plan import SCALES, SCRATCH_LENGTH, Run, plan
from .probes import (CURRENT_PROTOCOL, extract_features, fixed_probes,
                     is_current, label_subset, probe_protocol,
                     protocol1_scores, validation_split)

SAMPLES = 8  # test images in the reconstruction / layer figures
FIRST_K = (4, 8, 16, 32)


class FmnistStudy(Study):
    """One scale of the Fashion-MNIST study in one work dir."""

    name = 'fmnist'
    scales = SCALES
    kept = {'cpu': 'docs/results/runs'}

    def __init__(self,
                 scale: str,
                 work_dir: str = 'work_dirs/study',
                 data_root: str = 'data/fashion_mnist',
                 **kwargs) -> None:
        super().__init__(scale, work_dir, data_root, **kwargs)

    def plan(self) -> List[Run]:
        return plan(self.scale)

    def trains(self, run: Run) -> bool:
        return run.kind != 'random'  # the random-init encoder trains nothing

    def up_to_date(self, run: Run, result: dict) -> bool:
        """A fine-tuning measured on the test split, an encoder with the
        probes of :data:`CURRENT_PROTOCOL`, grids too (a paired ablation
        under protocol 1)."""
        if run.is_finetune:
            return result.get('finetune_split') == 'test'
        if run.is_paired_ablation:  # compared under protocol 1
            return (result.get('probe_protocol', 1) == 1
                    or 'protocol1' in result or is_current(result))
        return is_current(result)

    def rescore_diffs(self, kept: dict, now: dict) -> Dict[str, float]:
        diffs = super().rescore_diffs(kept, now)
        p1_now, p1_kept = protocol1_scores(now), protocol1_scores(kept)
        for k in set(p1_now) & set(p1_kept):
            diffs[f'protocol1/{k}'] = abs(p1_now[k] - p1_kept[k])
        return diffs

    # ------------------------------------------------------------------
    def data(self) -> Dict[str, object]:
        """Train / test pixels and labels (the scale's subsets) and the
        zero-shot ground truth, loaded once."""
        if self._data is None:
            s = self.scale
            tr_img, tr_y = load_split(self.data_root, 'train')
            te_img, te_y = load_split(self.data_root, 'test')
            tr_img, tr_y = tr_img[:s.train_images], tr_y[:s.train_images]
            te_img, te_y = te_img[:s.test_images], te_y[:s.test_images]
            zs = te_img[:s.zero_shot_images]
            fg, edges = ground_truth(zs)
            self._data = dict(
                train=to_pixels(tr_img),
                train_y=torch.from_numpy(tr_y),
                test=to_pixels(te_img),
                test_y=torch.from_numpy(te_y),
                zs=to_pixels(zs),
                zs_fg=fg,
                zs_edges=edges,
                background=background_stats(te_img))
        return self._data

    def labelled(self, fraction: float) -> List[int]:
        """The train images whose labels a ``fraction`` run learns from:
        the probes' class-balanced subset of the non-validation images."""
        y = self.data()['train_y']
        fit, _ = validation_split(y, self.scale.val_images)
        return label_subset(y, fit, fraction).tolist()

    def epochs(self, run: Run) -> int:
        """Training epochs of a run: the scale's, per label fraction for
        a fine-tuning on fewer labels, x SCRATCH_LENGTH for scratch-own."""
        s = self.scale
        if not run.is_finetune:
            return s.pretrain_epochs * run.epoch_factor
        epochs = (
            s.label_finetunes[run.label_fraction]
            if run.label_fraction < 1 else s.finetune_epochs)
        return epochs * (SCRATCH_LENGTH if run.name == 'scratch-own' else 1)

    def final_checkpoint(self, run: Run) -> str:
        return osp.join(self.store.run_dir(run), f'epoch_{self.epochs(run)}.pth')

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------
    def train_options(self, run: Run) -> Dict[str, object]:
        s = self.scale
        if run.is_finetune:
            opts = dict(max_epochs=self.epochs(run), **s.finetune_options)
            dep = run.pretraining()
            if dep is not None:
                opts['pretrained'] = self.pretrained_weights(dep)
        else:
            opts = dict(max_epochs=self.epochs(run), **s.pretrain_options)
        opts['randomness.seed'] = run.seed
        if run.label_fraction < 1:
            # the probes' labelled subset (the config that ran lists it),
            # every labelled image in every epoch
            subset = self.labelled(run.label_fraction)
            opts['train_dataloader.dataset.indices'] = subset
            # mixup pairs the images of a batch, so every batch is full and
            # even: the last partial batch is dropped, as in every
            # fine-tuning, and a subset smaller than one batch (the ci
            # scale) trains on one batch of its even size
            batch = opts.get('train_dataloader.batch_size',
                             self._config_batch_size(run))
            opts['train_dataloader.batch_size'] = min(
                batch, len(subset) - len(subset) % 2)
            opts['train_dataloader.drop_last'] = True
            # 20-100 short epochs: validating the 10,000 test images after
            # each would cost more than the training (the result is
            # tools/test.py's on the last checkpoint); validate at the end
            opts['train_cfg.val_interval'] = opts['max_epochs']
        elif s.train_images is not None:
            opts['train_dataloader.dataset.indices'] = s.train_images
        if s.test_images is not None and run.is_finetune:
            opts['val_dataloader.dataset.indices'] = s.test_images
        return opts

    @staticmethod
    def _config_batch_size(run: Run) -> int:
        from mmengine.config import Config
        return int(Config.fromfile(run.config()).train_dataloader.batch_size)

    # ------------------------------------------------------------------
    # evaluation
    # ------------------------------------------------------------------
    def evaluate(self, run: Run) -> Dict[str, object]:
        """The scores of one trained run (its ``study_eval.json``)."""
        if run.is_finetune:
            return self.finetune_result(run)
        return self.evaluate_encoder(run)

    def evaluate_encoder(self, run: Run) -> Dict[str, object]:
        d = self.data()
        model = self.model(run)
        out: Dict[str, object] = {}
        cache = self.store.path(run, 'features.pt')
        if osp.isfile(cache):
            feats = torch.load(cache, weights_only=True)
        else:
            feats = dict(
                train=extract_features(model, d['train']),
                test=extract_features(model, d['test']))
            write_torch_atomic(feats, cache)
        probes = probe_protocol(
            feats['train'],
            d['train_y'],
            feats['test'],
            d['test_y'],
            val_images=self.scale.val_images,
            epochs=self.scale.probe_epochs,
            seed=run.seed,
            fractions=self.scale.probe_fractions)
        out.update(
            linear=probes['all']['linear'],
            knn=probes['all']['knn'],
            probes=probes,
            **CURRENT_PROTOCOL,
            # protocol 1 beside it: the ablation table's, which the
            # ablations' first (kept) results were scored with
            protocol1=fixed_probes(
                feats['train'],
                d['train_y'],
                feats['test'],
                d['test_y'],
                epochs=self.scale.probe_epochs,
                seed=run.seed))
        if run.is_pretrain:
            out['recon_mse'] = reconstruction_mse(model, d['test'])
            out['zero_shot'] = zero_shot(model, d['zs'], d['zs_fg'],
                                         d['zs_edges'])
            if run.kind == 'pretrain' and run.seed == 0:
                self.save_samples(model, run)
        return out

    @torch.no_grad()
    def save_samples(self, model, run: Run) -> None:
        """Reconstructions (mask 0.75, seed 0) and, for GMAE, renders of
        the nearest K Gaussians (all patches visible) of a few test
        images, for the figures."""
        from ...zero_shot import first_k
        device = next(model.parameters()).device
        x = self.data()['test'][:SAMPLES].to(device)
        torch.manual_seed(0)
        rec = model.reconstruct(model.pixels_to_inputs(x), 0.75)
        arrays = {
            k: rec[k].cpu().numpy()
            for k in ('image', 'masked', 'recon', 'pasted')
        }
        if model.is_gaussian:
            full = model.reconstruct(model.pixels_to_inputs(x), 0.0)
            scene = model.head.scene(*x.shape[-2:])
            for k, img in first_k(full['gaussians'], scene, FIRST_K).items():
                arrays[f'first_{k}'] = img.clamp(0, 1).cpu().numpy()
        self.store.write_samples(run, arrays)

    def finetune_result(self, run: Run) -> Dict[str, object]:
        """Top-1 (%) of the fine-tuned model on the test split:
        ``tools/test.py`` on the run's last checkpoint (its
        ``test_metrics.json`` lands in the run's work dir)."""
        s = self.scale
        opts = dict(s.finetune_options)
        if s.test_images is not None:
            opts['test_dataloader.dataset.indices'] = s.test_images
        metrics = self.test(run, opts, ('accuracy/top1', ))
        return dict(
            finetune=metrics['accuracy/top1'],
            finetune_split='test',
            label_fraction=run.label_fraction,
            epochs=self.epochs(run))

    def finalize(self) -> None:
        """Add what the report needs beside the runs: the background
        statistics, the model-free zero-shot rows and the raw-pixel probes
        (computed once)."""
        d = self.data()
        self.index['background'] = d['background']
        if 'references' not in self.index:
            self.index['references'] = zero_shot(None, d['zs'], d['zs_fg'],
                                                 d['zs_edges'])
        raw = self.index.get('raw_pixels') or {}
        if not is_current(raw):
            raw = self.index['raw_pixels'] = self.raw_pixel_probes()
        if 'protocol1' not in raw:  # the ablation table's line
            raw['protocol1'] = self.raw_pixel_fixed_probes()
        self.save_index()

    def _raw_pixels(self):
        d = self.data()
        return d['train'][:, 0].flatten(1), d['test'][:, 0].flatten(1)

    def raw_pixel_fixed_probes(self) -> List[Dict[str, float]]:
        """Protocol 1 (lr 0.1, k = 20, nothing chosen) on the raw pixels,
        one per ablation seed: the ablation table's raw-pixel line."""
        d = self.data()
        train, test = self._raw_pixels()
        return [
            dict(fixed_probes(train, d['train_y'], test, d['test_y'],
                              epochs=self.scale.probe_epochs, seed=s),
                 seed=s) for s in self.scale.ablation_seeds
        ]

    def raw_pixel_probes(self) -> Dict[str, object]:
        """The encoders' probes (:func:`probe_protocol`, one per main seed)
        on the raw grey pixels (784 values in [0, 1]) instead of encoder
        features: the line every encoder must cross."""
        d = self.data()
        train, test = self._raw_pixels()
        runs = [
            probe_protocol(
                train,
                d['train_y'],
                test,
                d['test_y'],
                val_images=self.scale.val_images,
                epochs=self.scale.probe_epochs,
                seed=s,
                fractions=self.scale.probe_fractions)
            for s in self.scale.main_seeds
        ]
        return dict(
            linear=[r['all']['linear'] for r in runs],
            knn=runs[0]['all']['knn'],  # no randomness: one value
            probes=runs,
            **CURRENT_PROTOCOL,
            features=int(train.shape[1]),
            train_images=len(train),
            test_images=len(test))

