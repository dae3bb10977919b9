package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.require;

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
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Multiple negatives ranking loss (Henderson et al. 2017, arXiv 1705.00652, section 4.4): each
 * anchor must pick its own positive out of every positive and every hard negative of the batch.
 *
 * <p>Layout BLOCKS, {@code G = 2 + K} blocks of N rows: anchors a; positives p; K blocks of hard
 * negatives h (one network with shared weights embeds them all, e.g. through a
 * {@code StackVertex}); labels are not read. With candidates {@code c = [p; h_1; ...; h_K]}
 * ((1 + K) N rows) and scores {@code S = scale * sim(a, c)} [N, (1 + K) N], anchor i's loss is the
 * cross-entropy of its row with target i: {@code logsumexp_j S_ij - S_ii}. With {@code symmetric}
 * the loss is the mean of that and the backward term "positive i over all anchors"
 * ({@code logsumexp_j S_ji - S_ii}, j over the N anchors; hard negatives take no part in it).
 * The loss is the mean over anchors; each anchor's loss is put on each of its tuple's G rows.
 *
 * <p>Reference: sentence-transformers {@code MultipleNegativesRankingLoss(scale, similarity_fct)}
 * and {@code MultipleNegativesSymmetricRankingLoss} ({@code util.cos_sim} for COSINE, which
 * normalises with {@code F.normalize}'s 1e-12 floor, so a zero row stays finite;
 * {@code util.dot_score} for DOT). Scores go through a stable log-sum-exp, so large scales stay
 * finite in float32.
 *
 * <p>Options: {@code scale} (default 20.0, finite and > 0; with DOT, sentence-transformers
 * suggests 1), {@code similarity} ({@link Distance#COSINE}, the default, or {@link Distance#DOT};
 * the distances EUCLIDEAN and SQUARED_EUCLIDEAN are rejected at {@code build()}),
 * {@code hardNegatives} K (0, >= 0), {@code symmetric} (false). A row mask removes whole tuples (all G rows share a mask value); a masked tuple's rows
 * are no candidates either. Any activation is allowed; the loss reads its output.
 */
@JsonDeserialize(builder = MultipleNegativesRankingLoss.Builder.class)
public final class MultipleNegativesRankingLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "MultipleNegativesRankingLoss";

    /** Option {@code scale}: see {@link Builder#scale(double)}. */
    @Option(min = 0, minExclusive = true)
    private double scale = 20.0;
    /** Option {@code similarity}: see {@link Builder#similarity(Distance)}. */
    @Option
    private Distance similarity = Distance.COSINE;
    /** Option {@code hardNegatives}: see {@link Builder#hardNegatives(int)}. */
    @Option(min = 0, max = 1_000_000, expected = "in [0, 1000000] (the number K of hard-negative blocks)")
    private int hardNegatives = 0;
    /** Option {@code symmetric}: see {@link Builder#symmetric(boolean)}. */
    @Option
    private boolean symmetric;

    /** The defaults: scale 20, cosine similarity, no hard negatives, not symmetric. */
    public MultipleNegativesRankingLoss() {
    }

    @Override
    protected void checkCombination() {
        require(similarity == Distance.COSINE || similarity == Distance.DOT, NAME, "similarity", "COSINE or DOT",
                similarity);
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Units units(INDArray preOutput) {
        String names = hardNegatives == 0 ? "anchor; positive"
                : hardNegatives == 1 ? "anchor; positive; hard negative"
                : "anchor; positive; " + hardNegatives + " hard-negative blocks";
        return Units.blocks(2 + hardNegatives, names);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.UNUSED;
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, scale, similarity == Distance.COSINE, symmetric);
    }

    /** The formula over the kept rows: {@link CandidateSoftmax#all} with the in-batch negatives. */
    static final class Formula implements CoupledFormula {
        private final double scale;
        private final boolean normalize;
        private final boolean symmetric;

        Formula(double scale, boolean normalize, boolean symmetric, LaneMath<?> n) {
            this.scale = scale;
            this.normalize = normalize;
            this.symmetric = symmetric;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            CandidateSoftmax.all(n, rows, normalize, scale, false, symmetric, losses, gradient);
        }
    }

    /** {@return the option {@code scale}} */
    public double getScale() {
        return scale;
    }

    /** {@return the option {@code similarity}} */
    public Distance getSimilarity() {
        return similarity;
    }

    /** {@return the option {@code hardNegatives}} */
    public int getHardNegatives() {
        return hardNegatives;
    }

    /** {@return the option {@code symmetric}} */
    public boolean isSymmetric() {
        return symmetric;
    }

    /** Builder for {@link MultipleNegativesRankingLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<MultipleNegativesRankingLoss, Builder> {
        Builder() {
            super(new MultipleNegativesRankingLoss());
        }

        /**
         * The scale: similarities are multiplied by it before the softmax. Default 20.0; finite
         * and &gt; 0 (with DOT, sentence-transformers suggests 1).
         *
         * @param scale the option {@code scale}
         * @return this builder
         */
        public Builder scale(double scale) {
            draft.scale = scale;
            return this;
        }

        /**
         * The similarity: {@link Distance#COSINE} (rows L2-normalised) or {@link Distance#DOT} (raw dot
         * products); EUCLIDEAN and SQUARED_EUCLIDEAN are rejected at {@code build()}. Default COSINE.
         *
         * @param similarity the option {@code similarity}
         * @return this builder
         */
        public Builder similarity(Distance similarity) {
            draft.similarity = similarity;
            return this;
        }

        /**
         * The number K of hard-negative blocks after the anchors and the positives; every hard negative
         * of the batch is a candidate of every anchor. Default 0; in [0, 1000000].
         *
         * @param hardNegatives the option {@code hardNegatives}
         * @return this builder
         */
        public Builder hardNegatives(int hardNegatives) {
            draft.hardNegatives = hardNegatives;
            return this;
        }

        /**
         * Whether to average in the backward term, each positive picking its anchor among all anchors
         * (sentence-transformers' MultipleNegativesSymmetricRankingLoss; hard negatives take no part
         * in it). Default false.
         *
         * @param symmetric the option {@code symmetric}
         * @return this builder
         */
        public Builder symmetric(boolean symmetric) {
            draft.symmetric = symmetric;
            return this;
        }
    }
}
