# The tiny MAE without norm_pix (see mae-pixel_vit-b-p16.py).
_base_ = './mae_vit-tiny-p8.py'
model = dict(head=dict(norm_pix=False))
