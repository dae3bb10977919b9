package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Pairwise;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Softmax cross-entropy of N queries over candidate rows, each query's target being its own
 * positive: the common core of {@link InfoNceLoss} (BLOCKS) and {@link MultipleNegativesRankingLoss}.
 * Every similarity comes from one matrix product (or, for paired candidates, one element-wise
 * product and one row sum), the cross-entropy from a stable log-sum-exp, so logits of any size
 * (small temperatures, large scales) give finite losses and gradients.
 *
 * <p>Candidates {@code c} are stacked like the BLOCKS layout: rows {@code 0..N-1} are the
 * positives (candidate i is query i's), then the negatives. The results are the per-query
 * losses and the gradients of {@code weight x} their sum with respect to the queries and the
 * candidates.
 */
final class CandidateSoftmax {
    /** Per-query losses [N, 1] (null unless asked for) and the gradients [N, D], [M, D] (null unless asked for). */
    static final class Result {
        final INDArray loss;
        final INDArray queries;
        final INDArray candidates;

        private Result(INDArray loss, INDArray queries, INDArray candidates) {
            this.loss = loss;
            this.queries = queries;
            this.candidates = candidates;
        }
    }

    /**
     * The rows a similarity is computed on: the activation's output a itself, or (normalize)
     * {@code u = a / max(|a|, 1e-12)}, as {@code F.normalize}, so that a zero row stays finite.
     */
    static final class Embedding {
        private final INDArray norms;
        final INDArray u;

        Embedding(INDArray a, boolean normalize) {
            norms = normalize ? Pairwise.norms(a) : null;
            u = normalize ? Pairwise.unitRows(a, norms) : a;
        }

        /** The gradient with respect to a, given the gradient with respect to u. */
        INDArray backward(INDArray dU) {
            return norms == null ? dU : Pairwise.unitRowsBackward(u, norms, dU);
        }
    }

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
     * @param weight the gradients are those of {@code weight x} the sum of the per-query losses
     */
    static Result all(INDArray q, INDArray c, double factor, boolean otherPositivesExcluded, boolean symmetric,
                      double weight, boolean loss, boolean gradient) {
        int n = (int) q.size(0);
        int m = (int) c.size(0);
        DataType type = q.dataType();
        INDArray s = Pairwise.gram(q, c).muli(factor);
        INDArray eye = Nd4j.eye(n).castTo(type);
        INDArray targets = m == n ? eye : Nd4j.hstack(eye, Nd4j.zeros(type, n, m - n));
        INDArray positives = s.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
        INDArray[] backward = null;
        if (symmetric) {
            // Before the forward logits change: the backward term sees every query.
            backward = Pairwise.crossEntropy(positives.transpose().dup('c'), eye, loss, gradient);
        }
        if (otherPositivesExcluded) {
            positives.addi(eye.rsub(1.0).muli(Pairwise.EXCLUDED));
        }
        INDArray[] forward = Pairwise.crossEntropy(s, targets, loss, gradient);
        double share = symmetric ? 0.5 : 1.0;

        INDArray rowLoss = null;
        if (loss) {
            rowLoss = forward[0].muli(share);
            if (symmetric) {
                rowLoss.addi(backward[0].muli(share));
            }
        }
        INDArray dq = null;
        INDArray dc = null;
        if (gradient) {
            INDArray ds = forward[1];
            if (symmetric) {
                ds.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).addi(backward[1].transpose());
            }
            ds.muli(share * weight * factor);
            dq = ds.mmul(c);
            dc = ds.transpose().mmul(q);
        }
        return new Result(rowLoss, dq, dc);
    }

    /**
     * Each query against its own candidates only: candidate block b ({@code c} rows
     * {@code bN..bN+N-1}, b = 0 the positives) holds one candidate per query, so query i's logits
     * are {@code factor q_i . c_{bN+i}} for b = 0..B-1 [N, B], target b = 0 (info-nce-pytorch's
     * paired negatives). The gradients are those of {@code weight x} the sum of the per-query losses.
     */
    static Result paired(INDArray q, INDArray c, double factor, double weight, boolean loss, boolean gradient) {
        int n = (int) q.size(0);
        int d = (int) q.size(1);
        int blocks = (int) (c.size(0) / n);
        DataType type = q.dataType();
        INDArray tiled = Nd4j.tile(q, blocks, 1);
        // Row bN + i of the products sums to q_i . c_{bN+i}; reshaped [B, N], transposed [N, B].
        INDArray s = Ops.rowSums(c.mul(tiled)).reshape(blocks, n).transpose().dup('c').muli(factor);
        INDArray targets = Nd4j.zeros(type, n, blocks);
        targets.getColumn(0).assign(1.0);
        INDArray[] ce = Pairwise.crossEntropy(s, targets, loss, gradient);
        INDArray dq = null;
        INDArray dc = null;
        if (gradient) {
            INDArray g = ce[1].muli(weight * factor).transpose().dup('c').reshape((long) blocks * n, 1);
            dc = tiled.muliColumnVector(g);
            dq = c.mulColumnVector(g).reshape(blocks, (long) n * d).sum(0).reshape(n, d);
        }
        return new Result(ce[0], dq, dc);
    }
}
