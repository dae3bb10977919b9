package org.dl4jlosses.classification;

import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.RowFormula;

/**
 * The softmax family's row formula ({@link CrossEntropyLoss}, and {@link FocalLoss} and
 * {@link PolyLoss} with a softmax activation), from the logits: log-softmax, never the log of a
 * clipped probability. With smoothed labels {@code y' = (1 - e) y + e / C}, masses
 * {@code m_c = w_c y'_c}, {@code log p = z - logsumexp(z)} and {@code u_c = 1 - p_c}:
 *
 * <pre>
 *   loss = -sum_c m_c u_c^gamma log p_c  +  rho eps (1 - p_t)^(gamma + 1)
 *   p_t = sum_c y'_c p_c,   rho = sum_c w_c y_c (1 without weights)
 *   dL/dz_j = p_j sum_c o_c - o_j,   o_c = g_c - k p_c y'_c,   k = -rho eps (gamma + 1) (1 - p_t)^gamma
 *   g_c = m_c [u_c^gamma - gamma u_c^(gamma - 1) p_c log p_c]   (m_c for gamma 0)
 * </pre>
 *
 * Cross-entropy is {@code gamma = eps = 0}, focal loss {@code eps = 0}, Poly-1 the general case
 * (Lin et al. 2017, "Focal Loss for Dense Object Detection"; Leng et al. 2022, "PolyLoss").
 * {@code u} is {@code -expm1(log p)}, exact where {@code p} rounds to 1. A row whose labels are one
 * class (an index, or a one-hot row) without smoothing has one non-zero term, so only that term
 * is computed. Every logit is used as {@code z - max(z)}, so logits of any magnitude are exact.
 */
final class SoftmaxFamily implements RowFormula.OnSoftmaxLogits {
    private final double[] weights;
    /** The weights as a row of the lanes' precision, or null. */
    private final Object weightRow;
    private final double smoothing;
    private final double gamma;
    private final double epsilon;

    SoftmaxFamily(double[] weights, double smoothing, double gamma, double epsilon, LaneMath<?> n) {
        this.weights = weights;
        this.smoothing = smoothing;
        this.gamma = gamma;
        this.epsilon = epsilon;
        weightRow = weights == null ? null : rowOf(n, weights);
    }

    /** {@code values} as a row of the lanes' precision. */
    static Object rowOf(LaneMath<?> n, double[] values) {
        Object row = n.row(values.length);
        for (int c = 0; c < values.length; c++) {
            n.set(row, c, values[c]);
        }
        return row;
    }

    @Override
    public boolean denseLabels() {
        return smoothing != 0;
    }

    @Override
    public <V> double row(LaneMath<V> n, Object z, Object y, int target, Object gradient, Object scratch, int k,
                          double scale, boolean wantLoss) {
        n.begin(k);
        boolean single = target >= 0 && smoothing == 0;
        // exp(z - max) goes to the gradient row (becoming the gradient), or to scratch where the terms need it.
        Object exps = gradient != null ? gradient : single ? null : scratch;
        double max = n.max(z, 0, k);
        double expSum = n.expSum(z, 0, k, max, exps);
        // log p = (z - max) - log(expSum), each part small: no digits lost to logits far from zero.
        double logExpSum = Math.log(expSum);
        double lse = max + logExpSum;

        double targetLogp = single ? n.get(z, target) - lse : 0;
        double oneMinusPt = 1;
        double rho = single && weights != null ? weights[target] : 1;
        // Only Poly-1 needs 1 - p_t, taken in the lanes: Math.expm1 is no intrinsic, and slow.
        if (single && epsilon != 0) {
            oneMinusPt = targetOneMinusP(n, targetLogp);
        } else if (!single && epsilon != 0) {
            double pt = (1 - smoothing) * n.dot(y, 0, exps, 0, k) / expSum + smoothing / k;
            oneMinusPt = Math.max(1 - pt, 0);
            rho = weights == null ? 1 : n.dot(y, 0, weightRow, 0, k);
        }
        double poly = epsilon == 0 ? 0 : epsilon * rho * Math.pow(oneMinusPt, gamma + 1);
        double coefficient = epsilon == 0 ? 0 : -epsilon * (gamma + 1) * Math.pow(oneMinusPt, gamma) * rho;

        if (single) {
            double loss = wantLoss ? scale * (targetTerm(n, targetLogp, rho) + poly) : 0;
            if (gradient != null) {
                // o_t = g_t - k p_t, and dL/dz_j = o_t (p_j - [j = t]).
                double o = targetWeight(n, targetLogp, rho) - coefficient * Math.exp(targetLogp);
                n.scale(gradient, 0, k, scale * o / expSum);
                n.set(gradient, target, n.get(gradient, target) - scale * o);
            }
            return loss;
        }
        n.begin(k);
        double uniform = smoothing / k;
        double loss = wantLoss ? scale * (terms(n, z, y, k, max, logExpSum, uniform) + poly) : 0;
        if (gradient != null) {
            double oSum = gradientTerms(n, z, y, gradient, scratch, k, max, logExpSum, expSum, uniform,
                    coefficient);
            combine(n, gradient, scratch, k, scale * oSum / expSum, scale);
        }
        return loss;
    }

    // The single class's term and weight are methods of their own, small enough for C2 to inline or
    // compile with their vectors inside them: in the long row method, vector operations were left as calls.

