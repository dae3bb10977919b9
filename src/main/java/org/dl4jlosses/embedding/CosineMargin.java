package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.fail;

import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The row formula of the margin losses on cosines ({@link AdditiveAngularMarginLoss},
 * {@link AdditiveCosineMarginLoss}, {@link CombinedMarginLoss}): cross-entropy over the scaled
 * cosines of a row, the target's replaced by the combined margin
 *
 * <pre>
 *   phi(c) = cos(m1 theta + m2) - m3,   theta = acos(c)        while m1 theta + m2 &lt;= pi
 *          = c - m2 sin(pi - m2) - m3                            past it (insightface's fallback)
 *   loss   = logsumexp(s c_j, j != t; s phi(c_t)) - s phi(c_t)
 *   dL/dc_j = s (p_j - [j = t] dphi/dc),   dphi/dc = m1 sin(m1 theta + m2) / sin theta, or 1
 * </pre>
 *
 * With {@code easyMargin} the angular part applies only where {@code c > 0} ({@code phi = c - m3}
 * elsewhere). For {@code m1 = 1}, {@code cos(theta + m2)} is {@code c cos m2 - sin theta sin m2},
 * without an {@code acos}. Where {@code sin theta} vanishes ({@code c = +-1}) the exact slope is
 * unbounded; it is floored at {@link #SIN_FLOOR} in the derivative, so score and gradient stay finite.
 */
final class CosineMargin implements RowFormula {
    /** sin theta is floored at this in the derivative dphi/dc, which is unbounded at c = +-1. */
    static final double SIN_FLOOR = 1e-6;

    private final String loss;
    private final double scale;
    private final double m1;
    private final double m2;
    private final double m3;
    private final double cosM2;
    private final double sinM2;
    /** phi takes the angular margin for cosines above this. */
    private final double threshold;
    private final double fallbackShift;
    /** Cosines may pass +-1 by this much (rounding), and are then clamped. */
    private final double tolerance;

    CosineMargin(String loss, double scale, double m1, double m2, double m3, boolean easyMargin, LaneMath<?> n) {
        this.loss = loss;
        this.scale = scale;
        this.m1 = m1;
        this.m2 = m2;
        this.m3 = m3;
        this.cosM2 = Math.cos(m2);
        this.sinM2 = Math.sin(m2);
        // m1 theta + m2 <= pi where theta <= (pi - m2) / m1, i.e. c >= cos((pi - m2) / m1) (every c when that passes pi).
        double limit = (Math.PI - m2) / m1;
        this.threshold = easyMargin ? 0 : limit >= Math.PI ? Double.NEGATIVE_INFINITY : Math.cos(limit);
        this.fallbackShift = (easyMargin ? 0 : Math.sin(Math.PI - m2) * m2) + m3;
        this.tolerance = n.dataType() == DataType.FLOAT ? 1e-5 : 1e-12;
    }

    @Override
    public boolean denseLabels() {
        return false;
    }

    @Override
    public void admit(LaneMath<?> n, Object c, int k, int r) {
        if (inRange(n, c, k)) {
            return;
        }
        for (int j = 0; j < k; j++) {
            double v = n.get(c, j);
            if (!(Math.abs(v) <= 1 + tolerance)) {
                throw fail(loss, "cosines (the activation's output)", "finite and in [-1, 1] (tolerance " + tolerance
                        + "; use CosineOutputLayer, or a bounded activation such as tanh)", v + " at row " + r + ", column " + j);
            }
            n.set(c, j, Math.max(-1, Math.min(1, v)));
        }
    }

    /** Whether every |c_j| of the row is at most 1 (false for NaN). */
    private static <V> boolean inRange(LaneMath<V> n, Object c, int k) {
        n.begin(k);
        V one = n.of(1);
        V zero = n.of(0);
        V excess = zero;
        int width = n.width(k);
        for (int i = 0; i < k; i += width) {
            V e = n.max(n.sub(n.abs(n.loadRow(c, i)), one), zero);
            // The last vector reaches into the rows' padding: its lanes there are left out of the sum.
            excess = i + width <= k ? n.add(excess, e) : n.addLanes(excess, e, i, k);
        }
        return n.sum(excess, k) == 0;
    }

    @Override
    public <V> double row(LaneMath<V> n, Object cosines, Object y, int t, Object gradient, Object scratch, int k,
                          double rowScale, boolean wantLoss) {
        n.begin(k);
        Object logits = gradient != null ? gradient : scratch;
        V s = n.of(scale);
        for (int i = 0; i < k; i += n.width(k)) {
            n.storeRow(n.mul(n.loadRow(cosines, i), s), logits, i);
        }
        double c = n.get(cosines, t);
        double sine = Math.sqrt(Math.max(1 - c * c, 0));
        boolean onMargin = c > threshold;
        double phi;
        double slope;
        if (!onMargin) {
            phi = c - fallbackShift;
            slope = 1;
        } else if (m1 == 1) {
            phi = c * cosM2 - sine * sinM2 - m3;
            slope = cosM2 + sinM2 * c / Math.max(sine, SIN_FLOOR);
        } else {
            double angle = m1 * Math.acos(c) + m2;
            phi = Math.cos(angle) - m3;
            slope = m1 * Math.sin(angle) / Math.max(sine, SIN_FLOOR);
        }
        double targetLogit = scale * phi;
        n.set(logits, t, targetLogit);
        double max = n.max(logits, 0, k);
        double expSum = n.expSum(logits, 0, k, max, logits);
        if (gradient != null) {
            double pt = n.get(logits, t) / expSum;
            n.scale(logits, 0, k, rowScale * scale / expSum);
            n.set(logits, t, rowScale * scale * (pt - 1) * slope);
        }
        return rowScale * (max + Math.log(expSum) - targetLogit);
    }
}
