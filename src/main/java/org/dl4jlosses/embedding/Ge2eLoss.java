package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.fail;

import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Units;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Pairwise;
import org.dl4jlosses.internal.Rows;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
 * cosine is the rank-1 correction {@code (e.Sum_j - e.e) / |Sum_j - e|}, with
 * {@code |Sum_j - e|^2 = |Sum_j|^2 - 2 e.Sum_j + e.e}. The gradient is derived by hand through the
 * same quantities and the row normalisation (a few matrix products, no loop over rows). Float32
 * batches with the identity or tanh activation run the same computation over Java arrays
 * ({@code Ge2eKernel}: the three products of O(n C D) work in BLAS, the rest in row loops), which
 * also reports the layer's parameter gradients.
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
    protected Terms evaluate(Rows rows, Need need) {
        int n = rows.count();
        int speakers = rows.groupCount();
        INDArray members = Nd4j.createUninitialized(rows.dataType(), n, speakers); // M: one-hot speaker of each row
        Nd4j.exec(new OneHot(Nd4j.createFromArray(rows.groups()), members, speakers));
        INDArray sizes = Ops.rowSums(members.transpose().dup()); // utterances per speaker [C, 1]
        requireTwoUtterances(rows, sizes);

        INDArray a = rows.output();
        INDArray aNorms = Pairwise.norms(a);
        INDArray e = Pairwise.unitRows(a, aNorms);
        INDArray sums = members.transpose().mmul(e);                // Sum_k [C, D]
        INDArray sumNorms = Pairwise.norms(sums);                   // |Sum_k| [C, 1]
        INDArray sumUnits = Pairwise.unitRows(sums, sumNorms);
        INDArray dots = e.mmul(sums.transpose());                   // e_i . Sum_k [n, C]

        // Own speaker: leave-one-out cosine (s - q) / r, s = e.Sum_j, q = e.e, r = |Sum_j - e|.
        INDArray s = Ops.rowSums(dots.mul(members));
        INDArray q = Ops.rowSums(e.mul(e));
        INDArray ownSquaredNorms = members.mmul(sumNorms.mul(sumNorms)); // |Sum_j|^2 per row [n, 1]
        INDArray r2 = ownSquaredNorms.sub(s.mul(2)).addi(q);
        INDArray r = Transforms.sqrt(Transforms.relu(r2, false), false);
        INDArray rClamped = Transforms.max(r, Pairwise.NORM_EPS, true);
        INDArray ownCos = s.sub(q).divi(rClamped);

        INDArray others = members.rsub(1);
        INDArray cos = dots.divRowVector(clampedRow(sumNorms)).muli(others).addi(members.mulColumnVector(ownCos));
        INDArray sim = cos.mul(w).addi(b);

        INDArray loss;
        INDArray dSim; // d(sum of row losses)/dS [n, C]
        if (variant == Variant.SOFTMAX) {
            INDArray[] ce = Pairwise.crossEntropy(sim, members, need.score(), need.gradient() || sink != null);
            loss = ce[0];
            dSim = ce[1];
        } else {
            INDArray sigma = Ops.sigmoid(sim);
            INDArray ownSigma = Ops.rowSums(sigma.mul(members));
            INDArray hardest = null;
            INDArray maxOther = Nd4j.zeros(rows.dataType(), n, 1);
            if (speakers > 1) {
                // sigma is increasing, so the hardest other speaker is the one with the largest S.
                INDArray masked = sim.add(members.mul(Pairwise.EXCLUDED));
                hardest = Nd4j.createUninitialized(rows.dataType(), n, speakers);
                Nd4j.exec(new OneHot(masked.argMax(1), hardest, speakers));
                maxOther = Ops.rowSums(sigma.mul(hardest));
            }
            loss = need.score() ? maxOther.add(1).subi(ownSigma) : null;
            // dsigma/dS = sigma (1 - sigma); -1 on the own speaker, +1 on the hardest other.
            INDArray slope = sigma.mul(sigma.rsub(1));
            INDArray sign = hardest == null ? members.neg() : hardest.sub(members);
            dSim = slope.muli(sign);
        }
        if (sink != null && dSim != null) {
            sink.w = Ops.sum(dSim.mul(cos));
            // Softmax is invariant to the common offset b: its derivative is exactly 0, not rounding noise.
            sink.b = variant == Variant.SOFTMAX ? 0 : Ops.sum(dSim);
        }
        if (!need.gradient()) {
            return rows.perRow(loss, null);
        }

        INDArray dCos = dSim.mul(w);
        // Where the leave-one-out sum vanishes its cosine is defined as 0, a constant: no gradient.
        INDArray dOwn = Ops.rowSums(dCos.mul(members)).muli(r.gte(Pairwise.NORM_EPS).castTo(rows.dataType()));
        INDArray dOther = dCos.muli(others);                         // [n, C], own column 0
        // Others: sum_ik dOther_ik e_i . Sum_k / |Sum_k|.
        INDArray dE = dOther.mmul(sumUnits);
        INDArray dSums = Pairwise.unitRowsBackward(sumUnits, sumNorms, dOther.transpose().mmul(e));
        // Own: f = (s - q) / r with r^2 = |Sum_j|^2 - 2 s + q.
        INDArray r3 = rClamped.mul(rClamped).muli(rClamped);
        INDArray excess = s.sub(q).divi(r3);                         // (s - q) / r^3
        INDArray inverse = rClamped.rdiv(1.0);
        INDArray dfds = inverse.add(excess);
        INDArray dfdq = inverse.negi().subi(excess.mul(0.5));
        INDArray dfdSquaredNorm = excess.mul(-0.5);
        INDArray alpha = dfds.muli(dOwn);
        INDArray beta = dfdq.muli(dOwn);
        INDArray gamma = dfdSquaredNorm.muli(dOwn);
        // ds/de_i = Sum_j, dq/de_i = 2 e_i; ds/dSum_j = e_i, d|Sum_j|^2/dSum_j = 2 Sum_j.
        dE.addi(members.mmul(sums).muliColumnVector(alpha)).addi(e.mulColumnVector(beta.mul(2)));
        dSums.addi(members.transpose().mmul(e.mulColumnVector(alpha)))
                .addi(sums.mulColumnVector(members.transpose().mmul(gamma).muli(2)));
        // Sum_k = sum of its speaker's e: every row receives its speaker's dSum.
        dE.addi(members.mmul(dSums));
        return rows.perRow(loss, Pairwise.unitRowsBackward(e, aNorms, dE));
    }

    @Override
    protected CoupledKernel coupledKernel(IActivation activation, int columns) {
        boolean identity = activation instanceof ActivationIdentity;
        if (!identity && !(activation instanceof ActivationTanH)) {
            return null;
        }
        return new Ge2eKernel(variant, w, b, sink, !identity);
    }

    private static INDArray clampedRow(INDArray norms) {
        return Transforms.max(norms, Pairwise.NORM_EPS, true).reshape(1, norms.length());
    }

    private static void requireTwoUtterances(Rows rows, INDArray sizes) {
        double[] counts = sizes.toDoubleVector();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] < 2) {
                int[] groups = rows.groups();
                int r = 0;
                while (groups[r] != k) {
                    r++;
                }
                int row = rows.originalRow(r);
                INDArray label = rows.batch().labels().getRow(row);
                String id = label.length() == 1 ? speakerId(label.getDouble(0))
                        : "one-hot column " + label.argMax().getInt(0);
                throw fail(NAME, "labels", "at least 2 (unmasked) utterances per speaker",
                        "1 utterance of speaker " + id + " (row " + row + ")");
            }
        }
    }

    private static String speakerId(double id) {
        return id == Math.rint(id) ? String.valueOf((long) id) : String.valueOf(id);
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
