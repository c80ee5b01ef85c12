"""GMAE vs MAE pretraining step time, measured side by side in one run.

Both models come from the pretraining configs (identical but for the
decoder output and the head), get the same batch of real photos
(data/photos, random 224-px crops; Gaussian noise if the data is missing)
and are timed in alternation (MAE, GMAE, MAE, ...) so that machine noise
hits both alike. A step is forward + backward + AdamW update at the recipe's
lr (1.5e-4 * batch / 256), i.e. early-training Gaussians. The render share
is measured inside the same GMAE steps (:class:`RenderClock`): the GMAE
head's render call plus its backward, divided by the GMAE step time.

    python tools/benchmark_pretrain.py                      # ViT-S/16, 224 px
    python tools/benchmark_pretrain.py --arch tiny --img-size 64 --steps 3
"""
import torch

from gmae_bench.benchmark import pretrain_step_benchmark, step_benchmark_args


def main(argv=None) -> dict:
    args = step_benchmark_args(argv)
    result = pretrain_step_benchmark(args)
    print(f'device={args.device} arch={args.arch} img={args.img_size} '
          f'patch={args.patch_size} k={args.num_queries} '
          f'batch={args.batch_size} steps={args.steps} '
          f"backend={args.backend} ({result['backend']}) "
          f'threads={torch.get_num_threads()}')
    print(f"MAE step   {result['mae_step_s'] * 1e3:9.1f} ms (median)")
    print(f"GMAE step  {result['gmae_step_s'] * 1e3:9.1f} ms (median)")
    print(f"render     {result['render_s'] * 1e3:9.1f} ms (fwd+bwd inside "
          'the GMAE step, median)')
    print(f"ratio GMAE/MAE step time: {result['gmae_over_mae']:.3f}")
    print(f"render share of GMAE step: {result['render_share']:.3f}")
    print('ratio (GMAE step - render) / MAE step: '
          f"{result['rest_over_mae']:.3f} (decoder queries etc.)")
    return result


if __name__ == '__main__':
    main()
