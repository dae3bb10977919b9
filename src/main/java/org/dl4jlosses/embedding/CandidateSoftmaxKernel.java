package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.Lanes;
import org.dl4jlosses.internal.Pairwise;

/**
 * {@link CandidateSoftmax} (and its {@link CandidateSoftmax.Embedding}) over float arrays: the
 * shared core of the float32 kernels of {@link InfoNceLoss} and {@link MultipleNegativesRankingLoss}.
 * The formulas are documented there; this class only computes them. Products of O(n^2 D) work go
 * through {@link Blas}, everything else is row loops over {@link KeptRows#scratch} arrays, so a
 * call allocates nothing of the batch's size.
 */
final class CandidateSoftmaxKernel {
    /** Scratch slots: the rows a similarity is computed on (queries; candidates), the N x M logit matrix, ... */
    static final int QUERIES = 0;
    static final int CANDIDATES = 1;
    static final int LOGITS = 2;
    static final int NORMS = 3;
    static final int QUERY_GRADIENT = 4;
    static final int CANDIDATE_GRADIENT = 5;
    static final int SQUARE = 6;
    static final int SMALL = 7;

    /** {@link Pairwise#EXCLUDED} in float: added to any float32 logit of ordinary size, it gives exactly this. */
    static final float EXCLUDED = (float) Pairwise.EXCLUDED;

    private static final float NORM_EPS = (float) Pairwise.NORM_EPS;

    private CandidateSoftmaxKernel() {
    }

    /**
     * The similarity rows of kept rows {@code [from, to)} of {@code a} (D columns), written from row
     * 0 of {@code out}: {@code a / max(|a|, 1e-12)} when {@code normalize} (each row's norm kept in
     * {@code norms[r]}), else a copy.
     */
    static void embed(float[] a, int from, int to, int d, boolean normalize, float[] out, float[] norms) {
        if (!normalize) {
            System.arraycopy(a, from * d, out, 0, (to - from) * d);
            return;
        }
        for (int r = from; r < to; r++) {
            int off = r * d;
            float norm = (float) Lanes.norm(a, off, d);
            norms[r] = norm;
            Lanes.affine(a, off, 1 / Math.max(norm, NORM_EPS), 0f, null, out, (r - from) * d, d);
        }
    }

    /**
     * The gradient with respect to kept rows {@code [from, to)} of a, written to the same rows of
     * {@code out}, given {@code g}, the gradient with respect to their similarity rows {@code u}
     * (both from row 0): {@code (g - u (u . g)) / |a|}, or {@code g / 1e-12} where the norm was
     * clamped (there u = a / 1e-12 is a linear map of a), as {@link Pairwise#unitRowsBackward}.
     * {@code g} is the caller's scratch and is overwritten.
     */
    static void backward(float[] u, float[] g, int from, int to, int d, boolean normalize, float[] norms, float[] out) {
        if (!normalize) {
            System.arraycopy(g, 0, out, from * d, (to - from) * d);
            return;
        }
        for (int r = from; r < to; r++) {
            int off = (r - from) * d;
            float norm = norms[r];
            float radial = norm >= NORM_EPS ? (float) Lanes.dot(u, off, g, off, d) : 0f;
            float inverse = 1 / Math.max(norm, NORM_EPS);
            // out = u radial / |a|, then g = g / |a| - out (g is the caller's scratch), copied to out.
            int o = r * d;
            Lanes.affine(u, off, radial * inverse, 0f, null, out, o, d);
            Lanes.scaleSub(g, off, inverse, out, o, d);
            System.arraycopy(g, off, out, o, d);
        }
    }

    /**
     * Cross-entropy of logit row {@code s[off..off+m)} with target column {@code target}, by a
     * log-sum-exp shifted by the row's maximum (finite for logits of any size). With
     * {@code write} the row is replaced by {@code coefficient x (softmax - onehot)}, its gradient.
     *
     * @return the row's loss {@code logsumexp(s) - s[target]}
     */
    static double crossEntropyRow(float[] s, int off, int m, int target, boolean write, float coefficient) {
        float picked = s[off + target];
        float max = Lanes.max(s, off, m);
        double sum = Lanes.expSum(s, off, m, max, write ? s : null, off);
        if (write) {
            Lanes.affine(s, off, (float) (coefficient / sum), 0f, null, s, off, m);
            s[off + target] -= coefficient;
        }
        return max + Math.log(sum) - picked;
    }

