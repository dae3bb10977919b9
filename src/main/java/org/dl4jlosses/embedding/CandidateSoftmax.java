package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;

/**
 * Softmax cross-entropy of N queries over candidate rows, each query's target its own positive:
 * the common core of {@link InfoNceLoss} and {@link MultipleNegativesRankingLoss}, over the kept
 * rows of a BLOCKS batch in the call's precision. Queries are block 0 (rows {@code 0..N-1}); the
 * candidates are the other blocks, stacked as the layout stacks them: rows {@code N..2N-1} the
 * positives (candidate i is query i's), then the negatives.
 *
 * <p>Similarities come from one matrix product (or, for paired candidates, one dot product per
 * query and candidate), the cross-entropy from a log-sum-exp shifted by the row's maximum, so
 * logits of any size (small temperatures, large scales) give finite losses and gradients. Each
 * tuple's loss is put on each of its G rows, and the gradient is that of the sum over all rows
 * (G times the sum over queries). Arrays of the batch's size live in {@link KeptRows#scratch}.
 */
final class CandidateSoftmax {
    /** The logit of a candidate left out of a softmax: its exponential is exactly 0 against any logit of ordinary size. */
    static final double EXCLUDED = -1e30;

    static final int QUERIES = 0;
    private static final int CANDIDATES = 1;
    static final int LOGITS = 2;
    static final int QUERY_GRADIENT = 3;
    private static final int CANDIDATE_GRADIENT = 4;
    private static final int SQUARE = 5;

    private CandidateSoftmax() {
    }

    /**
     * Every query against every candidate: logits {@code s = factor q c^T} [N, M], query i's
     * target candidate i.
     *
     * @param otherPositivesExcluded whether positives {@code j != i} are left out of query i's
     *        softmax (info-nce-pytorch's explicit negatives: the positive and the negatives only);
     *        otherwise they are in-batch negatives
     * @param symmetric whether the loss is the mean of this forward term and the backward term
     *        "positive i over all queries" (logits {@code s[:, :N]^T}, target i), as
     *        sentence-transformers' {@code MultipleNegativesSymmetricRankingLoss}
     */
    static void all(LaneMath<?> lanes, KeptRows rows, boolean normalize, double factor, boolean otherPositivesExcluded,
                    boolean symmetric, double[] losses, Object gradient) {
        Split split = new Split(lanes, rows, normalize);
        int n = split.n;
        int m = split.m;
        Object s = KeptRows.scratch(lanes, LOGITS, n * m);
        Blas.multiply(split.q, n, split.d, false, split.c, m, split.d, true, s);
        lanes.scale(s, 0, n * m, factor);
        double share = symmetric ? 0.5 : 1.0;
        double coefficient = share * split.weight * factor;
        boolean write = gradient != null;
        double[] lossOf = new double[n];
        Object backward = null;
        if (symmetric) {
            // Positive i over all queries: column i of the positive block, taken before any exclusion.
            backward = KeptRows.scratch(lanes, SQUARE, n * n);
            LaneMath.transpose(s, n, n, m, backward, n);
            for (int i = 0; i < n; i++) {
                lossOf[i] = share * crossEntropyRow(lanes, backward, i * n, n, i, write, coefficient);
            }
        }
        for (int i = 0; i < n; i++) {
            int row = i * m;
            if (otherPositivesExcluded) {
                double own = lanes.get(s, row + i);
                lanes.linear(s, row, n, 0, EXCLUDED);
                lanes.set(s, row + i, own);
            }
            lossOf[i] += share * crossEntropyRow(lanes, s, row, m, i, write, coefficient);
        }
        split.spread(lossOf, losses);
        if (write) {
            if (symmetric) {
                LaneMath.addTransposed(backward, n, s, m);
            }
            Object dq = KeptRows.scratch(lanes, QUERY_GRADIENT, n * split.d);
            Object dc = KeptRows.scratch(lanes, CANDIDATE_GRADIENT, m * split.d);
            Blas.multiply(s, n, m, false, split.c, m, split.d, false, dq);
            Blas.multiply(s, n, m, true, split.q, n, split.d, false, dc);
            split.backward(dq, dc, gradient);
        }
    }

