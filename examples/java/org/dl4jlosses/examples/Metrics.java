package org.dl4jlosses.examples;

import java.util.Arrays;

/**
 * The metrics the examples report, on plain Java arrays so each is a few readable lines.
 * Classification metrics take class indices; ranking metrics take score rows (higher = more
 * similar); verification metrics take the scores of genuine pairs (same identity) and impostor
 * pairs (different identities); overlap metrics take pixel masks.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Fraction of rows whose predicted class is the true class. */
    public static double accuracy(int[] predicted, int[] truth) {
        sameLength(predicted.length, truth.length);
        int hits = 0;
        for (int i = 0; i < truth.length; i++) {
            hits += predicted[i] == truth[i] ? 1 : 0;
        }
        return hits / (double) truth.length;
    }

    /** Of the rows of class {@code c}, the fraction predicted as {@code c} (0 if there are none). */
    public static double recall(int[] predicted, int[] truth, int c) {
        sameLength(predicted.length, truth.length);
        int relevant = 0;
        int found = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == c) {
                relevant++;
                found += predicted[i] == c ? 1 : 0;
            }
        }
        return relevant == 0 ? 0 : found / (double) relevant;
    }

    /** Of the rows predicted as class {@code c}, the fraction that are {@code c} (0 if none is predicted). */
    public static double precision(int[] predicted, int[] truth, int c) {
        sameLength(predicted.length, truth.length);
        int claimed = 0;
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == c) {
                claimed++;
                right += truth[i] == c ? 1 : 0;
            }
        }
        return claimed == 0 ? 0 : right / (double) claimed;
    }

    /** F1 of class {@code c}: the harmonic mean of its precision and recall (0 if both are 0). */
    public static double f1(int[] predicted, int[] truth, int c) {
        double p = precision(predicted, truth, c);
        double r = recall(predicted, truth, c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random
     * negative, ties counting one half (the Mann-Whitney statistic), computed by sorting.
     */
    public static double rocAuc(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            throw new IllegalArgumentException("Metrics.rocAuc: needs at least one positive and one negative score, got "
                    + positives.length + " and " + negatives.length);
        }
        double[] neg = negatives.clone();
        Arrays.sort(neg);
        double wins = 0;
        for (double p : positives) {
            int below = lowerBound(neg, p);
            int notAbove = upperBound(neg, p);
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) positives.length * neg.length);
    }

    /**
     * Equal error rate of a verification system that accepts a pair when its score is at least a
     * threshold: the rate at which the false-accept rate (impostors accepted) meets the
     * false-reject rate (genuine pairs rejected), interpolated linearly between the two thresholds
     * where they cross.
     */
    public static double equalErrorRate(double[] genuine, double[] impostor) {
        if (genuine.length == 0 || impostor.length == 0) {
            throw new IllegalArgumentException("Metrics.equalErrorRate: needs genuine and impostor scores, got "
                    + genuine.length + " and " + impostor.length);
        }
        double[] g = genuine.clone();
        double[] n = impostor.clone();
        Arrays.sort(g);
        Arrays.sort(n);
        double[] thresholds = Arrays.copyOf(g, g.length + n.length + 1);
        System.arraycopy(n, 0, thresholds, g.length, n.length);
        thresholds[thresholds.length - 1] = Double.POSITIVE_INFINITY; // rejects everything: FAR 0, FRR 1
        Arrays.sort(thresholds);
        // As the threshold rises, FAR falls from 1 and FRR rises from 0; they cross exactly once.
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

    /**
     * 1-based rank of the best-scoring relevant candidate among {@code scores}: 1 + the number of
     * irrelevant candidates scoring at least as high (ties count against the relevant one).
     */
    public static int rankOfFirstRelevant(double[] scores, boolean[] relevant) {
        sameLength(scores.length, relevant.length);
        double best = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (int j = 0; j < scores.length; j++) {
            if (relevant[j]) {
                best = Math.max(best, scores[j]);
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException("Metrics.rankOfFirstRelevant: a row has no relevant candidate");
        }
        int rank = 1;
        for (int j = 0; j < scores.length; j++) {
            rank += !relevant[j] && scores[j] >= best ? 1 : 0;
        }
        return rank;
    }

    /** Fraction of rows whose top-scoring candidate is relevant (see {@link #rankOfFirstRelevant}). */
    public static double recallAt1(double[][] scores, boolean[][] relevant) {
        sameLength(scores.length, relevant.length);
        int hits = 0;
        for (int i = 0; i < scores.length; i++) {
            hits += rankOfFirstRelevant(scores[i], relevant[i]) == 1 ? 1 : 0;
        }
        return hits / (double) scores.length;
    }

    /** Mean over rows of 1 / the rank of the first relevant candidate. */
    public static double meanReciprocalRank(double[][] scores, boolean[][] relevant) {
        sameLength(scores.length, relevant.length);
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            sum += 1.0 / rankOfFirstRelevant(scores[i], relevant[i]);
        }
        return sum / scores.length;
    }

    /** Dice coefficient {@code 2 |P and T| / (|P| + |T|)} of two masks (1 when both are empty). */
    public static double dice(boolean[] predicted, boolean[] truth) {
        sameLength(predicted.length, truth.length);
        int both = 0;
        int total = 0;
        for (int i = 0; i < truth.length; i++) {
            both += predicted[i] && truth[i] ? 1 : 0;
            total += (predicted[i] ? 1 : 0) + (truth[i] ? 1 : 0);
        }
        return total == 0 ? 1 : 2.0 * both / total;
    }

    /** Intersection over union {@code |P and T| / |P or T|} of two masks (1 when both are empty). */
    public static double iou(boolean[] predicted, boolean[] truth) {
        sameLength(predicted.length, truth.length);
        int both = 0;
        int either = 0;
        for (int i = 0; i < truth.length; i++) {
            both += predicted[i] && truth[i] ? 1 : 0;
            either += predicted[i] || truth[i] ? 1 : 0;
        }
        return either == 0 ? 1 : both / (double) either;
    }

    /** Root mean squared difference. */
    public static double rmse(double[] predicted, double[] truth) {
        sameLength(predicted.length, truth.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = predicted[i] - truth[i];
            sum += d * d;
        }
        return Math.sqrt(sum / truth.length);
    }

    /** Mean absolute difference. */
    public static double mae(double[] predicted, double[] truth) {
        sameLength(predicted.length, truth.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            sum += Math.abs(predicted[i] - truth[i]);
        }
        return sum / truth.length;
    }

    /** Index of the largest entry of each row (the first on ties). */
    public static int[] argMax(double[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            for (int j = 1; j < rows[i].length; j++) {
                best = rows[i][j] > rows[i][best] ? j : best;
            }
            out[i] = best;
        }
        return out;
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
        int lo = 0;
        int hi = sorted.length;
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

    private static void sameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("Metrics: arrays must have the same length, got " + a + " and " + b);
        }
    }
}
