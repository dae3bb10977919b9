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
 *
 * <p>Short rows go class-major ({@link #block}), each lane a row: the same terms, with
 * {@code 1 - p_t} as {@code sum_c y'_c u_c + (1 - sum_c y'_c)}, exact for a one-hot row as the
 * single class's {@code u_t} is; a class without mass adds nothing, even where its log p
 * overflows to -infinity.
 */
final class SoftmaxFamily implements RowFormula.OnSoftmaxLogits, RowFormula.ClassMajor {
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

    // Each pass over a block's classes is a method of its own, small enough for C2 to compile with its
    // vectors inside: in one long method they were left as calls and allocated every vector.
    @Override
    public <V> void block(LaneMath<V> n, Object z, Object y, Object gradient, Object scratch, Object scale, Object losses,
                          int rows, int stride, int k) {
        n.begin(rows);
        int width = n.width(rows);
        // exp(z - max) goes to the gradient (becoming it) or, for the loss alone, to scratch.
        Object exps = gradient != null ? gradient : scratch;
        for (int j = 0; j < rows; j += width) {
            V max = blockMax(n, z, j, stride, k);
            V expSum = blockExps(n, z, exps, max, j, stride, k);
            V logExpSum = n.log(expSum);
            V oneMinusPt = epsilon == 0 ? null : blockOneMinusPt(n, z, y, max, logExpSum, j, stride, k);
            V loss = blockTerms(n, z, y, max, logExpSum, j, stride, k);
            V coefficient = n.of(0);
            if (epsilon != 0) {
                V rho = weights == null ? n.of(1) : blockRho(n, y, j, stride, k);
                loss = n.add(loss, n.mul(n.mul(n.of(epsilon), rho), n.pow(oneMinusPt, gamma + 1)));
                coefficient = n.mul(n.mul(n.of(-epsilon * (gamma + 1)), rho), n.pow(oneMinusPt, gamma));
            }
            V rowScale = n.loadRow(scale, j);
            n.storeRow(n.mul(loss, rowScale), losses, j);
            if (gradient != null) {
                V inverseSum = n.div(n.of(1), expSum);
                V oSum = blockGradientTerms(n, z, y, gradient, scratch, max, logExpSum, inverseSum, n.neg(coefficient),
                        j, stride, k);
                // dL/dz_c = scale (p_c sum o - o_c)
                blockCombine(n, gradient, scratch, n.mul(n.mul(rowScale, oSum), inverseSum), n.neg(rowScale), j, stride, k);
            }
        }
    }

    /** {@code max_c z_c} of the block's rows from lane j. */
    private static <V> V blockMax(LaneMath<V> n, Object z, int j, int stride, int k) {
        V max = n.loadRow(z, j);
        for (int c = 1; c < k; c++) {
            max = n.max(max, n.loadRow(z, c * stride + j));
        }
        return max;
    }

    /** Writes {@code e_c = exp(z_c - max)} to {@code exps}; returns {@code sum_c e_c}. */
    private static <V> V blockExps(LaneMath<V> n, Object z, Object exps, V max, int j, int stride, int k) {
        V sum = n.of(0);
        for (int c = 0; c < k; c++) {
            V e = n.exp(n.sub(n.loadRow(z, c * stride + j), max));
            n.storeRow(e, exps, c * stride + j);
            sum = n.add(sum, e);
        }
        return sum;
    }

    /** {@code 1 - p_t = sum_c y'_c u_c + (1 - sum_c y'_c)}, at least 0. */
    private <V> V blockOneMinusPt(LaneMath<V> n, Object z, Object y, V max, V logExpSum, int j, int stride, int k) {
        V keep = n.of(1 - smoothing);
        V uniform = n.of(smoothing / k);
        V acc = n.of(1);
        for (int c = 0; c < k; c++) {
            V mixed = n.fma(n.loadRow(y, c * stride + j), keep, uniform);
            V u = n.neg(n.expm1(n.sub(n.sub(n.loadRow(z, c * stride + j), max), logExpSum)));
            acc = n.add(acc, n.sub(n.mul(mixed, u), mixed));
        }
        return n.max(acc, n.of(0));
    }

    /** {@code rho = sum_c w_c y_c}. */
    private <V> V blockRho(LaneMath<V> n, Object y, int j, int stride, int k) {
        V rho = n.of(0);
        for (int c = 0; c < k; c++) {
            rho = n.fma(n.loadRow(y, c * stride + j), n.of(weights[c]), rho);
        }
        return rho;
    }

    /** The masses {@code m = w y'} of class c. */
    private <V> V blockMass(LaneMath<V> n, V mixed, int c) {
        return weights == null ? mixed : n.mul(mixed, n.of(weights[c]));
    }

    /** {@code sum_c -m_c u_c^gamma log p_c}. */
    private <V> V blockTerms(LaneMath<V> n, Object z, Object y, V max, V logExpSum, int j, int stride, int k) {
        V keep = n.of(1 - smoothing);
        V uniform = n.of(smoothing / k);
        V loss = n.of(0);
        for (int c = 0; c < k; c++) {
            int at = c * stride + j;
            V logp = n.sub(n.sub(n.loadRow(z, at), max), logExpSum);
            V mass = blockMass(n, n.fma(n.loadRow(y, at), keep, uniform), c);
            loss = n.add(loss, n.keep(term(n, logp, mass), mass));
        }
        return loss;
    }

    /** Writes {@code o_c = g_c - k p_c y'_c} to {@code out}; returns {@code sum_c o_c}. */
    private <V> V blockGradientTerms(LaneMath<V> n, Object z, Object y, Object exps, Object out, V max, V logExpSum,
                                     V inverseSum, V minusCoefficient, int j, int stride, int k) {
        V keep = n.of(1 - smoothing);
        V uniform = n.of(smoothing / k);
        V sum = n.of(0);
        for (int c = 0; c < k; c++) {
            int at = c * stride + j;
            V logp = n.sub(n.sub(n.loadRow(z, at), max), logExpSum);
            V p = n.mul(n.loadRow(exps, at), inverseSum);
            V mixed = n.fma(n.loadRow(y, at), keep, uniform);
            V mass = blockMass(n, mixed, c);
            V o = n.fma(n.mul(minusCoefficient, p), mixed, n.keep(classWeight(n, logp, p, mass), mass));
            n.storeRow(o, out, at);
            sum = n.add(sum, o);
        }
        return sum;
    }

    /** {@code gradient_c = factor e_c - scale o_c}, with {@code e} in the gradient and {@code o} in {@code out}. */
    private static <V> void blockCombine(LaneMath<V> n, Object gradient, Object out, V factor, V minusScale, int j,
                                         int stride, int k) {
        for (int c = 0; c < k; c++) {
            int at = c * stride + j;
            n.storeRow(n.fma(n.loadRow(out, at), minusScale, n.mul(n.loadRow(gradient, at), factor)), gradient, at);
        }
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
