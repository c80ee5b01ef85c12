# MAE without norm_pix: the decoder predicts the (ImageNet-normalised)
# pixels of each hidden patch, FB-MAE's `norm_pix_loss=False`. Its masked
# MSE maps to [0, 1] pixels without help (`mse_pixels`), so it is the MAE
# that GMAE's reconstruction is compared with.
_base_ = './mae_vit-b-p16.py'
model = dict(head=dict(norm_pix=False))
