package org.dl4jlosses.classification;

import java.util.Arrays;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.FloatRow;
import org.dl4jlosses.internal.Lanes;

/**
 * {@link HingeLoss} in its multi-class modes with an identity activation as a Java kernel, on a
 * row of scores f with true class t (from the driver, which has checked the one-hot row or
 * class index):
 * <ul>
 * <li>Crammer-Singer: {@code h = max(0, m + max_{j != t} f_j - f_t)}, {@code loss = h^P}; the
 * gradient is {@code P h^(P-1)} at the first strongest rival and its negative at t.</li>
 * <li>Weston-Watkins: {@code h_j = max(0, m + f_j - f_t)} for {@code j != t},
 * {@code loss = sum_j h_j^P}; {@code dL/df_j = P h_j^(P-1)}, and at t minus their sum. One pass
 * takes every j, t included (where {@code h_t = m} exactly), and t's share is taken back out.</li>
 * </ul>
 * The slope is 0 at a kink, as on the op path.
 */
final class MultiClassHingeKernel implements FloatKernel {
    final boolean crammerSinger;
    final float margin;
    final boolean squared;

    MultiClassHingeKernel(boolean crammerSinger, double margin, boolean squared) {
        this.crammerSinger = crammerSinger;
        this.margin = (float) margin;
        this.squared = squared;
    }

    @Override
    public double loss(FloatRow row) {
        return crammerSinger ? crammerSinger(row) : westonWatkins(row);
    }

    private double crammerSinger(FloatRow row) {
        int k = row.columns;
        int t = row.target;
        float[] f = row.z;
        float rival = Math.max(Lanes.max(f, 0, t), Lanes.max(f, t + 1, k - t - 1));
        float h = Math.max(rival - f[t] + margin, 0);
        if (row.gradient != null) {
            float[] g = row.gradient;
            Arrays.fill(g, 0, k, 0f);
            float slope = slope(h);
            if (slope != 0) {
                int strongest = 0;
                while (strongest == t || f[strongest] != rival) {
                    strongest++;
                }
                g[strongest] = slope;
                g[t] = -slope;
            }
        }
        return power(h);
    }

    private double westonWatkins(FloatRow row) {
        int k = row.columns;
        int t = row.target;
        float shift = row.z[t];
        double[] sums = row.sums;
        sums[0] = 0;
        sums[1] = 0;
        int bound = 0;
        if (Lanes.VECTOR) {
            bound = HingeVectors.westonWatkins(this, row.z, shift, row.gradient, sums, k);
        }
        westonWatkins(row.z, shift, row.gradient, sums, bound, k);
        if (row.gradient != null) {
            row.gradient[t] = (float) -(sums[1] - slope(margin));
        }
        return sums[0] - power(margin);
    }

    /**
     * The scalar form of the Weston-Watkins pass over [from, to): adds {@code h_j^P} to
     * {@code sums[0]} and the slopes to {@code sums[1]}, and writes the slopes to {@code gradient}
     * (when not null).
     */
    void westonWatkins(float[] f, float shift, float[] gradient, double[] sums, int from, int to) {
        double loss = 0;
        double slopes = 0;
        for (int j = from; j < to; j++) {
            float h = Math.max(f[j] - shift + margin, 0);
            loss += power(h);
            float d = slope(h);
            slopes += d;
            if (gradient != null) {
                gradient[j] = d;
            }
        }
        sums[0] += loss;
        sums[1] += slopes;
    }

    /** h^P for h &gt;= 0. */
    float power(float h) {
        return squared ? h * h : h;
    }

    /** d(h^P)/dh for h &gt;= 0, 0 at h = 0. */
    float slope(float h) {
        return squared ? 2 * h : h > 0 ? 1 : 0;
    }
}