    /**
     * {@link CandidateSoftmax#all} over the kept rows of a BLOCKS batch: queries are rows
     * {@code 0..N-1}, candidates the other {@code M = count - N} rows, each tuple's loss (with
     * {@code weight} = G copies) put on each of its G rows.
     */
    static void all(KeptRows rows, boolean normalize, double factor, boolean otherPositivesExcluded,
                    boolean symmetric, float[] losses, float[] gradient) {
        Split split = new Split(rows, normalize);
        int n = split.n;
        int m = split.m;
        int d = split.d;
        int weight = split.weight;
        float[] q = split.q;
        float[] c = split.c;

        float[] s = KeptRows.scratch(LOGITS, n * m);
        Blas.multiply(q, n, d, false, c, m, d, true, s);
        float f = (float) factor;
        for (int i = 0; i < n; i++) {
            Lanes.affine(s, i * m, f, 0f, null, s, i * m, m);
        }
        double share = symmetric ? 0.5 : 1.0;
        float coefficient = (float) (share * weight * factor);
        float[] lossOf = KeptRows.scratch(SMALL, n);
        float[] backward = null;
        if (symmetric) {
            // Positive i over all queries: column i of the positive block, taken before any exclusion.
            backward = KeptRows.scratch(SQUARE, n * n);
            transpose(s, n, m, backward);
            for (int i = 0; i < n; i++) {
                lossOf[i] = (float) (share * crossEntropyRow(backward, i * n, n, i, gradient != null, coefficient));
            }
        }
        for (int i = 0; i < n; i++) {
            int off = i * m;
            if (otherPositivesExcluded) {
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        s[off + j] = EXCLUDED;
                    }
                }
            }
            double loss = share * crossEntropyRow(s, off, m, i, gradient != null, coefficient);
            lossOf[i] = (float) (symmetric ? lossOf[i] + loss : loss);
        }
        split.spread(lossOf, losses);
        if (gradient == null) {
            return;
        }
        if (symmetric) {
            addTransposed(backward, n, s, m);
        }
        float[] dq = KeptRows.scratch(QUERY_GRADIENT, n * d);
        float[] dc = KeptRows.scratch(CANDIDATE_GRADIENT, m * d);
        Blas.multiply(s, n, m, false, c, m, d, false, dq);
        Blas.multiply(s, n, m, true, q, n, d, false, dc);
        split.backward(dq, dc, gradient);
    }

    /**
     * {@link CandidateSoftmax#paired} over the kept rows of a BLOCKS batch: query i against row i
     * of each candidate block only, O(N B D) work done row by row.
     */
    static void paired(KeptRows rows, boolean normalize, double factor, float[] losses, float[] gradient) {
        Split split = new Split(rows, normalize);
        int n = split.n;
        int m = split.m;
        int d = split.d;
        int weight = split.weight;
        int blocks = weight - 1;
        float[] q = split.q;
        float[] c = split.c;
        float f = (float) factor;
        float coefficient = (float) (weight * factor);
        float[] dq = gradient == null ? null : KeptRows.scratch(QUERY_GRADIENT, n * d);
        float[] dc = gradient == null ? null : KeptRows.scratch(CANDIDATE_GRADIENT, m * d);
        float[] logits = KeptRows.scratch(SMALL, blocks + n);
        float[] lossOf = losses == null ? null : logits;
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < blocks; b++) {
                logits[n + b] = (float) Lanes.dot(q, i * d, c, (b * n + i) * d, d) * f;
            }
            float loss = (float) crossEntropyRow(logits, n, blocks, 0, gradient != null, coefficient);
            if (lossOf != null) {
                lossOf[i] = loss;
            }
            if (gradient != null) {
                int qi = i * d;
                Arrays.fill(dq, qi, qi + d, 0f);
                for (int b = 0; b < blocks; b++) {
                    float slope = logits[n + b];
                    int cb = (b * n + i) * d;
                    for (int k = 0; k < d; k++) {
                        dc[cb + k] = slope * q[qi + k];
                        dq[qi + k] += slope * c[cb + k];
                    }
                }
            }
        }
        split.spread(lossOf, losses);
        if (gradient != null) {
            split.backward(dq, dc, gradient);
        }
    }

    /**
     * A BLOCKS batch's kept rows split into its N queries (block 0) and M candidates (the other
     * blocks), embedded for the similarity into scratch arrays.
     */
    private static final class Split {
        final int n;
        final int m;
        final int d;
        final int count;
        /** Rows per tuple: each tuple's loss goes on each of them. */
        final int weight;
        final boolean normalize;
        final float[] norms;
        final float[] q;
        final float[] c;

        Split(KeptRows rows, boolean normalize) {
            n = rows.tuples();
            count = rows.count();
            d = rows.columns();
            m = count - n;
            weight = count / n;
            this.normalize = normalize;
            norms = normalize ? KeptRows.scratch(NORMS, count) : null;
            q = KeptRows.scratch(QUERIES, n * d);
            c = KeptRows.scratch(CANDIDATES, m * d);
            embed(rows.values(), 0, n, d, normalize, q, norms);
            embed(rows.values(), n, count, d, normalize, c, norms);
        }

        /** Puts each tuple's loss ({@code lossOf[0..N)}) on each of its rows; nothing when no score is asked. */
        void spread(float[] lossOf, float[] losses) {
            if (losses != null) {
                for (int b = 0; b < weight; b++) {
                    System.arraycopy(lossOf, 0, losses, b * n, n);
                }
            }
        }

        /** The gradients with respect to the similarity rows, taken back to the kept rows. */
        void backward(float[] dq, float[] dc, float[] gradient) {
            CandidateSoftmaxKernel.backward(q, dq, 0, n, d, normalize, norms, gradient);
            CandidateSoftmaxKernel.backward(c, dc, n, count, d, normalize, norms, gradient);
        }
    }

    private static final int TILE = 32;

    /** out (r x r, row-major) = the transpose of the leading r x r block of s (row stride {@code stride}). */
    static void transpose(float[] s, int r, int stride, float[] out) {
        for (int i0 = 0; i0 < r; i0 += TILE) {
            for (int j0 = 0; j0 < r; j0 += TILE) {
                int iEnd = Math.min(i0 + TILE, r);
                int jEnd = Math.min(j0 + TILE, r);
                for (int i = i0; i < iEnd; i++) {
                    for (int j = j0; j < jEnd; j++) {
                        out[j * r + i] = s[i * stride + j];
                    }
                }
            }
        }
    }

    /** The leading r x r block of s (row stride {@code stride}) plus the transpose of t (r x r). */
    static void addTransposed(float[] t, int r, float[] s, int stride) {
        for (int i0 = 0; i0 < r; i0 += TILE) {
            for (int j0 = 0; j0 < r; j0 += TILE) {
                int iEnd = Math.min(i0 + TILE, r);
                int jEnd = Math.min(j0 + TILE, r);
                for (int i = i0; i < iEnd; i++) {
                    for (int j = j0; j < jEnd; j++) {
                        s[i * stride + j] += t[j * r + i];
                    }
                }
            }
        }
    }
}
