package org.dl4jlosses.classification;

import org.dl4jlosses.internal.Checks;

/** Per-class weights computed from class frequencies, for the {@code weights} option of any loss that has one. */
public final class ClassWeights {
    private ClassWeights() {
    }

    /**
     * Class-balanced weights by the effective number of samples (Cui et al. 2019, "Class-Balanced Loss
     * Based on Effective Number of Samples"): {@code w_c = (1 - beta) / (1 - beta^n_c)} for a class
     * of {@code n_c} samples, normalised so that the weights sum to the number of classes (the
     * paper's normalisation). {@code beta = 0} gives every class weight 1; as {@code beta} approaches
     * 1 the weights approach inverse class frequency (the paper uses 0.9 to 0.9999). Computed as
     * {@code log1p} and {@code expm1}, so a {@code beta} within 1e-12 of 1 and counts in the millions
     * keep their digits.
     *
     * <pre>
     *   double[] w = ClassWeights.effectiveNumber(new long[] {9000, 900, 100}, 0.999);
     *   CrossEntropyLoss loss = CrossEntropyLoss.builder().weights(w).build();
     * </pre>
     *
     * @param counts the number of training samples of each class, each &gt;= 1
     * @param beta the hyper-parameter, in [0, 1)
     * @return one weight per class, summing to {@code counts.length}
     */
    public static double[] effectiveNumber(long[] counts, double beta) {
        Checks.require(counts != null && counts.length > 0, "ClassWeights", "counts", "one count per class",
                counts == null ? "null" : "an empty array");
        Checks.require(beta >= 0 && beta < 1, "ClassWeights", "beta", "in [0, 1)", beta);
        double[] weights = new double[counts.length];
        double sum = 0;
        double logBeta = Math.log1p(-(1 - beta));
        for (int c = 0; c < counts.length; c++) {
            Checks.require(counts[c] >= 1, "ClassWeights", "counts", ">= 1 in every entry (a class with no samples has no weight)",
                    counts[c] + " at class " + c);
            // 1 - beta^n = -expm1(n log beta); with beta = 0 it is 1 for every n >= 1.
            double effective = beta == 0 ? 1 : -Math.expm1(counts[c] * logBeta);
            weights[c] = (1 - beta) / effective;
            sum += weights[c];
        }
        for (int c = 0; c < weights.length; c++) {
            weights[c] *= weights.length / sum;
        }
        return weights;
    }
}
