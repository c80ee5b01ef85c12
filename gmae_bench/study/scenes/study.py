"""The scenes study: MAE, MAE-pixel, GMAE and a random-init encoder
through Mask R-CNN and UperNet on the Fashion-MNIST scenes
(:mod:`gmae_bench.datasets.scenes`), and GMAE's zero-shot layering
against the true instances (docs/results_scenes.md).

Layout under the work dir (default ``work_dirs/study_scenes/``)::

    study.json                        study, scale, data digest, sessions
    pretrain/<method>/seed<s>/        tools/train.py work dir, zero-shot
                                      scores in study_eval.json, samples.npz
    det/<method|random>/seed<s>/      tools/train.py + tools/test.py work
                                      dir, study_eval.json, samples.npz,
                                      predictions.{bbox,segm}.json.gz
    seg/<method|random>/seed<s>/      likewise, without predictions

A run with a ``study_eval.json`` is finished. A downstream run whose
pretraining checkpoint is gone (a fresh checkout keeps only the small
files) trains that pretraining again first.
"""
import os.path as osp
from typing import Dict, List

import numpy as np
import torch

from ...datasets import scenes as scene_data
from ..core.measure import reconstruction_mse, to_pixels
from ..core.store import StudyError
from ..core.study import Study
from .evaluate import occlusion_pairs, zero_shot_scenes
from .plan import SCALES, SceneRun, plan
from .predictions import PREFIX, compress_predictions

SAMPLES = 8  # test scenes in the figures
# the zero-shot readouts' revision: 2 added the occlusion order over the
# pixels a group changes (coverage apart) and the edges; a pretraining
# scored by an earlier one is scored again (not trained again when its
# weights are here), and so are the references
ZERO_SHOT_VERSION = 2
SAMPLE_SCORE = 0.3  # detections drawn in the figures


