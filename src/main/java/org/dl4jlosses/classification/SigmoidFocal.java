package org.dl4jlosses.classification;

import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sigmoid focal family per element, from the logits. With {@code y' = y (1 - e) + e / 2},
 * {@code p = sigmoid(z)}, {@code q = 1 - p_t = y' sigmoid(-z) + (1 - y') p} and
 * {@code ce = softplus(z) - y' z} (binary cross-entropy with logits):
 *
 * <pre>
 *   loss = alpha_t q^gamma ce + eps q^(gamma + 1),   alpha_t = alpha y' + (1 - alpha)(1 - y')  (1 if alpha &lt; 0)
 *   dL/dz = alpha_t [gamma q^(gamma-1) q' ce + q^gamma (p - y')] + eps (gamma+1) q^gamma q',   q' = (1 - 2y') p (1 - p)
 * </pre>
 *
 * Focal loss is {@code eps = e = 0}; Poly-1 the general case. {@code q} uses sigmoid(-z) rather
 * than {@code 1 - p}, so it stays exact where p rounds to 1.
 */
final class SigmoidFocal {
    private SigmoidFocal() {
    }

    static Terms evaluate(Batch batch, boolean score, boolean gradient, double smoothing, double gamma,
                          double alpha, double epsilon) {
        INDArray z = batch.z();
        INDArray y = Ops.smooth(batch.labels(), smoothing, 2);
        INDArray p = Ops.sigmoid(z);
        INDArray pNeg = Ops.sigmoidOfNegative(z);
        INDArray q = y.rsub(1).muli(p).addi(y.mul(pNeg));
        INDArray ce = Ops.softplus(z).subi(y.mul(z));
        INDArray alphaT = alpha >= 0 ? y.mul(2 * alpha - 1).addi(1 - alpha) : null;
        INDArray qg = Ops.pow(q, gamma);

        INDArray loss = null;
        if (score) {
            loss = qg.mul(ce);
            if (alphaT != null) {
                loss.muli(alphaT);
            }
            if (epsilon != 0) {
                loss.addi(Ops.pow(q, gamma + 1).muli(epsilon));
            }
        }
        INDArray grad = null;
        if (gradient) {
            INDArray dq = y.mul(-2).addi(1).muli(p).muli(pNeg);
            grad = p.sub(y).muli(qg);
            if (gamma > 0) {
                grad.addi(Ops.pow(q, gamma - 1).muli(dq).muli(ce).muli(gamma));
            }
            if (alphaT != null) {
                grad.muli(alphaT);
            }
            if (epsilon != 0) {
                grad.addi(qg.mul(dq).muli(epsilon * (gamma + 1)));
            }
        }
        return Terms.perElementFused(loss, grad);
    }
}
