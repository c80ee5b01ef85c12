"""The study's evaluation helpers refuse what they cannot measure."""
import numpy as np
import pytest
import torch

from gmae_bench.study.fmnist.evaluate import depth_statistics


def test_depth_statistics_needs_gaussians():
    class NotGaussian(torch.nn.Module):
        is_gaussian = False

    with pytest.raises(ValueError, match='needs a GMAE'):
        depth_statistics(NotGaussian(), torch.zeros(1, 3, 28, 28),
                         np.zeros((1, 28, 28), bool))