    /** {@code 1 - p = -expm1(log p)} of one class. */
    private static <V> double targetOneMinusP(LaneMath<V> n, double logp) {
        n.begin(1);
        return -n.first(n.expm1(n.of(logp)));
    }

    /** {@link #term} of one class. */
    private <V> double targetTerm(LaneMath<V> n, double logp, double m) {
        n.begin(1);
        return n.first(term(n, n.of(logp), n.of(m)));
    }

    /** {@link #classWeight} of one class. */
    private <V> double targetWeight(LaneMath<V> n, double logp, double m) {
        n.begin(1);
        return n.first(classWeight(n, n.of(logp), n.of(Math.exp(logp)), n.of(m)));
    }

    /** The loss term {@code -m u^gamma log p} of classes with log-probabilities {@code logp} and masses {@code m}. */
    private <V> V term(LaneMath<V> n, V logp, V m) {
        V t = n.mul(m, logp);
        return n.neg(gamma == 0 ? t : n.mul(t, n.exp(n.mul(n.of(gamma), n.log(n.neg(n.expm1(logp)))))));
    }

    /** {@code g = m [u^gamma - gamma u^(gamma - 1) p log p]}. */
    private <V> V classWeight(LaneMath<V> n, V logp, V p, V m) {
        if (gamma == 0) {
            return m;
        }
        V u = n.neg(n.expm1(logp));
        V ug = n.exp(n.mul(n.of(gamma), n.log(u)));
        // u^(gamma - 1) log p as u^gamma (log p / u): the ratio tends to -1 as u goes to 0, where u^gamma is 0.
        V ratio = n.keep(n.div(logp, u), u);
        return n.mul(m, n.sub(ug, n.mul(n.mul(n.of(gamma), ug), n.mul(ratio, p))));
    }

    /** The masses {@code m = w y'} of the classes from element i. */
    private <V> V mass(LaneMath<V> n, V labels, V keep, V uniform, int i) {
        V mixed = n.fma(labels, keep, uniform);
        // A choice between vectors on an option: each loss class has its own copy of this class, which in
        // practice sees one setting, and C2 drops a branch never taken.
        return weightRow == null ? mixed : n.mul(mixed, n.loadRow(weightRow, i));
    }

    /** {@code sum_c -m_c u_c^gamma log p_c} over a dense row. */
    private <V> double terms(LaneMath<V> n, Object z, Object y, int k, double max, double logExpSum, double uniform) {
        V shift = n.of(max);
        V logS = n.of(logExpSum);
        V keep = n.of(1 - smoothing);
        V u = n.of(uniform);
        V acc = n.of(0);
        int width = n.width(k);
        int whole = k / width * width;
        for (int i = 0; i < whole; i += width) {
            acc = n.add(acc, term(n, n.sub(n.sub(n.loadRow(z, i), shift), logS), mass(n, n.loadRow(y, i), keep, u, i)));
        }
        if (whole < k) {
            // The last vector reaches into the rows' padding: its lanes there are left out of the sum.
            V t = term(n, n.sub(n.sub(n.loadRow(z, whole), shift), logS), mass(n, n.loadRow(y, whole), keep, u, whole));
            acc = n.addLanes(acc, t, whole, k);
        }
        return n.sum(acc, k);
    }

    /** Writes {@code o_c = g_c - k p_c y'_c} of a dense row to {@code out}; returns {@code sum_c o_c}. */
    private <V> double gradientTerms(LaneMath<V> n, Object z, Object y, Object exps, Object out, int k, double max,
                                     double logExpSum, double expSum, double uniform, double coefficient) {
        V shift = n.of(max);
        V logS = n.of(logExpSum);
        V invS = n.of(1 / expSum);
        V keep = n.of(1 - smoothing);
        V u = n.of(uniform);
        V c = n.of(-coefficient);
        V acc = n.of(0);
        int width = n.width(k);
        int whole = k / width * width;
        for (int i = 0; i < whole; i += width) {
            V o = classTerm(n, z, y, exps, i, shift, logS, invS, keep, u, c);
            n.storeRow(o, out, i);
            acc = n.add(acc, o);
        }
        if (whole < k) {
            V o = classTerm(n, z, y, exps, whole, shift, logS, invS, keep, u, c);
            n.storeRow(o, out, whole);
            acc = n.addLanes(acc, o, whole, k);
        }
        return n.sum(acc, k);
    }

    /** {@code o_c} of the classes from element i. */
    private <V> V classTerm(LaneMath<V> n, Object z, Object y, Object exps, int i, V shift, V logS, V invS, V keep, V u,
                           V c) {
        V labels = n.loadRow(y, i);
        V p = n.mul(n.loadRow(exps, i), invS);
        V weight = classWeight(n, n.sub(n.sub(n.loadRow(z, i), shift), logS), p, mass(n, labels, keep, u, i));
        return n.fma(n.mul(c, p), n.fma(labels, keep, u), weight);
    }

    /** {@code gradient_j = factor e_j - scale o_j}, with {@code e} in the gradient row and {@code o} in {@code out}. */
    private static <V> void combine(LaneMath<V> n, Object gradient, Object out, int k, double factor, double scale) {
        V f = n.of(factor);
        V s = n.of(-scale);
        // Whole vectors over the padding too: the padding is the rows' own.
        for (int i = 0; i < k; i += n.width(k)) {
            n.storeRow(n.fma(n.loadRow(out, i), s, n.mul(n.loadRow(gradient, i), f)), gradient, i);
        }
    }
}
