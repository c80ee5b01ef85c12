/* Tile compositing on the CPU: forward and backward of
 * the torch backend's chunked compositor, one tile at a time.
 *
 * A (Gaussian, tile) pair's exponent log(o) - sigma is a quadratic in
 * tile-local pixel coordinates with 6 coefficients [x^2, xy, y^2, x, y, 1]
 * (torch_backend.pair_params). Each tile composites its depth-sorted pairs
 * front to back with gsplat's rules: alpha = min(0.999, exp(.)), skipped
 * below 1/255, a pixel stops before the entry that would take its
 * transmittance to <= 1e-4. The backward walks the list back to front and
 * recovers the transmittance by division, as gsplat's CUDA kernel does.
 *
 * Pairs belong to one tile, so tiles are independent: callers split the
 * tiles among threads (r_begin, r_step) and no write is shared.
 * Inner loops run over the P pixels of a tile, branch-free, so that the
 * compiler vectorises them (expf from libmvec with -ffast-math).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Buffer sizes come from cpu_kernel.py (-DGMAE_MAX_P=..., -DGMAE_MAX_C=...),
 * the compositing rules through the Setup struct: one definition each. */
#if !defined(GMAE_MAX_P) || !defined(GMAE_MAX_C)
#error "build through gmae_bench/render/cpu_kernel.py"
#endif

typedef struct {
    const float *coeffs;  /* [M, 6] */
    const float *colors;  /* [M, C] */
    const int64_t *starts, *counts; /* [R] */
    const float *background; /* [B, C] */
    const float *local_xy; /* [2, P]: pixel centre - tile centre */
    const uint8_t *inside; /* [T, P]: pixel lies inside the image */
    int64_t num_tiles;    /* tiles per image */
    int C, tile_size, clamp;
    float alpha_min;  /* alphas below are skipped (1/255) */
    float alpha_max;  /* alphas are clamped here (0.999) */
    float t_stop;     /* a pixel stops before T would reach this (1e-4) */
    float log_floor;  /* exponent floor that keeps expf fast */
} Setup;

/* The tile-local pixel coordinates and, for tile `t`, which pixels lie
 * inside the image (1) or overhang it (0): the TileGrid's. */
static void tile_basis(const Setup *s, int64_t t, float *bx, float *by,
                       float *inside) {
    const int P = s->tile_size * s->tile_size;
    for (int p = 0; p < P; ++p) {
        bx[p] = s->local_xy[p];
        by[p] = s->local_xy[P + p];
        inside[p] = s->inside[t * P + p];
    }
}

static inline float pair_alpha(const Setup *s, const float *q, float x,
                               float y, int clamp) {
    float e = q[0] * x * x + q[1] * x * y + q[2] * y * y + q[3] * x +
              q[4] * y + q[5];
    float a = expf(fmaxf(e, s->log_floor));
    return clamp ? fminf(a, s->alpha_max) : a;
}

/* image [R, C, P]: colour + T * background; T_out [R, P]: final
 * transmittance; stop_out [R, P]: list entries a pixel looked at (entries
 * from it on are not composited). */
void gmae_composite_forward(const Setup *s, int64_t r_begin, int64_t r_end,
                            int64_t r_step, float *image, float *T_out,
                            int32_t *stop_out) {
    const int C = s->C, P = s->tile_size * s->tile_size;
    float bx[GMAE_MAX_P], by[GMAE_MAX_P], alive[GMAE_MAX_P], T[GMAE_MAX_P], stop[GMAE_MAX_P];
    float w[GMAE_MAX_P], acc[GMAE_MAX_C][GMAE_MAX_P];
    for (int64_t r = r_begin; r < r_end; r += r_step) {
        const int64_t n = s->counts[r], first = s->starts[r];
        const float *bg = s->background + (r / s->num_tiles) * C;
        tile_basis(s, r % s->num_tiles, bx, by, alive);
        float live_pixels = 0.0f;
        for (int p = 0; p < P; ++p) {
            T[p] = 1.0f;
            stop[p] = (float)n;
            live_pixels += alive[p];
        }
        memset(acc, 0, sizeof(acc));
        for (int64_t j = 0; j < n && live_pixels > 0.0f; ++j) {
            const float *q = s->coeffs + 6 * (first + j);
            const float *col = s->colors + C * (first + j);
            float stopped = 0.0f;
            for (int p = 0; p < P; ++p) {
                const float a = pair_alpha(s, q, bx[p], by[p], s->clamp);
                const float live = (a >= s->alpha_min) ? alive[p] : 0.0f;
                const float next_T = T[p] * (1.0f - a);
                const float st = (next_T <= s->t_stop) ? live : 0.0f;
                const float ok = live - st;
                w[p] = ok * a * T[p];
                T[p] += ok * (next_T - T[p]);
                alive[p] -= st;
                stop[p] += st * ((float)j - stop[p]);
                stopped += st;
            }
            for (int c = 0; c < C; ++c)
                for (int p = 0; p < P; ++p)
                    acc[c][p] += w[p] * col[c];
            live_pixels -= stopped;
        }
        for (int c = 0; c < C; ++c)
            for (int p = 0; p < P; ++p)
                image[(r * C + c) * P + p] = acc[c][p] + T[p] * bg[c];
        for (int p = 0; p < P; ++p) {
            T_out[r * P + p] = T[p];
            stop_out[r * P + p] = (int32_t)stop[p];
        }
    }
}

