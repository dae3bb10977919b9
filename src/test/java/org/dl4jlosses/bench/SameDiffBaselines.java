package org.dl4jlosses.bench;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.SameDiffLoss;

/**
 * Baselines for the losses DL4J has no built-in for: the same formula written the way a DL4J user
 * would, as a {@link SameDiffLoss}. {@code SameDiffLoss} hands {@link #defineLoss} the
 * <em>activation output</em> {@code a = activation(z)} (not the logits) and back-propagates through
 * the activation itself, so log-probabilities come from {@code log(clip(a))} here, as in DL4J's own
 * {@code LossMCXENT}/{@code LossBinaryXENT}. Each returns the per-example loss, shape [R], with the
 * library's defaults (focal gamma 2, alpha 0.25; poly epsilon 1; margin 1; huber delta 1; smooth-L1
 * beta 1).
 *
 * <p>SameDiff 1.0.0-M2.1 quirk: it seeds the gradient of a non-scalar loss variable with a scalar,
 * and {@code reduce_sum}, {@code reduce_max} and {@code subtract} mishandle that when they are the
 * graph's last op (the backprop fails with "reshapei: bad input shape", or the gradient reaches row
 * 0 only). So every per-row reduction here keeps its dimension ([R, 1]) and the last op is a
 * {@code mean}, a keep-dims {@code sum} or an {@code add}; {@code BenchMain --check} verifies that
 * every baseline's score and gradient agree with ours.
 *
 * <p>Benchmark-only code: these classes are not serialisable configurations and are not part of the
 * library.
 */
final class SameDiffBaselines {
    private static final double EPS = 1e-7;

    private SameDiffBaselines() {
    }

    /**
     * A loss whose labels have half the output's width, for a SameDiffLoss, which takes labels of
     * the output's width only: the labels get zeros appended, as a DL4J user would have to do.
     */
    static final class WidenedLabels implements ILossFunction {
        private static final long serialVersionUID = 1L;
        private final ILossFunction inner;

        WidenedLabels(ILossFunction inner) {
            this.inner = inner;
        }

        private static INDArray widen(INDArray labels) {
            return Nd4j.hstack(labels, Nd4j.zerosLike(labels));
        }

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                   boolean average) {
            return inner.computeScore(widen(labels), preOutput, activationFn, mask, average);
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return inner.computeScoreArray(widen(labels), preOutput, activationFn, mask);
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return inner.computeGradient(widen(labels), preOutput, activationFn, mask);
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                              IActivation activationFn, INDArray mask, boolean average) {
            return inner.computeGradientAndScore(widen(labels), preOutput, activationFn, mask, average);
        }

