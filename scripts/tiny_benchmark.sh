#!/usr/bin/env bash
# The whole MAE-vs-GMAE pipeline at CPU scale on the real fixtures:
# tiny pretraining (MAE with and without norm_pix, GMAE), fine-tune +
# linear probe (Fashion-MNIST
# subset), Mask R-CNN + UperNet (labelme's VOC photos), the zero-shot suite,
# then tools/compare.py -> work_dirs/compare/. About 13 min on 2 cores.
# Scores are pipeline checks on tiny data, not benchmark numbers.
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
cd "$ROOT"
scripts/setup_env.sh
PY=$VPY
[ -f work_dirs/mae-pixel_pretrain_vit_tiny/epoch_30.pth ] ||
  $PY tools/train.py configs/mae-pixel_pretrain_vit_tiny.py
for m in mae gmae; do
  [ -f work_dirs/${m}_pretrain_vit_tiny/epoch_30.pth ] ||
    $PY tools/train.py configs/${m}_pretrain_vit_tiny.py
  for cfg in classification/vit-tiny_${m}-pre_fashion-mnist \
             classification/vit-tiny_linear_${m}-pre_fashion-mnist \
             detection/mask-rcnn_vit-tiny_${m}-pre_voc-coco \
             segmentation/upernet_vit-tiny_${m}-pre_voc; do
    $PY tools/train.py configs/$cfg.py
  done
done
$PY tools/zero_shot.py \
  --gmae configs/gmae_pretrain_vit_tiny.py work_dirs/gmae_pretrain_vit_tiny/epoch_30.pth \
  --mae configs/mae_pretrain_vit_tiny.py work_dirs/mae_pretrain_vit_tiny/epoch_30.pth \
  --out work_dirs/zero_shot_tiny
$PY tools/compare.py work_dirs/ --out work_dirs/compare
