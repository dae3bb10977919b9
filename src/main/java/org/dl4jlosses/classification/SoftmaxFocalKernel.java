package org.dl4jlosses.classification;

import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.FloatRow;
import org.dl4jlosses.internal.Lanes;

/**
 * The softmax focal family ({@link FocalLoss} and {@link PolyLoss} with a softmax activation) as a
 * Java kernel: the row formula of {@link SoftmaxFocal}. With {@code y' = (1 - e) y + e / C},
 * {@code m_c = w_c y'_c}, {@code log p_c = z_c - logsumexp(z)}, {@code u_c = -expm1(log p_c)} and
 * {@code g_c = m_c [u_c^gamma - gamma u_c^(gamma-1) p_c log p_c]} (just {@code m_c} for gamma 0):
 *
 * <pre>
 *   loss = -sum_c m_c u_c^gamma log p_c + rho eps (1 - p_t)^(gamma+1)
 *   dL/dz_j = p_j (G - k p_t) - (g_j - k p_j y'_j),   G = sum_c g_c,   k = -rho eps (gamma+1) (1 - p_t)^gamma
 * </pre>
 *
 * so a row takes a pass for its maximum, one for {@code exp(z - max)} (kept as the softmax), one
 * for the terms (writing {@code g_j - k p_j y'_j}) and one to combine. A one-hot row (class index,
 * or a dense one-hot row) without smoothing has a single non-zero term, so only that class's term
 * is computed.
 */
final class SoftmaxFocalKernel implements FloatKernel {
    final float[] weights;
    final float smoothing;
    final float gamma;
    final float epsilon;

    SoftmaxFocalKernel(double[] weights, double smoothing, double gamma, double epsilon) {
        this.weights = Lanes.toFloat(weights);
        this.smoothing = (float) smoothing;
        this.gamma = (float) gamma;
        this.epsilon = (float) epsilon;
    }

    @Override
    public double loss(FloatRow row) {
        int k = row.columns;
        float[] z = row.z;
        // A dense one-hot row without smoothing is read as its class index (one term instead of K).
        int hot = row.labels == null || smoothing == 0 ? row.target : -1;
        float[] labels = hot >= 0 ? null : row.labels;
        float keep = 1 - smoothing;
        float uniform = smoothing / k;

        float[] exps = row.gradient != null ? row.gradient : row.scratch;
        float[] out = row.gradient != null ? row.scratch : null;
        float max = Lanes.max(z, 0, k);
        double expSum = Lanes.expSum(z, 0, k, max, exps, 0);
        float lse = (float) (max + Math.log(expSum));
        float invS = (float) (1 / expSum);

        double poly = 0;
        float coefficient = 0;
        float pt = 0;
        if (epsilon != 0) {
            double hit = labels == null ? exps[hot] : Lanes.dot(labels, 0, exps, 0, k);
            float oneMinusPt = Math.max(1 - (float) (keep * hit * invS + uniform), 0);
            pt = 1 - oneMinusPt;
            float rho = weights == null ? 1 : labels == null ? weights[hot] : (float) Lanes.dot(labels, 0, weights, 0, k);
            poly = (double) epsilon * rho * Lanes.pow(oneMinusPt, gamma + 1);
            coefficient = -epsilon * (gamma + 1) * Lanes.pow(oneMinusPt, gamma) * rho;
        }

        double[] sums = row.sums;
        sums[0] = 0;
        sums[1] = 0;
        boolean single = smoothing == 0 && hot >= 0;
        if (single) {
            terms(z, exps, null, hot, out, sums, lse, invS, coefficient, uniform, hot, hot + 1);
        } else {
            int bound = 0;
            if (Lanes.VECTOR) {
                bound = SoftmaxFocalVectors.terms(this, z, exps, labels, hot, out, sums, lse, invS, coefficient, uniform, k);
            }
            terms(z, exps, labels, hot, out, sums, lse, invS, coefficient, uniform, bound, k);
        }
        if (row.gradient != null) {
            float factor = (float) ((sums[1] - (double) coefficient * pt) * invS);
            if (single) {
                Lanes.affine(row.gradient, 0, factor, 0, null, row.gradient, 0, k);
                row.gradient[hot] -= out[hot];
            } else {
                Lanes.scaleSub(row.gradient, 0, factor, out, 0, k);
            }
        }
        return poly - sums[0];
    }

    /**
     * The scalar form of the terms for classes [from, to): adds {@code m_c u_c^gamma log p_c} to
     * {@code sums[0]} and {@code g_c} to {@code sums[1]}, and writes {@code g_c - k p_c y'_c} to
     * {@code out} (when not null); {@code uniform} is {@code e / C}. The labels are {@code labels}, or when null the one-hot row of
     * {@code target} (all zeros for -1).
     */
    void terms(float[] z, float[] exps, float[] labels, int target, float[] out, double[] sums, float lse,
               float invS, float coefficient, float uniform, int from, int to) {
        float keep = 1 - smoothing;
        double lossSum = 0;
        double gSum = 0;
        for (int c = from; c < to; c++) {
            float y = labels != null ? labels[c] : c == target ? 1 : 0;
            float yp = y * keep + uniform;
            float m = weights == null ? yp : weights[c] * yp;
            float logp = z[c] - lse;
            float p = exps[c] * invS;
            float g;
            if (gamma > 0) {
                float u = -(float) Math.expm1(logp);
                float ug = Lanes.pow(u, gamma);
                lossSum += m * ug * logp;
                g = m * (ug - gamma * Lanes.pow(u, gamma - 1) * p * logp);
            } else {
                lossSum += m * logp;
                g = m;
            }
            gSum += g;
            if (out != null) {
                out[c] = g - coefficient * p * yp;
            }
        }
        sums[0] += lossSum;
        sums[1] += gSum;
    }
}