    /**
     * Each query against its own candidates only: candidate block b (b = 0 the positives) holds one
     * candidate per query, so query i's logits are {@code factor q_i . c_{bN+i}} for b = 0..B-1,
     * target b = 0 (info-nce-pytorch's paired negatives): O(N B D) work, query by query.
     */
    static void paired(LaneMath<?> lanes, KeptRows rows, boolean normalize, double factor, double[] losses, Object gradient) {
        Split split = new Split(lanes, rows, normalize);
        int n = split.n;
        int d = split.d;
        int blocks = split.weight - 1;
        Object dq = gradient == null ? null : KeptRows.scratch(lanes, QUERY_GRADIENT, n * d);
        Object dc = gradient == null ? null : KeptRows.scratch(lanes, CANDIDATE_GRADIENT, split.m * d);
        double coefficient = split.weight * factor;
        double[] logits = new double[blocks];
        double[] lossOf = new double[n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < blocks; b++) {
                logits[b] = factor * lanes.dot(split.q, i * d, split.c, (b * n + i) * d, d);
                max = Math.max(max, logits[b]);
            }
            double sum = 0;
            for (int b = 0; b < blocks; b++) {
                sum += Math.exp(logits[b] - max);
            }
            lossOf[i] = max + Math.log(sum) - logits[0];
            if (gradient != null) {
                lanes.linear(dq, i * d, d, 0, 0);
                for (int b = 0; b < blocks; b++) {
                    double slope = coefficient * (Math.exp(logits[b] - max) / sum - (b == 0 ? 1 : 0));
                    int candidate = (b * n + i) * d;
                    lanes.linear(dc, candidate, d, 0, 0);
                    lanes.axpy(slope, split.q, i * d, dc, candidate, d);
                    lanes.axpy(slope, split.c, candidate, dq, i * d, d);
                }
            }
        }
        split.spread(lossOf, losses);
        if (gradient != null) {
            split.backward(dq, dc, gradient);
        }
    }

    /**
     * Cross-entropy of the logit row {@code s[off..off+m)} with target column {@code target}, by a
     * log-sum-exp shifted by the row's maximum; with {@code write} the row becomes
     * {@code coefficient x (softmax - onehot)}, its gradient.
     *
     * @return the row's loss {@code logsumexp(s) - s[target]}
     */
    static double crossEntropyRow(LaneMath<?> lanes, Object s, int off, int m, int target, boolean write, double coefficient) {
        double picked = lanes.get(s, off + target);
        double max = lanes.max(s, off, m);
        double sum = lanes.expSum(s, off, m, max, write ? s : null);
        if (write) {
            lanes.scale(s, off, m, coefficient / sum);
            lanes.set(s, off + target, lanes.get(s, off + target) - coefficient);
        }
        return max + Math.log(sum) - picked;
    }

    /**
     * A BLOCKS batch's kept rows split into its N queries (block 0) and M candidates (the other
     * blocks), as the rows the similarity is computed on (L2-normalised with {@code normalize}).
     */
    private static final class Split {
        final LaneMath<?> lanes;
        final int n;
        final int m;
        final int d;
        /** Rows per tuple: each tuple's loss goes on each of them. */
        final int weight;
        final double[] norms;
        /** The similarity rows of all kept rows; the queries are its first N. */
        final Object q;
        /** The candidates' rows, copied apart for the matrix products. */
        final Object c;

        Split(LaneMath<?> lanes, KeptRows rows, boolean normalize) {
            this.lanes = lanes;
            n = rows.tuples();
            d = rows.columns();
            m = rows.count() - n;
            weight = rows.count() / n;
            norms = normalize ? new double[rows.count()] : null;
            if (normalize) {
                q = KeptRows.scratch(lanes, QUERIES, rows.count() * d);
                lanes.unitRows(rows.rows(), 0, q, 0, rows.count(), d, norms);
            } else {
                q = rows.rows();
            }
            c = KeptRows.scratch(lanes, CANDIDATES, m * d);
            System.arraycopy(q, n * d, c, 0, m * d);
        }

        /** Puts each tuple's loss on each of its rows; nothing when no score is asked. */
        void spread(double[] lossOf, double[] losses) {
            if (losses != null) {
                for (int b = 0; b < weight; b++) {
                    System.arraycopy(lossOf, 0, losses, b * n, n);
                }
            }
        }

        /** The gradients with respect to the similarity rows, taken back to the kept rows. */
        void backward(Object dq, Object dc, Object gradient) {
            System.arraycopy(dq, 0, gradient, 0, n * d);
            System.arraycopy(dc, 0, gradient, n * d, m * d);
            if (norms != null) {
                lanes.unitRowsBackward(q, gradient, 0, n + m, d, norms);
            }
        }
    }
}
