"""Zero-shot readouts of GMAE's Gaussians: layers, figure-ground, edges."""
from .layers import (PAPER_KS, depth_layers, depth_order, first_k, id_edges,
                     layer_edges, layer_groups, visible_layer_map)
from .metrics import boundary_eval, id_boundaries, iou
from .suite import read_index, run_suite

__all__ = [
    'PAPER_KS', 'boundary_eval', 'depth_layers', 'depth_order', 'first_k',
    'id_boundaries', 'id_edges', 'iou', 'layer_edges', 'layer_groups',
    'read_index', 'run_suite', 'visible_layer_map'
]