/* Vector-Jacobian product: grad_image [R, C, P] -> g_coeffs [M, 6],
 * g_colors [M, C] (each pair written by its own tile only). */
void gmae_composite_backward(const Setup *s, int64_t r_begin, int64_t r_end,
                             int64_t r_step, const float *grad_image,
                             const float *T_final, const int32_t *stop_in,
                             float *g_coeffs, float *g_colors) {
    const int C = s->C, P = s->tile_size * s->tile_size;
    float bx[GMAE_MAX_P], by[GMAE_MAX_P], inside[GMAE_MAX_P], T[GMAE_MAX_P], stop[GMAE_MAX_P];
    float behind[GMAE_MAX_P], gc[GMAE_MAX_P], w[GMAE_MAX_P];
    for (int64_t r = r_begin; r < r_end; r += r_step) {
        const int64_t n = s->counts[r], first = s->starts[r];
        if (n == 0)
            continue;
        const float *bg = s->background + (r / s->num_tiles) * C;
        const float *g = grad_image + r * C * P;
        tile_basis(s, r % s->num_tiles, bx, by, inside);
        int32_t last = 0; /* entries any pixel composited */
        for (int p = 0; p < P; ++p) {
            /* pixels off the image composited nothing */
            const int32_t sp = inside[p] > 0.0f ? stop_in[r * P + p] : 0;
            T[p] = T_final[r * P + p];
            stop[p] = (float)sp;
            last = sp > last ? sp : last;
            float gb = 0.0f;
            for (int c = 0; c < C; ++c)
                gb += g[c * P + p] * bg[c];
            behind[p] = T[p] * gb; /* grad . colour behind the entry */
        }
        for (int64_t j = (last < n ? last : n) - 1; j >= 0; --j) {
            const float *q = s->coeffs + 6 * (first + j);
            const float *col = s->colors + C * (first + j);
            for (int p = 0; p < P; ++p)
                gc[p] = 0.0f;
            for (int c = 0; c < C; ++c)
                for (int p = 0; p < P; ++p)
                    gc[p] += col[c] * g[c * P + p];
            float g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
            for (int p = 0; p < P; ++p) {
                float a = pair_alpha(s, q, bx[p], by[p], 0);
                const float unclamped =
                    (s->clamp && a >= s->alpha_max) ? 0.0f : 1.0f;
                a = s->clamp ? fminf(a, s->alpha_max) : a;
                const float live =
                    (a >= s->alpha_min && (float)j < stop[p]) ? 1.0f
                                                                 : 0.0f;
                a *= live;
                const float inv = 1.0f / (1.0f - a);
                const float T_before = T[p] * inv;
                w[p] = a * T_before;
                /* d C / d alpha = T_i c_i - behind_i / (1 - alpha), times
                 * d alpha / d exponent = alpha where not clamped */
                const float gl =
                    a * unclamped * (T_before * gc[p] - behind[p] * inv);
                const float x = bx[p], y = by[p];
                g0 += gl * x * x;
                g1 += gl * x * y;
                g2 += gl * y * y;
                g3 += gl * x;
                g4 += gl * y;
                g5 += gl;
                behind[p] += w[p] * gc[p];
                T[p] = T_before;
            }
            float *gq = g_coeffs + 6 * (first + j);
            gq[0] = g0, gq[1] = g1, gq[2] = g2, gq[3] = g3, gq[4] = g4;
            gq[5] = g5;
            for (int c = 0; c < C; ++c) {
                float sum = 0.0f;
                for (int p = 0; p < P; ++p)
                    sum += w[p] * g[c * P + p];
                g_colors[C * (first + j) + c] = sum;
            }
        }
    }
}
