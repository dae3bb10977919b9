package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;

/**
 * The formula of {@link CoSentLoss} and {@link AnglELoss} over the kept pairs of a BLOCKS batch
 * (left rows {@code 0..N-1}, right rows {@code N..2N-1}, score y_i of pair i):
 * {@code L = log(1 + sum_{(i, j): y_i > y_j} exp(x_j - x_i))}, {@code x_i = scale sim_i}, one value
 * for the whole batch, put on each of its 2N rows (the rows' losses sum to 2N L, the spec's
 * "E x reference value").
 *
 * <p>Similarities come from the rows normalised as {@code F.normalize} does,
 * {@code u = r / max(|r|, 1e-12)} ({@link LaneMath#unitRows}). The cosine is {@code u_i . v_i}. The
 * angle similarity splits each unit row in halves, {@code u = [a, b]}, {@code v = [c, d]} (the real
 * and imaginary parts of D/2 complex numbers), and is {@code |a.c + b.d + b.c - a.d|}: the absolute
 * value of the sum of the real and imaginary parts of {@code (a + ib) conj(c + id)}, elementwise, as
 * sentence-transformers' {@code pairwise_angle_sim} computes it on the raw rows (divided by
 * {@code |y|^2}, then by {@code |x| / |y|}).
 *
 * <p>The sum over ordered pairs is taken in O(N log N) without an N x N array: with the pairs
 * sorted by score, {@code T_i = logsumexp_{j: y_j < y_i} x_j - x_i} (the log of pair i's share,
 * as the higher-scored pair) comes from a running log-sum-exp over the lower groups of ties, and
 * {@code L = logsumexp(0, T_1, ..., T_N)}. Every exponential is of a difference no larger than the
 * running maximum, so any scale stays finite.
 *
 * <p>Gradient: {@code dL/dx_k = exp(x_k + logsumexp_{i: y_i > y_k} (-x_i) - L) - exp(T_k - L)}
 * (the weight of the pairs where k is the lower one minus those where it is the higher one; the
 * first sum from a running log-sum-exp in descending order), {@code dx/dsim = scale}; the cosine's
 * {@code d/du_i = v_i}, {@code d/dv_i = u_i}; the angle's, with {@code s = sign(t)},
 * {@code d/da = s (c - d)}, {@code d/db = s (c + d)}, {@code d/dc = s (a + b)},
 * {@code d/dd = s (b - a)} (0 at {@code t = 0}, as {@code abs}'s autograd); then back through the
 * normalisation ({@link LaneMath#unitRowsBackward}).
 */
final class PairScoreRanking implements CoupledFormula {
    private static final int UNITS = 0;

    private final double scale;
    private final boolean angle;

    PairScoreRanking(double scale, boolean angle, LaneMath<?> n) {
        this.scale = scale;
        this.angle = angle;
    }

    @Override
    public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
        int pairs = rows.tuples();
        int count = rows.count();
        int d = rows.columns();
        int h = d / 2;
        double[] norms = new double[count];
        Object u = KeptRows.scratch(n, UNITS, count * d);
        n.unitRows(rows.rows(), 0, u, 0, count, d, norms);
        double[] x = new double[pairs];
        double[] sign = angle ? new double[pairs] : null;
        for (int k = 0; k < pairs; k++) {
            int left = k * d;
            int right = (pairs + k) * d;
            if (angle) {
                double t = n.dot(u, left, u, right, h) + n.dot(u, left + h, u, right + h, h)
                        + n.dot(u, left + h, u, right, h) - n.dot(u, left, u, right + h, h);
                sign[k] = Math.signum(t);
                x[k] = scale * Math.abs(t);
            } else {
                x[k] = scale * n.dot(u, left, u, right, d);
            }
        }

        double[] y = rows.unitValues();
        int[] order = order(y, pairs);
        // T_i = logsumexp_{j: y_j < y_i} x_j - x_i, group of ties by group in ascending order.
        double[] higher = new double[pairs];
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int g = 0; g < pairs;) {
            int end = tiesEnd(y, order, g);
            double lower = sum == 0 ? Double.NEGATIVE_INFINITY : max + Math.log(sum);
            for (int k = g; k < end; k++) {
                higher[order[k]] = lower - x[order[k]];
            }
            for (int k = g; k < end; k++) {
                double v = x[order[k]];
                if (v > max) {
                    sum = sum * Math.exp(max - v) + 1;
                    max = v;
                } else {
                    sum += Math.exp(v - max);
                }
            }
            g = end;
        }
        double top = 0;
        for (double t : higher) {
            top = Math.max(top, t);
        }
        double total = Math.exp(-top);
        for (double t : higher) {
            total += Math.exp(t - top);
        }
        double loss = top + Math.log(total);
        if (losses != null) {
            java.util.Arrays.fill(losses, 0, count, loss);
        }
        if (gradient == null) {
            return;
        }

        // dL/dx_k, times count (the rows' sum is count L) and scale (dx/dsim), descending by score.
        double[] slope = new double[pairs];
        max = Double.NEGATIVE_INFINITY;
        sum = 0;
        for (int g = pairs; g > 0;) {
            int start = tiesStart(y, order, g);
            double upper = sum == 0 ? Double.NEGATIVE_INFINITY : max + Math.log(sum);
            for (int k = start; k < g; k++) {
                int i = order[k];
                slope[i] = count * scale * (Math.exp(x[i] + upper - loss) - Math.exp(higher[i] - loss));
            }
            for (int k = start; k < g; k++) {
                double v = -x[order[k]];
                if (v > max) {
                    sum = sum * Math.exp(max - v) + 1;
                    max = v;
                } else {
                    sum += Math.exp(v - max);
                }
            }
            g = start;
        }

        n.linear(gradient, 0, count * d, 0, 0);
        for (int k = 0; k < pairs; k++) {
            int left = k * d;
            int right = (pairs + k) * d;
            if (angle) {
                double c = slope[k] * sign[k];
                if (c == 0) {
                    continue;
                }
                // left: [c - d, c + d] of the right row's halves; right: [a + b, b - a] of the left's
                n.axpyDifference(c, u, right, u, right + h, 0, gradient, left, h);
                n.axpy(c, u, right, gradient, left + h, h);
                n.axpy(c, u, right + h, gradient, left + h, h);
                n.axpy(c, u, left, gradient, right, h);
                n.axpy(c, u, left + h, gradient, right, h);
                n.axpyDifference(c, u, left + h, u, left, 0, gradient, right + h, h);
            } else {
                n.axpy(slope[k], u, right, gradient, left, d);
                n.axpy(slope[k], u, left, gradient, right, d);
            }
        }
        n.unitRowsBackward(u, gradient, 0, count, d, norms);
    }

    /** The end (exclusive) of the group of equal scores that starts at position {@code start} of {@code order}. */
    private static int tiesEnd(double[] y, int[] order, int start) {
        int end = start + 1;
        while (end < order.length && y[order[end]] == y[order[start]]) {
            end++;
        }
        return end;
    }

    /** The start of the group of equal scores that ends (exclusive) at position {@code end} of {@code order}. */
    private static int tiesStart(double[] y, int[] order, int end) {
        int start = end - 1;
        while (start > 0 && y[order[start - 1]] == y[order[end - 1]]) {
            start--;
        }
        return start;
    }

    /** The indices {@code 0..n-1} by ascending key (a bottom-up merge sort; -0.0 and 0.0 are equal). */
    static int[] order(double[] key, int n) {
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    b[k++] = key[a[j]] < key[a[i]] ? a[j++] : a[i++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }
}