class ScenesStudy(Study):
    """One scale of the scenes study in one work dir."""

    name = 'scenes'
    scales = SCALES
    kept = {'cpu': 'docs/results_scenes/runs'}

    def __init__(self,
                 scale: str,
                 work_dir: str = 'work_dirs/study_scenes',
                 data_root: str = 'data/fmnist_scenes',
                 **kwargs) -> None:
        super().__init__(scale, work_dir, data_root, **kwargs)
        self.scenes_dir = osp.join(data_root, self.scale.data)
        try:
            self.manifest = scene_data.verify(self.scenes_dir)
        except scene_data.SceneDataError as e:
            raise StudyError(str(e)) from e

    def plan(self) -> List[SceneRun]:
        return plan(self.scale)

    # ------------------------------------------------------------------
    def data(self) -> Dict[str, object]:
        """The test scenes for the zero-shot scores, loaded once."""
        if self._data is None:
            d = scene_data.load_split(self.scenes_dir, 'test',
                                      self.scale.zero_shot_images)
            d['pairs'] = occlusion_pairs(d['coco'])
            self._data = d
        return self._data

    def _scale_options(self, run: SceneRun) -> Dict[str, object]:
        """The scale's --cfg-options for the run's kind, and the set."""
        s = self.scale
        options = {
            'pretrain': s.pretrain_options,
            'det': s.det_options,
            'seg': s.seg_options
        }[run.kind]
        return dict(options, data_root=self.scenes_dir + '/')

    def train_options(self, run: SceneRun) -> Dict[str, object]:
        s = self.scale
        opts = self._scale_options(run)
        if run.kind == 'pretrain':
            opts['max_epochs'] = s.pretrain_epochs
        else:
            iters = s.det_iters if run.kind == 'det' else s.seg_iters
            opts['max_iters'] = iters
            dep = run.pretraining()
            if dep is not None:
                opts['pretrained'] = self.pretrained_weights(dep)
            # tested once, by tools/test.py after training (mmengine's
            # IterBasedTrainLoop would validate at the last iteration too)
            opts['train_cfg.val_begin'] = iters + 1
        opts['randomness.seed'] = run.seed
        return opts

    def _test_options(self, run: SceneRun) -> Dict[str, object]:
        opts = self._scale_options(run)
        opts.pop('train_dataloader.batch_size', None)
        if run.kind == 'det':  # the predictions, kept to be re-scored
            opts['test_evaluator.outfile_prefix'] = self.store.path(
                run, PREFIX)
        return opts

    def final_checkpoint(self, run: SceneRun) -> str:
        wd = self.store.run_dir(run)
        if run.kind == 'pretrain':
            return osp.join(wd, f'epoch_{self.scale.pretrain_epochs}.pth')
        iters = (
            self.scale.det_iters if run.kind == 'det' else self.scale.seg_iters)
        return osp.join(wd, f'iter_{iters}.pth')

    # ------------------------------------------------------------------
    def evaluate(self, run: SceneRun) -> Dict[str, object]:
        """Zero-shot scores of a pretraining, test scores of a task run;
        each result names the scene set it was measured on."""
        result = (
            self.evaluate_pretraining(run)
            if run.kind == 'pretrain' else self.evaluate_task(run))
        result['data_digest'] = self.manifest['digest']
        return result

    def up_to_date(self, run: SceneRun, result: dict) -> bool:
        if run.kind != 'pretrain':
            return True  # a result file is a finished run
        return result.get('zero_shot_version') == ZERO_SHOT_VERSION

    def evaluate_pretraining(self, run: SceneRun) -> Dict[str, object]:
        d = self.data()
        model = self.model(run)
        pixels = to_pixels(d['images'])
        out: Dict[str, object] = dict(
            recon_mse=reconstruction_mse(model, pixels),
            split='test',
            images=len(pixels),
            zero_shot_version=ZERO_SHOT_VERSION)
        out['zero_shot'] = zero_shot_scenes(model, d['images'],
                                            d['instances'], d['pairs'])
        self._save_pretraining_samples(model, run)
        return out

    @torch.no_grad()
    def _save_pretraining_samples(self, model, run: SceneRun) -> None:
        from ...zero_shot import visible_layer_map
        from .evaluate import SEGMENT_LAYERS, TAU
        d = self.data()
        device = next(model.parameters()).device
        x = to_pixels(d['images'][:SAMPLES]).to(device)
        torch.manual_seed(0)
        rec = model.reconstruct(model.pixels_to_inputs(x), 0.75)
        arrays = {
            k: rec[k].cpu().numpy()
            for k in ('image', 'masked', 'recon', 'pasted')
        }
        arrays['instances'] = d['instances'][:SAMPLES]
        if model.is_gaussian:
            full = model.reconstruct(model.pixels_to_inputs(x), 0.0)
            scene = model.head.scene(*x.shape[-2:])
            arrays['layers'] = visible_layer_map(full['gaussians'], scene,
                                                 SEGMENT_LAYERS,
                                                 TAU).cpu().numpy()
        self.store.write_samples(run, arrays)

    def evaluate_task(self, run: SceneRun) -> Dict[str, object]:
        """tools/test.py on the last checkpoint (COCO AP or mIoU on the
        test scenes), then predictions on the figure's scenes."""
        if run.kind == 'det':
            keys = [f'coco/{t}_mAP{s}' for t in ('bbox', 'segm')
                    for s in ('', '_50', '_75', '_s', '_m', '_l')]
            scale = 100.0  # mmdet reports AP in [0, 1]
        else:
            keys = ['mIoU', 'aAcc', 'mAcc']
            scale = 1.0  # mmseg reports %
        metrics = self.test(run, self._test_options(run), tuple(keys[:3]))
        # COCOeval's -1 means "no ground truth in this area range"
        out: Dict[str, object] = {
            k.split('/')[-1]:
            scale * float(metrics[k]) if float(metrics[k]) >= 0 else None
            for k in keys if k in metrics
        }
        out.update(split='test', images=self.manifest['counts']['test']
                   ['images'])
        if run.kind == 'det':
            out['predictions'] = compress_predictions(
                self.store.path(run, PREFIX))
        self._save_task_samples(run, self.final_checkpoint(run))
        return out

    @torch.no_grad()
    def _save_task_samples(self, run: SceneRun, ckpt: str) -> None:
        """Predictions on the first test scenes: boxes, labels, scores and
        masks above :data:`SAMPLE_SCORE` (Mask R-CNN) or the class map
        (UperNet)."""
        from ...runtime import load_config
        names = [
            osp.join(self.scenes_dir, 'test', 'images', im['file_name'])
            for im in self.data()['coco']['images'][:SAMPLES]
        ]
        cfg = load_config(run.config(), self._test_options(run))
        if run.kind == 'det':
            from mmdet.apis import inference_detector, init_detector
            model = init_detector(cfg, ckpt, device='cpu')
            preds = [r.pred_instances for r in inference_detector(model, names)]
            # flat arrays (no pickled objects): detection m of image[m]
            keep = [p[p.scores >= SAMPLE_SCORE] for p in preds]
            arrays = dict(
                image=np.concatenate([
                    np.full(len(p), i, np.int64) for i, p in enumerate(keep)
                ]),
                boxes=np.concatenate([p.bboxes.numpy() for p in keep]),
                labels=np.concatenate([p.labels.numpy() for p in keep]),
                scores=np.concatenate([p.scores.numpy() for p in keep]),
                masks=np.concatenate(
                    [p.masks.numpy().astype(bool) for p in keep]))
        else:
            from mmseg.apis import inference_model, init_model
            model = init_model(cfg, ckpt, device='cpu')
            arrays = dict(semantic=np.stack([
                r.pred_sem_seg.data[0].numpy().astype(np.uint8)
                for r in inference_model(model, names)
            ]))
        self.store.write_samples(run, arrays)

    def finalize(self) -> None:
        """The model-free rows and the data set's identity, once."""
        d = self.data()
        self.index['data'] = dict(
            set=self.scale.data,
            digest=self.manifest['digest'],
            counts=self.manifest['counts'])
        if self.index.get('references_version') != ZERO_SHOT_VERSION:
            self.index['references_version'] = ZERO_SHOT_VERSION
            self.index['references'] = zero_shot_scenes(
                None, d['images'], d['instances'], d['pairs'])
        self.save_index()
