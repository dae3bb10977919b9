package org.dl4jlosses.examples;

import java.util.Arrays;
import org.dl4jlosses.evaluation.VerificationMetrics;

/**
 * The metrics the examples report, on plain Java arrays so each is a few readable lines.
 * Classification metrics take class indices; the rank of a relevant candidate takes a score row
 * (higher = more similar); overlap metrics take pixel masks. Embedding retrieval and verification
 * metrics (recall@k, MRR, ROC-AUC, EER) are the library's: org.dl4jlosses.evaluation.
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
     * Area under the ROC curve of a binary classifier's scores: the library's
     * {@link VerificationMetrics#rocAuc} with the positives as the genuine scores.
     */
    public static double rocAuc(double[] positives, double[] negatives) {
        return VerificationMetrics.rocAuc(positives, negatives);
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

    /**
     * Spearman's rank correlation: the Pearson correlation of the two series' ranks, tied values
     * taking the mean of their ranks (0 if either series is constant).
     */
    public static double spearman(double[] a, double[] b) {
        sameLength(a.length, b.length);
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double mean = (a.length + 1) / 2.0;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (ra[i] - mean) * (rb[i] - mean);
            aa += (ra[i] - mean) * (ra[i] - mean);
            bb += (rb[i] - mean) * (rb[i] - mean);
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    /** 1-based ranks of {@code values}, ties taking the mean of the ranks they span. */
    private static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (i, j) -> Double.compare(values[i], values[j]));
        double[] ranks = new double[values.length];
        for (int from = 0; from < values.length; ) {
            int to = from;
            while (to + 1 < values.length && values[order[to + 1]] == values[order[from]]) {
                to++;
            }
            for (int k = from; k <= to; k++) {
                ranks[order[k]] = (from + to) / 2.0 + 1;
            }
            from = to + 1;
        }
        return ranks;
    }

    private static void sameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("Metrics: arrays must have the same length, got " + a + " and " + b);
        }
    }
}
