package org.dl4jlosses.classification;

import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.LaneMath;

/**
 * The sigmoid focal family per element, from the logits ({@link FocalLoss} and {@link PolyLoss}
 * with a sigmoid activation). With {@code y' = y (1 - e) + e / 2}, {@code p = sigmoid(z)},
 * {@code q = 1 - p_t = y' sigmoid(-z) + (1 - y') p} and {@code ce = softplus(z) - y' z} (binary
 * cross-entropy with logits):
 *
 * <pre>
 *   loss  = q^gamma (alpha_t ce + eps q),   alpha_t = alpha y' + (1 - alpha)(1 - y')  (1 if alpha &lt; 0)
 *   dL/dz = q^gamma [alpha_t (gamma (q' / q) ce + p - y') + eps (gamma + 1) q'],   q' = (1 - 2y') p (1 - p)
 * </pre>
 *
 * Focal loss is {@code eps = e = 0}; Poly-1 the general case. {@code q} takes sigmoid(-z) rather
 * than {@code 1 - p}, so it stays exact where p rounds to 1; {@code |q' / q| <= 1}, and where
 * {@code q} is 0 the focal term is 0 (its limit, taken as {@code q' / max(q, smallest positive)}),
 * so no power of {@code q} below 0 is taken.
 * {@code p}, {@code 1 - p} and the softplus share one {@code exp(-|z|)}: C2 stops inlining a
 * formula's operations past a node budget, so a term and its derivative must stay small.
 */
final class SigmoidFocal implements ElementFormula.OnSigmoidLogits {
    private final double smoothing;
    private final double gamma;
    /** alpha_t = alphaSlope y' + alphaBase. */
    private final double alphaSlope;
    private final double alphaBase;
    private final double epsilon;

    SigmoidFocal(double smoothing, double gamma, double alpha, double epsilon) {
        this.smoothing = smoothing;
        this.gamma = gamma;
        this.alphaSlope = alpha < 0 ? 0 : 2 * alpha - 1;
        this.alphaBase = alpha < 0 ? 1 : 1 - alpha;
        this.epsilon = epsilon;
    }

    @Override
    public <V> V loss(LaneMath<V> n, V z, V y, V unused) {
        V ys = n.fma(y, n.of(1 - smoothing), n.of(smoothing / 2));
        V one = n.of(1);
        V t = n.exp(n.neg(n.abs(z)));
        V r = n.div(one, n.add(t, one));
        V tr = n.mul(t, r);
        V p = n.whereNonNegative(z, r, tr);
        V q = n.fma(ys, n.sub(n.whereNonNegative(z, tr, r), p), p);
        V ce = n.sub(n.add(n.max(z, n.of(0)), n.log1p(t)), n.mul(ys, z));
        V alphaT = n.fma(ys, n.of(alphaSlope), n.of(alphaBase));
        return n.mul(n.pow(q, gamma), n.fma(alphaT, ce, n.mul(q, n.of(epsilon))));
    }

    @Override
    public <V> V gradient(LaneMath<V> n, V z, V y, V unused) {
        V ys = n.fma(y, n.of(1 - smoothing), n.of(smoothing / 2));
        V one = n.of(1);
        V t = n.exp(n.neg(n.abs(z)));
        V r = n.div(one, n.add(t, one));
        V tr = n.mul(t, r);
        V p = n.whereNonNegative(z, r, tr);
        V pNot = n.whereNonNegative(z, tr, r);
        V q = n.fma(ys, n.sub(pNot, p), p);
        V ce = n.sub(n.add(n.max(z, n.of(0)), n.log1p(t)), n.mul(ys, z));
        V dq = n.mul(n.fma(ys, n.of(-2), one), n.mul(p, pNot));
        V alphaT = n.fma(ys, n.of(alphaSlope), n.of(alphaBase));
        // q is below the smallest positive value only where it is 0, and dq with it: the ratio is then 0.
        V focal = n.fma(n.mul(n.div(dq, n.max(q, n.of(n.minPositive()))), n.of(gamma)), ce, n.sub(p, ys));
        return n.mul(n.pow(q, gamma), n.fma(alphaT, focal, n.mul(dq, n.of(epsilon * (gamma + 1)))));
    }

    @Override
    public <V> V labelCheck(LaneMath<V> n, V y) {
        return n.nanOutsideUnit(y);
    }
}