        @Override
        public String name() {
            return inner.name();
        }
    }

    private static SDVariable clippedLog(SameDiff sd, SDVariable p) {
        return sd.math().log(sd.math().clipByValue(p, EPS, 1.0 - EPS));
    }

    /** torchvision {@code sigmoid_focal_loss}, mean over columns; input a = sigmoid(z). */
    static final class SigmoidFocal extends SameDiffLoss {
        private final double gamma = 2.0;
        private final double alpha = 0.25;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable p, SDVariable y) {
            SDVariable oneMinusY = y.rsub(1.0);
            SDVariable bce = y.mul(clippedLog(sd, p)).add(oneMinusY.mul(clippedLog(sd, p.rsub(1.0)))).neg();
            SDVariable pt = y.mul(p).add(oneMinusY.mul(p.rsub(1.0)));
            SDVariable alphaT = y.mul(alpha).add(oneMinusY.mul(1.0 - alpha));
            return alphaT.mul(pt.rsub(1.0).pow(gamma)).mul(bce).mean(true, 1);
        }
    }

    /** Softmax focal loss {@code -sum_c y_c (1-p_c)^gamma log p_c}; input a = softmax(z). */
    static final class SoftmaxFocal extends SameDiffLoss {
        private final double gamma = 2.0;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable p, SDVariable y) {
            return y.mul(p.rsub(1.0).pow(gamma)).mul(clippedLog(sd, p)).sum(true, 1).neg();
        }
    }

    /** Poly-1 with softmax: {@code CE + epsilon (1 - p_t)}, {@code p_t = sum_c y_c p_c}. */
    static final class Poly1Softmax extends SameDiffLoss {
        private final double epsilon = 1.0;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable p, SDVariable y) {
            SDVariable ce = y.mul(clippedLog(sd, p)).sum(true, 1).neg();
            SDVariable pt = y.mul(p).sum(true, 1);
            return ce.add(pt.rsub(1.0).mul(epsilon));
        }
    }

    /**
     * Crammer-Singer {@code max(0, m + max_{j != y} f_j - f_y)}, written as
     * {@code max_j (f_j + m (1 - y_j)) - f_y} (the j = y term makes it >= 0).
     */
    static final class CrammerSinger extends SameDiffLoss {
        private final double margin = 1.0;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable f, SDVariable y) {
            SDVariable fy = f.mul(y).sum(true, 1);
            SDVariable augmented = f.add(y.rsub(1.0).mul(margin));
            return augmented.max(true, 1).add(fy.neg());
        }
    }

    /** Weston-Watkins {@code sum_{j != y} max(0, m + f_j - f_y)}. */
    static final class WestonWatkins extends SameDiffLoss {
        private final double margin = 1.0;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable f, SDVariable y) {
            SDVariable fy = f.mul(y).sum(true, 1);
            SDVariable h = sd.nn().relu(f.sub(fy).add(margin), 0.0);
            return h.mul(y.rsub(1.0)).sum(true, 1);
        }
    }

    /** Huber with delta d, mean over columns: {@code 0.5 q^2 + d (|r| - q)}, {@code q = min(|r|, d)}. */
    static final class Huber extends SameDiffLoss {
        private final double delta = 1.0;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable a, SDVariable y) {
            SDVariable absR = sd.math().abs(a.sub(y));
            SDVariable q = sd.math().clipByValue(absR, 0.0, delta);
            return q.pow(2.0).mul(0.5).add(absR.sub(q).mul(delta)).mean(true, 1);
        }
    }

    /** Smooth L1 with beta b, mean over columns: {@code 0.5 q^2 / b + (|r| - q)}, {@code q = min(|r|, b)}. */
    static final class SmoothL1 extends SameDiffLoss {
        private final double beta = 1.0;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable a, SDVariable y) {
            SDVariable absR = sd.math().abs(a.sub(y));
            SDVariable q = sd.math().clipByValue(absR, 0.0, beta);
            return q.pow(2.0).mul(0.5 / beta).add(absR.sub(q)).mean(true, 1);
        }
    }

    /** KL divergence {@code sum_c q_c (log q_c - log p_c)} at temperature 1; input a = softmax(z). */
    static final class KlDivergence extends SameDiffLoss {
        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable p, SDVariable q) {
            return q.mul(clippedLog(sd, q).sub(clippedLog(sd, p))).sum(true, 1);
        }
    }

    /** The authors' asymmetric loss (gamma+ 0, gamma- 4, clip 0.05), mean over columns; input a = sigmoid(z). */
    static final class Asymmetric extends SameDiffLoss {
        private final double gammaPositive = 0.0;
        private final double gammaNegative = 4.0;
        private final double clip = 0.05;

        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable p, SDVariable y) {
            SDVariable oneMinusY = y.rsub(1.0);
            SDVariable notP = sd.math().clipByValue(p.rsub(1.0 + clip), 0.0, 1.0);
            SDVariable logLikelihood = y.mul(clippedLog(sd, p)).add(oneMinusY.mul(clippedLog(sd, notP)));
            SDVariable oneMinusPt = y.mul(p.rsub(1.0)).add(oneMinusY.mul(notP.rsub(1.0)));
            SDVariable gamma = y.mul(gammaPositive).add(oneMinusY.mul(gammaNegative));
            return logLikelihood.mul(sd.math().pow(oneMinusPt, gamma)).mean(true, 1).neg();
        }
    }

    /** ListNet's top-one loss {@code -sum_k (y_k / sum y) log softmax(z)_k}; input a = z. */
    static final class ListwiseSoftmax extends SameDiffLoss {
        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable z, SDVariable y) {
            return y.div(y.sum(true, 1)).mul(sd.nn().logSoftmax(z)).sum(true, 1).neg();
        }
    }

    /** Keras' log-cosh {@code r + softplus(-2 r) - log 2}, mean over columns. */
    static final class LogCosh extends SameDiffLoss {
        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable a, SDVariable y) {
            SDVariable r = a.sub(y);
            return r.add(sd.nn().softplus(r.mul(-2.0))).sub(Math.log(2)).mean(true, 1);
        }
    }

    /** Poisson NLL from log-rates, {@code exp(a) - y a}, mean over columns. */
    static final class PoissonNll extends SameDiffLoss {
        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable a, SDVariable y) {
            return sd.math().exp(a).sub(y.mul(a)).mean(true, 1);
        }
    }

    /** The pinball loss at the median, {@code max(0.5 r, -0.5 r)}, {@code r = y - a}, mean over columns. */
    static final class Median extends SameDiffLoss {
        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable a, SDVariable y) {
            SDVariable r = y.sub(a);
            return sd.math().max(r.mul(0.5), r.mul(-0.5)).mean(true, 1);
        }
    }

    /**
     * Gaussian NLL, {@code 0.5 (log v + (y - mu)^2 / v)}, {@code v = max(exp(h), 1e-6)}, mean over
     * targets; a = [mu, h], labels [y, anything] (a SameDiffLoss takes labels of the output's width:
     * see {@link WidenedLabels}).
     */
    static final class GaussianNll extends SameDiffLoss {
        @Override
        public SDVariable defineLoss(SameDiff sd, SDVariable a, SDVariable wide) {
            SDVariable y = sd.split(wide, 2, 1)[0];
            SDVariable[] halves = sd.split(a, 2, 1);
            SDVariable v = sd.math().clipByValue(sd.math().exp(halves[1]), 1e-6, Double.MAX_VALUE);
            SDVariable r = y.sub(halves[0]);
            return sd.math().log(v).add(r.mul(r).div(v)).mul(0.5).mean(true, 1);
        }
    }
}
