package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;

/**
 * Verification metrics from the scores of genuine pairs (same identity) and impostor pairs
 * (different identities), a higher score meaning "more likely the same".
 */
public final class VerificationMetrics {
    private VerificationMetrics() {
    }

    /**
     * Area under the ROC curve: the probability that a random genuine score is above a random
     * impostor score, ties counting one half (the Mann-Whitney U statistic over
     * {@code genuine.length x impostor.length}), as scikit-learn's {@code roc_auc_score} computes it.
     *
     * @throws IllegalArgumentException when either array is empty or holds a NaN
     */
    public static double rocAuc(double[] genuine, double[] impostor) {
        checkScores("VerificationMetrics.rocAuc", genuine, impostor);
        double[] neg = impostor.clone();
        Arrays.sort(neg);
        double wins = 0;
        for (double p : genuine) {
            int below = lowerBound(neg, p);
            int notAbove = upperBound(neg, p);
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) genuine.length * neg.length);
    }

    /**
     * Equal error rate of a system that accepts a pair when its score is at least a threshold t:
     * where the false-accept rate FAR(t) (impostors accepted) meets the false-reject rate FRR(t)
     * (genuine pairs rejected). Both are step functions of t; over the thresholds at every score
     * (and +infinity, rejecting all), FAR falls from 1 and FRR rises from 0, and the EER is the
     * crossing of the straight line between the last threshold with FRR &lt; FAR and the first with
     * FRR &gt;= FAR (linear interpolation of the two curves, the usual DET-curve convention).
     *
     * @throws IllegalArgumentException when either array is empty or holds a NaN
     */
    public static double equalErrorRate(double[] genuine, double[] impostor) {
        checkScores("VerificationMetrics.equalErrorRate", genuine, impostor);
        double[] g = genuine.clone();
        double[] n = impostor.clone();
        Arrays.sort(g);
        Arrays.sort(n);
        double[] thresholds = Arrays.copyOf(g, g.length + n.length + 1);
        System.arraycopy(n, 0, thresholds, g.length, n.length);
        thresholds[thresholds.length - 1] = Double.POSITIVE_INFINITY; // rejects everything: FAR 0, FRR 1
        Arrays.sort(thresholds);
        double prevFar = 1;
        double prevFrr = 0;
        for (double t : thresholds) {
            double far = (n.length - lowerBound(n, t)) / (double) n.length;
            double frr = lowerBound(g, t) / (double) g.length;
            if (frr >= far) {
                double w = (prevFar - prevFrr) / ((prevFar - prevFrr) + (frr - far));
                return prevFar + w * (far - prevFar);
            }
            prevFar = far;
            prevFrr = frr;
        }
        throw new AssertionError("unreachable: the infinite threshold has FRR 1 >= FAR 0");
    }

    private static void checkScores(String method, double[] genuine, double[] impostor) {
        require(genuine != null && genuine.length > 0, method, "genuine", "at least one score",
                genuine == null ? "null" : "none");
        require(impostor != null && impostor.length > 0, method, "impostor", "at least one score",
                impostor == null ? "null" : "none");
        requireNoNaN(method, "genuine", genuine);
        requireNoNaN(method, "impostor", impostor);
    }

    private static void requireNoNaN(String method, String argument, double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw fail(method, argument, "scores that are not NaN", "NaN at index " + i);
            }
        }
    }

    /** Number of entries of the sorted array strictly below {@code v}. */
    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of entries of the sorted array at or below {@code v}. */
    private static int upperBound(double[] sorted, double v) {
        return upperBound(sorted, sorted.length, v);
    }

    /** Number of the first {@code count} entries of the sorted array at or below {@code v}. */
    static int upperBound(double[] sorted, int count, double v) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
