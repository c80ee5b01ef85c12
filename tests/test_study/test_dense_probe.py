"""The frozen dense probe: mmseg's mIoU, and a probe that reads a class
the features carry."""
import numpy as np
import torch

from gmae_bench.study.scenes.dense_probe import dense_probe, miou


def test_miou_matches_mmseg_on_a_known_case():
    from mmseg.evaluation.metrics import IoUMetric
    rng = np.random.default_rng(0)
    target = rng.integers(0, 4, size=(3, 16, 16))
    pred = np.where(rng.random(target.shape) < 0.7, target,
                    rng.integers(0, 4, size=target.shape))
    res = IoUMetric.intersect_and_union(
        torch.from_numpy(pred), torch.from_numpy(target), 11, 255)
    inter, union = res[0].numpy(), res[1].numpy()
    present = res[3].numpy() > 0
    expected = 100 * np.mean(inter[present] / union[present])
    assert abs(miou(pred, target) - expected) < 1e-9


def test_probe_reads_a_class_the_tokens_carry_and_not_noise():
    g = torch.Generator().manual_seed(0)
    n, h = 60, 4
    cls = torch.randint(0, 3, (n, h, h), generator=g)
    sem = cls.repeat_interleave(4, 1).repeat_interleave(4, 2).numpy()
    feats = torch.nn.functional.one_hot(cls, 3).permute(0, 3, 1, 2).float()
    feats = feats + 0.05 * torch.randn(feats.shape, generator=g)
    good = dense_probe(feats[:40], sem[:40], feats[40:], sem[40:], val=10,
                       epochs=20)
    noise = torch.randn(feats.shape, generator=g)
    bad = dense_probe(noise[:40], sem[:40], noise[40:], sem[40:], val=10,
                      epochs=20)
    assert good['mIoU'] > 90 and bad['mIoU'] < 60
    assert good['lr'] in good['lr_grid'] and good['test_scenes'] == 20
