package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.Lanes;

/**
 * {@link Ge2eLoss}'s formula over float arrays (the formula and its gradient are documented
 * there): the three products of O(n C D) work (cosines, and the gradient's two) go to BLAS, the
 * rest is O(n D) and O(n C) Java loops. For the identity and tanh activations; tanh is applied
 * here and its derivative {@code 1 - a^2} multiplied in at the end.
 */
final class Ge2eKernel implements CoupledKernel {
    private static final float EPS = 1e-12f;
    // Scratch slots: each array is this kernel's for the call.
    private static final int UNITS = 0;       // e [n, D]
    private static final int SUMS = 1;        // Sum_k [C, D]
    private static final int SUM_UNITS = 2;   // Sum_k / |Sum_k| [C, D]
    private static final int COSINES = 3;     // e_i . Sum_k, then cos, then dL/dcos of the other speakers [n, C]
    private static final int SUM_GRADIENT = 4; // dL/dSum_k [C, D]
    private static final int ACTIVATED = 5;   // tanh(z) [n, D]
    private static final int VECTORS = 6;     // per-row and per-speaker numbers
    private static final int SIMILARITIES = 7; // one row's S, then exp(S - max S)

    private final Ge2eLoss.Variant variant;
    private final float w;
    private final float b;
    private final Ge2eLoss.ParameterGradients sink;
    private final boolean tanh;

    Ge2eKernel(Ge2eLoss.Variant variant, double w, double b, Ge2eLoss.ParameterGradients sink, boolean tanh) {
        this.variant = variant;
        this.w = (float) w;
        this.b = (float) b;
        this.sink = sink;
        this.tanh = tanh;
    }

    @Override
    public boolean evaluate(KeptRows rows, float[] losses, float[] gradient) {
        int n = rows.count();
        int d = rows.columns();
        int speakers = rows.groupCount();
        int[] group = rows.groups();

        // Per row: |a_i|, e.e and the own-cosine gradient's coefficients alpha and beta; per
        // speaker: its size, |Sum_k|, the sum of its rows' gamma and max(|Sum_k|, eps).
        float[] vectors = KeptRows.scratch(VECTORS, 4 * n + 4 * speakers);
        int raw = 0;
        int selfDot = n;
        int alpha = 2 * n;
        int beta = 3 * n;
        int size = 4 * n;
        int sumNorm = size + speakers;
        int gammaSum = sumNorm + speakers;
        int sumClamped = gammaSum + speakers;
        Arrays.fill(vectors, size, size + 3 * speakers, 0f);
        for (int i = 0; i < n; i++) {
            vectors[size + group[i]]++;
        }
        for (int k = 0; k < speakers; k++) {
            if (vectors[size + k] < 2) {
                return false; // the op path names the speaker with a single utterance
            }
        }

        float[] a = rows.values();
        if (tanh) {
            float[] activated = KeptRows.scratch(ACTIVATED, n * d);
            for (int x = 0; x < n * d; x++) {
                activated[x] = (float) Math.tanh(a[x]);
            }
            a = activated;
        }
        float[] e = KeptRows.scratch(UNITS, n * d);
        float[] sums = KeptRows.scratch(SUMS, speakers * d);
        Arrays.fill(sums, 0, speakers * d, 0f);
        for (int i = 0; i < n; i++) {
            int off = i * d;
            double length = Lanes.norm(a, off, d);
            vectors[raw + i] = (float) length;
            float clamped = Math.max((float) length, EPS);
            for (int c = 0; c < d; c++) {
                e[off + c] = a[off + c] / clamped;
            }
            Lanes.axpy(1f, e, off, sums, group[i] * d, d);
            vectors[selfDot + i] = (float) Lanes.dot(e, off, e, off, d);
        }
        float[] sumUnits = KeptRows.scratch(SUM_UNITS, speakers * d);
        for (int k = 0; k < speakers; k++) {
            int off = k * d;
            float length = (float) Math.sqrt(Lanes.dot(sums, off, sums, off, d));
            vectors[sumNorm + k] = length;
            float clamped = Math.max(length, EPS);
            vectors[sumClamped + k] = clamped;
            for (int c = 0; c < d; c++) {
                sumUnits[off + c] = sums[off + c] / clamped;
            }
        }

        float[] cos = KeptRows.scratch(COSINES, n * speakers);
        float[] sim = KeptRows.scratch(SIMILARITIES, speakers);
        Blas.multiply(e, n, d, false, sums, speakers, d, true, cos);
        boolean needSlopes = gradient != null || sink != null;
        double dw = 0;
        double db = 0;
        for (int i = 0; i < n; i++) {
            int j = group[i];
            int off = i * speakers;
            // Own speaker: leave-one-out cosine (s - q) / r, r^2 = |Sum_j|^2 - 2 s + q.
            double s = cos[off + j];
            double q = vectors[selfDot + i];
            double ownNorm = vectors[sumNorm + j];
            double r = Math.sqrt(Math.max(ownNorm * ownNorm - 2 * s + q, 0));
            double rClamped = Math.max(r, EPS);
            for (int k = 0; k < speakers; k++) {
                cos[off + k] = cos[off + k] / vectors[sumClamped + k];
            }
            cos[off + j] = (float) ((s - q) / rClamped);

            double loss;
            double dOwnCos; // dL_i/dcos_ij
            if (variant == Ge2eLoss.Variant.SOFTMAX) {
                Lanes.affine(cos, off, w, b, null, sim, 0, speakers);
                float top = Lanes.max(sim, 0, speakers);
                double expSum = Lanes.expSum(sim, 0, speakers, top, sim, 0);
                loss = top + Math.log(expSum) - (w * cos[off + j] + b);
                if (!needSlopes) {
                    if (losses != null) {
                        losses[i] = (float) loss;
                    }
                    continue;
                }
                // dL/dS_k = softmax_k - [k = j]; cos becomes w dL/dS (the own column is cleared below).
                double inverseSum = 1 / expSum;
                double dOwnSim = sim[j] * inverseSum - 1;
                dw += Lanes.dot(sim, 0, cos, off, speakers) * inverseSum - cos[off + j];
                Lanes.affine(sim, 0, (float) (w * inverseSum), 0f, null, cos, off, speakers);
                dOwnCos = w * dOwnSim;
            } else {
                double ownSigma = sigmoid(w * cos[off + j] + b);
                int hardest = -1;
                float hardestSim = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < speakers; k++) {
                    // sigma is increasing: the hardest other speaker has the largest S; ties go to the first.
                    float similarity = w * cos[off + k] + b;
                    if (k != j && (hardest < 0 || similarity > hardestSim)) {
                        hardest = k;
                        hardestSim = similarity;
                    }
                }
                double otherSigma = hardest < 0 ? 0 : sigmoid(hardestSim);
                loss = 1 - ownSigma + otherSigma;
                double dOwnSim = -ownSigma * (1 - ownSigma);
                double dHardSim = otherSigma * (1 - otherSigma);
                dw += dOwnSim * cos[off + j];
                db += dOwnSim;
                if (hardest >= 0) {
                    dw += dHardSim * cos[off + hardest];
                    db += dHardSim;
                }
                for (int k = 0; k < speakers; k++) {
                    cos[off + k] = 0f;
                }
                if (hardest >= 0) {
                    cos[off + hardest] = (float) (w * dHardSim);
                }
                dOwnCos = w * dOwnSim;
            }
            cos[off + j] = 0f;
            if (losses != null) {
                losses[i] = (float) loss;
            }
            // Where the leave-one-out sum vanishes its cosine is the constant 0: no gradient.
            double dOwn = r >= EPS ? dOwnCos : 0;
            double excess = (s - q) / (rClamped * rClamped * rClamped);
            double inverse = 1 / rClamped;
            vectors[alpha + i] = (float) ((inverse + excess) * dOwn);
            vectors[beta + i] = (float) ((-inverse - 0.5 * excess) * dOwn);
            vectors[gammaSum + j] += (float) (-0.5 * excess * dOwn);
        }
        if (sink != null) {
            // Softmax is invariant to the common offset b: its derivative is exactly 0.
            sink.set(dw, variant == Ge2eLoss.Variant.SOFTMAX ? 0 : db);
        }
        if (gradient == null) {
            return true;
        }

