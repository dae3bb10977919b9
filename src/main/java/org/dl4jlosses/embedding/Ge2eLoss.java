package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.fail;

import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * The generalized end-to-end (GE2E) loss of speaker verification (Wan, Wang, Papir, Lopez Moreno,
 * arXiv 1710.10467), over a batch of utterance embeddings labelled with speaker ids (the GROUPS
 * layout).
 *
 * <p>Each row {@code a_ji} (utterance i of speaker j) is L2-normalised, as the paper's d-vectors
 * are, to {@code e_ji = a_ji / |a_ji|} (a row that is already unit-length is unchanged). With
 * centroids {@code c_k = mean_i e_ki}, and for the utterance's own speaker the leave-one-out
 * centroid {@code c_j^(-i) = mean_{i' != i} e_ji'} (paper, eq. 8):
 * <pre>
 *   S_ji,k  = w cos(e_ji, c_j^(-i)) + b    for k = j
 *           = w cos(e_ji, c_k) + b         otherwise
 *   SOFTMAX:  L_ji = -S_ji,j + log sum_k exp(S_ji,k)
 *   CONTRAST: L_ji = 1 - sigma(S_ji,j) + max_{k != j} sigma(S_ji,k)
 * </pre>
 * and the reference value is the mean of {@code L_ji} over all utterances; each row's score is its
 * own {@code L_ji}.
 *
 * <p>Computation: every cosine comes from one product {@code E Sum^T} with the matrix of
 * per-speaker sums (a cosine does not depend on the 1/n of the mean); the leave-one-out
 * cosine is the rank-1 correction {@code (e.Sum_j - e.e) / |Sum_j - e|}, the norm taken directly
 * (from {@code |Sum_j|^2 - 2 e.Sum_j + e.e} it would be rounding noise where it vanishes). Where the
 * leave-one-out sum vanishes (a speaker of two utterances, one of them zero), its cosine is 0,
 * a constant. The gradient is derived by hand through the same quantities and the row
 * normalisation: the three products of O(n C D) work go to BLAS, the rest is row primitives, in
 * float32 and float64 alike.
 *
 * <p>Rows may come in any order. Every speaker needs at least two (unmasked) utterances, else an
 * {@link IllegalArgumentException} names the speaker. With a single speaker in the batch, SOFTMAX
 * gives 0 and CONTRAST's {@code max_{k != j}} over no other speaker is taken as 0 (sigma's lower
 * bound), so only {@code 1 - sigma(S_ji,j)} remains. Norms below 1e-12 are clamped, so zero
 * embeddings give finite values. In CONTRAST, ties for the maximum send the gradient to the first.
 *
 * <p>Options: {@code variant} (default {@link Variant#SOFTMAX}). {@code w} (default 10.0, finite
 * and &gt; 0) and {@code b} (default -5.0, finite): the similarity's scale and offset, fixed here;
 * {@link org.dl4jlosses.layers.Ge2eOutputLayer} learns them, as the paper does, starting from these
 * values. Labels: speaker ids {@code [N, 1]} (integers) or one-hot rows {@code [N, C]}; row masks
 * only. The activation's output is the embedding; any activation is allowed.
 */
@JsonDeserialize(builder = Ge2eLoss.Builder.class)
public final class Ge2eLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "Ge2eLoss";

    /** The two losses of the paper (section 2.1). */
    public enum Variant {
        /** Softmax over the speakers: {@code -S_ji,j + log sum_k exp(S_ji,k)}. */
        SOFTMAX,
        /** Contrast: {@code 1 - sigma(S_ji,j) + max_{k != j} sigma(S_ji,k)}. */
        CONTRAST
    }

    /**
     * Collects {@code d(score)/dw} and {@code d(score)/db} of the unaveraged score, for a layer that
     * learns w and b ({@link org.dl4jlosses.layers.Ge2eOutputLayer}). Not thread-safe: one per call.
     */
    public static final class ParameterGradients {
        private double w;
        private double b;

        /** {@return d(score, average=false)/dw of the last computation} */
        public double w() {
            return w;
        }

        /** {@return d(score, average=false)/db of the last computation} */
        public double b() {
            return b;
        }

        void set(double w, double b) {
            this.w = w;
            this.b = b;
        }
    }

    /** Option {@code variant}: see {@link Builder#variant(Variant)}. */
    @Option
    private Variant variant = Variant.SOFTMAX;
    /** Option {@code w}: see {@link Builder#w(double)}. */
    @Option(min = 0, minExclusive = true)
    private double w = 10.0;
    /** Option {@code b}: see {@link Builder#b(double)}. */
    @Option
    private double b = -5.0;
    /** Where a layer's per-call copy reports the parameter gradients; never part of a configuration. */
    @JsonIgnore
    private transient ParameterGradients sink;

    /** The defaults: SOFTMAX, w = 10, b = -5. */
    public Ge2eLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This loss with other w and b (checked like the options), which reports d(score)/dw and
     * d(score)/db of each gradient computation into {@code gradients} (if not null): how
     * {@link org.dl4jlosses.layers.Ge2eOutputLayer} evaluates GE2E with its trainable parameters.
     *
     * @param w the similarity's scale w
     * @param b the similarity's offset b
     * @param gradients where to report the parameter gradients, or null
     * @return a new loss of this variant with these w and b
     */
    public Ge2eLoss withParameters(double w, double b, ParameterGradients gradients) {
        Ge2eLoss loss = builder().variant(variant).w(w).b(b).build();
        loss.sink = gradients;
        return loss;
    }

    @Override
    protected Units units(INDArray preOutput) {
        return Units.groups();
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.GROUPS;
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, variant, w, b, sink);
    }

    /**
     * The formula over the kept rows: the two products of O(n C D) work for the cosines' gradient
     * (and one for the cosines) go to BLAS, the rest is O(n D) and O(n C) row primitives.
     */
    static final class Formula implements CoupledFormula {
        private static final double EPS = LaneMath.NORM_EPS;
        // Scratch slots, each the formula's own for the call.
        private static final int UNITS = 0;        // e [n, D]
        private static final int SUMS = 1;         // Sum_k [C, D]
        private static final int SUM_UNITS = 2;    // Sum_k / |Sum_k| [C, D]
        private static final int COSINES = 3;      // cos, then dL/dcos of the other speakers [n, C]
        private static final int SUM_GRADIENT = 4; // dL/dSum_k [C, D]

        private final Variant variant;
        private final double w;
        private final double b;
        private final ParameterGradients sink;

        Formula(Variant variant, double w, double b, ParameterGradients sink, LaneMath<?> n) {
            this.variant = variant;
            this.w = w;
            this.b = b;
            this.sink = sink;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int d = rows.columns();
            int speakers = rows.groupCount();
            int[] group = rows.groups();
            requireTwoUtterances(rows);

            double[] norms = new double[count];
            Object e = KeptRows.scratch(n, UNITS, count * d);
            n.unitRows(rows.rows(), 0, e, 0, count, d, norms);
            Object sums = KeptRows.scratch(n, SUMS, speakers * d);
            n.linear(sums, 0, speakers * d, 0, 0);
            for (int i = 0; i < count; i++) {
                n.axpy(1, e, i * d, sums, group[i] * d, d);
            }
            double[] sumNorms = new double[speakers];
            Object sumUnits = KeptRows.scratch(n, SUM_UNITS, speakers * d);
            n.unitRows(sums, 0, sumUnits, 0, speakers, d, sumNorms);
            Object cos = KeptRows.scratch(n, COSINES, count * speakers);
            Blas.multiply(e, count, d, false, sumUnits, speakers, d, true, cos);

            boolean slopes = gradient != null || sink != null;
            // The own cosine's gradient coefficients: alpha, beta per row, gamma summed per speaker.
            double[] alpha = new double[count];
            double[] beta = new double[count];
            double[] gamma = new double[speakers];
            Object sim = n.row(speakers);
            double dw = 0;
            double db = 0;
            for (int i = 0; i < count; i++) {
                int j = group[i];
                int off = i * speakers;
                // Own speaker: leave-one-out cosine (s - q) / r, s = e.Sum_j, q = e.e, r = |Sum_j - e|
                // (taken directly: from |Sum_j|^2 - 2 s + q it would be rounding noise where it vanishes).
                // Where the leave-one-out sum vanishes, its cosine is 0.
                double s = n.get(cos, off + j) * Math.max(sumNorms[j], EPS);
                double q = n.dot(e, i * d, e, i * d, d);
                double r = Math.sqrt(n.squaredDistance(sums, j * d, e, i * d, d, 0));
                double rClamped = Math.max(r, EPS);
                double ownCos = r >= EPS ? (s - q) / rClamped : 0;
                n.set(cos, off + j, ownCos);

                double loss;
                double dOwnCos;
                if (variant == Variant.SOFTMAX) {
                    System.arraycopy(cos, off, sim, 0, speakers);
                    n.linear(sim, 0, speakers, w, b);
                    // With slopes, sim becomes dL/dS = softmax - [k = j].
                    loss = CandidateSoftmax.crossEntropyRow(n, sim, 0, speakers, j, slopes, 1);
                    if (!slopes) {
                        if (losses != null) {
                            losses[i] = loss;
                        }
                        continue;
                    }
                    // The cosine row becomes w dL/dS (own column cleared below).
                    dw += n.dot(sim, 0, cos, off, speakers);
                    dOwnCos = w * n.get(sim, j);
                    System.arraycopy(sim, 0, cos, off, speakers);
                    n.scale(cos, off, speakers, w);
                } else {
                    double ownSigma = GroupSimilarities.sigmoid(w * ownCos + b);
                    int hardest = -1;
                    double hardestSim = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < speakers; k++) {
                        // sigma is increasing: the hardest other speaker has the largest S; ties go to the first.
                        double similarity = w * n.get(cos, off + k) + b;
                        if (k != j && (hardest < 0 || similarity > hardestSim)) {
                            hardest = k;
                            hardestSim = similarity;
                        }
                    }
                    double otherSigma = hardest < 0 ? 0 : GroupSimilarities.sigmoid(hardestSim);
                    loss = 1 - ownSigma + otherSigma;
                    double dOwnSim = -ownSigma * (1 - ownSigma);
                    double dHardSim = otherSigma * (1 - otherSigma);
                    dw += dOwnSim * ownCos;
                    db += dOwnSim;
                    double hardCos = hardest < 0 ? 0 : n.get(cos, off + hardest);
                    if (hardest >= 0) {
                        dw += dHardSim * hardCos;
                        db += dHardSim;
                    }
                    n.linear(cos, off, speakers, 0, 0);
                    if (hardest >= 0) {
                        n.set(cos, off + hardest, w * dHardSim);
                    }
                    dOwnCos = w * dOwnSim;
                }
                n.set(cos, off + j, 0);
                if (losses != null) {
                    losses[i] = loss;
                }
                // Where the leave-one-out sum vanishes its cosine is the constant 0: no gradient.
                double dOwn = r >= EPS ? dOwnCos : 0;
                double excess = (s - q) / (rClamped * rClamped * rClamped);
                alpha[i] = (1 / rClamped + excess) * dOwn;
                beta[i] = (-1 / rClamped - 0.5 * excess) * dOwn;
                gamma[j] += -0.5 * excess * dOwn;
            }
            if (sink != null) {
                // Softmax is invariant to the common offset b: its derivative is exactly 0.
                sink.set(dw, variant == Variant.SOFTMAX ? 0 : db);
            }
            if (gradient == null) {
                return;
            }

            // cos now holds dL/dcos of the other speakers (own column 0): cos_ik = e_i . Sum_k / |Sum_k|.
            Object dSums = KeptRows.scratch(n, SUM_GRADIENT, speakers * d);
            Blas.multiply(cos, count, speakers, false, sumUnits, speakers, d, false, gradient);
            Blas.multiply(cos, count, speakers, true, e, count, d, false, dSums);
            n.unitRowsBackward(sumUnits, dSums, 0, speakers, d, sumNorms);
            // Own cosine f = (s - q) / r: ds/de_i = Sum_j, dq/de_i = 2 e_i, ds/dSum_j = e_i,
            // d|Sum_j|^2/dSum_j = 2 Sum_j.
            for (int i = 0; i < count; i++) {
                n.axpy(alpha[i], e, i * d, dSums, group[i] * d, d);
            }
            for (int k = 0; k < speakers; k++) {
                n.axpy(2 * gamma[k], sums, k * d, dSums, k * d, d);
            }
            for (int i = 0; i < count; i++) {
                int off = i * d;
                int sumOff = group[i] * d;
                n.axpy(alpha[i], sums, sumOff, gradient, off, d);
                n.axpy(2 * beta[i], e, off, gradient, off, d);
                // Sum_k is the sum of its speaker's e: every row receives its speaker's dSum.
                n.axpy(1, dSums, sumOff, gradient, off, d);
            }
            n.unitRowsBackward(e, gradient, 0, count, d, norms);
        }

        /** Every speaker needs two utterances (a leave-one-out centroid): else the first row of the one that has one is named. */
        private static void requireTwoUtterances(KeptRows rows) {
            int[][] members = rows.groupMembers();
            for (int r = 0; r < rows.count(); r++) {
                if (members[rows.groups()[r]].length < 2) {
                    throw fail(NAME, "labels", "at least 2 (unmasked) utterances per speaker",
                            "1 utterance of speaker " + rows.groupLabel(r) + " (row " + rows.originalRow(r) + ")");
                }
            }
        }
    }

    /** {@return the option {@code variant}} */
    public Variant getVariant() {
        return variant;
    }

    /** {@return the option {@code w}} */
    public double getW() {
        return w;
    }

    /** {@return the option {@code b}} */
    public double getB() {
        return b;
    }

    /** Builder for {@link Ge2eLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<Ge2eLoss, Builder> {
        Builder() {
            super(new Ge2eLoss());
        }

        /**
         * Which loss of the paper: {@link Variant#SOFTMAX} ({@code -S_ji,j + log sum_k exp(S_ji,k)}) or
         * {@link Variant#CONTRAST} ({@code 1 - sigma(S_ji,j) + max_{k != j} sigma(S_ji,k)}).
         * Default SOFTMAX; not null.
         *
         * @param variant the option {@code variant}
         * @return this builder
         */
        public Builder variant(Variant variant) {
            draft.variant = variant;
            return this;
        }

        /**
         * The similarity's scale w in {@code S = w cos + b}, fixed here
         * ({@link org.dl4jlosses.layers.Ge2eOutputLayer} learns it, starting from this value).
         * Default 10.0; finite and &gt; 0.
         *
         * @param w the option {@code w}
         * @return this builder
         */
        public Builder w(double w) {
            draft.w = w;
            return this;
        }

        /**
         * The similarity's offset b in {@code S = w cos + b}, fixed here
         * ({@link org.dl4jlosses.layers.Ge2eOutputLayer} learns it, starting from this value); SOFTMAX
         * does not depend on it. Default -5.0; finite.
         *
         * @param b the option {@code b}
         * @return this builder
         */
        public Builder b(double b) {
            draft.b = b;
            return this;
        }
    }
}
