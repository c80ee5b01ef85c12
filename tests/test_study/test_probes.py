"""Linear probe and DINO k-NN on features whose answer is known."""
import torch

from gmae_bench.study.probes import knn_accuracy, linear_probe


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