        // cos now holds dL/dcos of the other speakers (own column 0): cos_ik = e_i . Sum_k / |Sum_k|.
        float[] dSums = KeptRows.scratch(SUM_GRADIENT, speakers * d);
        Blas.multiply(cos, n, speakers, false, sumUnits, speakers, d, false, gradient);
        Blas.multiply(cos, n, speakers, true, e, n, d, false, dSums);
        for (int k = 0; k < speakers; k++) {
            backThroughUnit(sumUnits, dSums, k * d, d, vectors[sumNorm + k]);
        }
        // Own cosine f = (s - q) / r: ds/de_i = Sum_j, dq/de_i = 2 e_i, ds/dSum_j = e_i,
        // d|Sum_j|^2/dSum_j = 2 Sum_j.
        for (int i = 0; i < n; i++) {
            Lanes.axpy(vectors[alpha + i], e, i * d, dSums, group[i] * d, d);
        }
        for (int k = 0; k < speakers; k++) {
            Lanes.axpy(2 * vectors[gammaSum + k], sums, k * d, dSums, k * d, d);
        }
        for (int i = 0; i < n; i++) {
            int off = i * d;
            int sumOff = group[i] * d;
            Lanes.axpy(vectors[alpha + i], sums, sumOff, gradient, off, d);
            Lanes.axpy(2 * vectors[beta + i], e, off, gradient, off, d);
            // Sum_k is the sum of its speaker's e: every row receives its speaker's dSum.
            Lanes.axpy(1f, dSums, sumOff, gradient, off, d);
            backThroughUnit(e, gradient, off, d, vectors[raw + i]);
            if (tanh) {
                for (int c = 0; c < d; c++) {
                    gradient[off + c] *= 1 - a[off + c] * a[off + c];
                }
            }
        }
        return true;
    }

    /**
     * g = (g - u (u . g)) / max(|x|, eps) in place: the gradient with respect to x of a loss whose
     * gradient with respect to {@code u = x / max(|x|, eps)} is g (a clamped row is only scaled).
     */
    private static void backThroughUnit(float[] u, float[] g, int off, int d, float length) {
        float clamped = Math.max(length, EPS);
        if (length >= EPS) {
            Lanes.axpy((float) -Lanes.dot(u, off, g, off, d), u, off, g, off, d);
        }
        for (int c = 0; c < d; c++) {
            g[off + c] /= clamped;
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
