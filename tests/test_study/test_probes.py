"""Linear probe and DINO k-NN on features whose answer is known."""
import pytest
import torch

from gmae_bench.study.fmnist.probes import knn_accuracy, linear_probe


def _blobs(n, d=16, classes=4, noise=0.1, seed=0):
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(classes, d, generator=g) * 3
    y = torch.randint(classes, (n, ), generator=g)
    return centres[y] + noise * torch.randn(n, d, generator=g), y


def test_knn_separable_and_chance():
    x, y = _blobs(400)
    xt, yt = _blobs(100, seed=1)
    # same centres (seed 0 draws them first), so the test set is separable
    xt, yt = x[:100] + 0.01, y[:100]
    assert knn_accuracy(x, y, xt, yt) == 100.0
    noise = torch.randn(400, 16)
    acc = knn_accuracy(noise, y, torch.randn(200, 16), y[:200])
    assert 10 < acc < 45  # 4 classes: chance is 25 %


def test_knn_votes_are_temperature_weighted():
    # one very close neighbour of class 1 against 19 far ones of class 0
    train = torch.cat(
        [torch.tensor([[1.0, 0.0]]),
         torch.tensor([[0.0, 1.0]]).repeat(19, 1)])
    labels = torch.tensor([1] + [0] * 19)
    query = torch.tensor([[1.0, 0.05]])
    assert knn_accuracy(train, labels, query, torch.tensor([1])) == 100.0
    # with a huge temperature the votes are equal: the majority wins
    assert knn_accuracy(
        train, labels, query, torch.tensor([1]), temperature=1e6) == 0.0


def test_linear_probe_learns_and_is_seeded():
    x, y = _blobs(600, noise=1.0)
    a = linear_probe(x[:500], y[:500], x[500:], y[500:], epochs=20)
    b = linear_probe(x[:500], y[:500], x[500:], y[500:], epochs=20)
    assert a == b and a['top1'] > 90
    shuffled = linear_probe(
        x[:500], y[torch.randperm(500)], x[500:], y[500:], epochs=20)
    assert shuffled['top1'] < 60


def test_validation_split_and_label_subsets_are_fixed_and_disjoint():
    from gmae_bench.study.fmnist.probes import label_subset, validation_split
    y = torch.arange(1000) % 10
    fit, val = validation_split(y, 200)
    assert len(val) == 200 and len(fit) == 800
    assert not set(fit.tolist()) & set(val.tolist())
    again = validation_split(y, 200)
    assert torch.equal(fit, again[0]) and torch.equal(val, again[1])
    sub = label_subset(y, fit, 0.1)
    assert set(sub.tolist()) <= set(fit.tolist())
    # 10 % of each class of the non-validation images
    assert torch.bincount(y[sub]).tolist() == [
        round(0.1 * int(n)) for n in torch.bincount(y[fit])]
    assert torch.equal(sub, label_subset(y, fit, 0.1))
    assert len(label_subset(y, fit, 0.001)) == 10  # at least one per class
    with pytest.raises(ValueError, match='validation split of 1000'):
        validation_split(y, 1000)


def test_probe_protocol_chooses_on_validation_not_test():
    from gmae_bench.study.fmnist import probes
    x, y = _blobs(900, noise=1.0)
    # a test set with inverted labels: choosing on it would pick the worst
    out = probes.probe_protocol(x[:800], y[:800], x[800:], 3 - y[800:],
                                val_images=200, epochs=5)
    assert sorted(out) == ['1%', '10%', 'all']
    full, tenth = out['all'], out['10%']
    assert full['labels'] == 800 and tenth['labels'] == 60
    assert full['linear_lr'] in probes.LR_GRID
    assert full['knn_k'] in probes.K_GRID
    assert full['val_linear'] > 90 and full['linear'] < 10
    # the chosen lr is the one that is best on the validation split
    fit, val = probes.validation_split(y[:800], 200)
    best = max(probes.LR_GRID, key=lambda lr: probes.linear_probe(
        x[fit], y[fit], x[val], y[val], 5, lr=lr)['top1'])
    assert probes.linear_probe(x[fit], y[fit], x[val], y[val], 5,
                               lr=best)['top1'] == full['val_linear']
