package org.dl4jlosses.classification;

import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The softmax family in one formula, from the logits (log-softmax, never log of a clipped
 * probability). With {@code y' = (1 - e) y + e / C}, {@code p = softmax(z)}:
 *
 * <pre>
 *   loss_row = -sum_c w_c y'_c (1 - p_c)^gamma log p_c  +  rho eps (1 - p_t)^(gamma + 1),
 *   p_t = sum_c y'_c p_c,   rho = sum_c w_c y_c (1 without weights)
 * </pre>
 *
 * Cross-entropy is {@code gamma = eps = 0}, focal loss {@code eps = 0}, Poly-1 the general case.
 * Gradient, with {@code g_c = w_c y'_c [(1-p_c)^gamma - gamma (1-p_c)^(gamma-1) p_c log p_c]}:
 * {@code dL/dz_j = p_j sum_c g_c - g_j - rho eps (gamma+1) (1-p_t)^gamma p_j (y'_j - p_t)}.
 * {@code 1 - p_c} is taken as {@code -expm1(log p_c)}, exact even where p_c rounds to 1.
 */
final class SoftmaxFocal {
    private SoftmaxFocal() {
    }

    static Terms evaluate(Batch batch, boolean score, boolean gradient, double[] weights, double smoothing,
                          double gamma, double epsilon) {
        INDArray z = batch.z();
        INDArray y = batch.labels();
        INDArray target = Ops.smooth(y, smoothing, batch.columns());
        INDArray w = weights == null ? null : batch.row("weights", weights);
        INDArray mass = w == null ? target : target.mulRowVector(w);
        boolean focal = gamma > 0;

        // Cross-entropy's score needs only log-sum-exp: -sum_c m_c log p_c = lse sum_c m_c - sum_c m_c z_c.
        INDArray logp = focal ? Ops.logSoftmax(z) : null;
        INDArray p = gradient || focal || epsilon != 0 ? (logp == null ? Ops.softmax(z) : Transforms.exp(logp, true)) : null;

        INDArray loss = null;
        INDArray grad = null;
        if (!focal) {
            // Rows of the target mass sum to exactly 1 for class indices without weights.
            INDArray massPerRow = batch.indexLabels() && w == null ? null : Ops.rowSums(mass);
            if (score) {
                INDArray lse = Ops.logSumExp(z);
                loss = (massPerRow == null ? lse : lse.muli(massPerRow)).subi(Ops.rowSums(mass.mul(z)));
            }
            if (gradient) {
                grad = massPerRow == null ? p.sub(mass) : p.mulColumnVector(massPerRow).subi(mass);
            }
        } else {
            INDArray u = Transforms.expm1(logp, true).negi();
            INDArray ug = Ops.pow(u, gamma);
            if (score) {
                loss = Ops.rowSums(ug.mul(logp).muli(mass)).negi();
            }
            if (gradient) {
                INDArray g = Ops.pow(u, gamma - 1).muli(p).muli(logp).muli(-gamma).addi(ug).muli(mass);
                grad = p.mulColumnVector(Ops.rowSums(g)).subi(g);
            }
        }

        if (epsilon != 0) {
            INDArray oneMinusPt = Transforms.max(Ops.rowSums(target.mul(p)).rsubi(1), 0.0, false);
            INDArray rho = w == null ? null : Ops.rowSums(y.mulRowVector(w));
            if (score) {
                INDArray poly = Ops.pow(oneMinusPt, gamma + 1).muli(epsilon);
                loss.addi(rho == null ? poly : poly.muli(rho));
            }
            if (gradient) {
                INDArray coefficient = Ops.pow(oneMinusPt, gamma).muli(-epsilon * (gamma + 1));
                if (rho != null) {
                    coefficient.muli(rho);
                }
                INDArray pt = oneMinusPt.rsub(1);
                grad.addi(target.subColumnVector(pt).muli(p).muliColumnVector(coefficient));
            }
        }
        return Terms.perRowFused(loss, grad);
    }
}
