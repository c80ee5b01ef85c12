# Ablation of the scenes study: GMAE rendered over the authors' white
# background (gsplat 0.1.0's default), while the scenes are black, so the
# Gaussians must also paint the background.
_base_ = './gmae_pretrain_scenes.py'
model = dict(head=dict(renderer=dict(background=None)))
