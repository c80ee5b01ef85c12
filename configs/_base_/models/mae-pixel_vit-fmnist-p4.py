# The study's MAE without norm_pix (see mae-pixel_vit-b-p16.py).
_base_ = './mae_vit-fmnist-p4.py'
model = dict(head=dict(norm_pix=False))
