package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.require;

import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Triplet margin loss on embeddings: {@code max(0, d(a, p) - d(a, n) + margin)} for an anchor a,
 * a positive p (same identity) and a negative n (another identity), with or without mining the
 * triplets inside the batch.
 *
 * <h2>Layouts and reference values</h2>
 * <ul>
 * <li>{@link Mining#NONE} (the default), BLOCKS: {@code preOutput} is {@code [3N, D]}, rows
 * {@code 0..N-1} the anchors, {@code N..2N-1} the positives, {@code 2N..3N-1} the negatives (a
 * {@code StackVertex} of the three inputs, then a shared encoder). Labels {@code [3N, k]} are not
 * read. Reference: {@code torch.nn.functional.triplet_margin_loss(a, p, n, margin, p=2,
 * eps=1e-6, swap)} mean for {@link Distance#EUCLIDEAN}, whose distance is exactly PyTorch's
 * {@code pairwise_distance}: {@code |x - y + 1e-6|} (the 1e-6 is added to the difference, so a
 * triplet matches PyTorch to rounding); for {@link Distance#SQUARED_EUCLIDEAN} and
 * {@link Distance#COSINE}, {@code triplet_margin_with_distance_loss} with {@code |x - y|^2} and
 * {@code 1 - cosine_similarity(x, y)}. Each triplet's loss is put on its three rows. (Cosine: a
 * row's norm is clamped at 1e-12 as in {@code F.normalize}, where PyTorch's
 * {@code cosine_similarity} clamps the product of the norms at 1e-8; the two differ only for
 * rows of norm below about 1e-4.)</li>
 * <li>{@link Mining#ALL}, {@link Mining#HARD}, {@link Mining#SEMI_HARD}, GROUPS: {@code preOutput}
 * is {@code [N, D]} embeddings, labels are group ids ({@code [N, 1]} integers or one-hot rows).
 * Distances between all rows come from one matrix product: {@code S_ij = |x_i|^2 + |x_j|^2 - 2 x_i
 * . x_j} clamped at 0; EUCLIDEAN is {@code sqrt(S)} with a safe root (a distance of 0 has gradient
 * 0, as TensorFlow Addons' {@code pairwise_distance}), SQUARED_EUCLIDEAN is S, COSINE is
 * {@code 1 - cos}.
 * <ul>
 * <li>ALL (batch-all): the mean of the loss over all triplets (a, p, n), {@code a != p} in one
 * group, n in another, that have a positive loss; 0 if none has.</li>
 * <li>HARD (batch-hard, Hermans, Beyer and Leibe 2017): per anchor with at least one positive and
 * one negative, {@code max(0, max_p d(a, p) - min_n d(a, n) + margin)}; the mean over those
 * anchors (0 if there is none).</li>
 * <li>SEMI_HARD: TensorFlow Addons {@code TripletSemiHardLoss}: per positive pair (a, p), the
 * negative with the smallest {@code d(a, n) > d(a, p)}, or the largest {@code d(a, n)} if none is
 * farther; the mean of the hinge over all ordered positive pairs. {@code distance} selects TFA's
 * {@code distance_metric}: SQUARED_EUCLIDEAN is its "L_2" (squared) default, EUCLIDEAN its plain
 * Euclidean distance, COSINE its "angular" one. A batch with a single group (no negatives) gives
 * 0 where TFA would compare against a distance of 0.</li>
 * </ul>
 * Every row carries an equal share of the batch's loss, so the score array sums to N times the
 * reference value. Gradients go through whichever positive and negative the mining picked (ties
 * are broken by the first index).</li>
 * </ul>
 *
 * <h2>Options</h2>
 * <ul>
 * <li>{@code margin} (default 1.0): finite and >= 0. A negative margin would let a triplet whose
 * negative is nearer than its positive count as solved, so it is rejected at {@code build()}
 * (PyTorch 1.13 does not check); 0 is allowed.</li>
 * <li>{@code distance} (default {@link Distance#EUCLIDEAN}): EUCLIDEAN, SQUARED_EUCLIDEAN or
 * COSINE; DOT, a similarity, is rejected at {@code build()}.</li>
 * <li>{@code mining} (default {@link Mining#NONE}): also selects the layout, as above.</li>
 * <li>{@code swap} (default false): the distance swap of Balntas et al. 2016, as PyTorch: the
 * negative distance is {@code min(d(a, n), d(p, n))}. NONE: per given triplet, as
 * {@code triplet_margin_loss(swap=True)}. ALL: per mined triplet; HARD: for each anchor's mined
 * triplet (hardest positive p*, hardest negative n*, mined without the swap), as
 * pytorch-metric-learning's {@code TripletMarginLoss(swap=True)} on those triplets. SEMI_HARD
 * (TensorFlow Addons has no swap) rejects it at {@code build()}.</li>
 * <li>{@code normalize} (default false): L2-normalises every embedding first
 * ({@code F.normalize}: {@code x / max(|x|, 1e-12)}), the gradient flowing through the
 * normalisation.</li>
 * </ul>
 * A row mask removes rows (whole triplets in NONE, whose three rows must share the mask value):
 * a masked row is neither an anchor nor a positive nor a negative.
 */
@JsonDeserialize(builder = TripletLoss.Builder.class)
public final class TripletLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    static final String NAME = "TripletLoss";

    /** Which triplets the loss is taken over. */
    public enum Mining {
        /** The given (anchor; positive; negative) blocks. */
        NONE,
        /** Every valid triplet of the batch with a positive loss (batch-all). */
        ALL,
        /** The hardest positive and the hardest negative of every anchor (batch-hard). */
        HARD,
        /** TensorFlow Addons' semi-hard negatives for every positive pair. */
        SEMI_HARD
    }

    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option(min = 0)
    private double margin = 1.0;
    /** Option {@code distance}: see {@link Builder#distance(Distance)}. */
    @Option
    private Distance distance = Distance.EUCLIDEAN;
    /** Option {@code mining}: see {@link Builder#mining(Mining)}. */
    @Option
    private Mining mining = Mining.NONE;
    /** Option {@code swap}: see {@link Builder#swap(boolean)}. */
    @Option
    private boolean swap;
    /** Option {@code normalize}: see {@link Builder#normalize(boolean)}. */
    @Option
    private boolean normalize;

    /** The defaults: margin 1.0, EUCLIDEAN, NONE, no swap, no normalisation. */
    public TripletLoss() {
    }

    @Override
    protected void checkCombination() {
        require(distance != Distance.DOT, NAME, "distance", "EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE", distance);
        require(!swap || mining != Mining.SEMI_HARD, NAME, "swap", "false with mining SEMI_HARD",
                "swap = true with mining " + mining);
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Units units(INDArray preOutput) {
        return mining == Mining.NONE ? Units.blocks(3, "anchor; positive; negative") : Units.groups();
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return mining == Mining.NONE ? LabelKind.UNUSED : LabelKind.GROUPS;
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(TripletFormula.class, distance, mining, margin, swap, normalize);
    }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** {@return the option {@code distance}} */
    public Distance getDistance() {
        return distance;
    }

    /** {@return the option {@code mining}} */
    public Mining getMining() {
        return mining;
    }

    /** {@return the option {@code swap}} */
    public boolean isSwap() {
        return swap;
    }

    /** {@return the option {@code normalize}} */
    public boolean isNormalize() {
        return normalize;
    }

    /** Builder for {@link TripletLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<TripletLoss, Builder> {
        Builder() {
            super(new TripletLoss());
        }

        /**
         * How much farther the negative must be than the positive: a triplet costs
         * {@code max(0, d(a, p) - d(a, n) + margin)}. Default 1.0; finite and &gt;= 0 (0 is allowed).
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }

        /**
         * The distance d: {@link Distance#EUCLIDEAN}, {@link Distance#SQUARED_EUCLIDEAN} or
         * {@link Distance#COSINE} ({@code 1 - cos}); DOT, a similarity, is rejected at {@code build()}.
         * Default EUCLIDEAN.
         *
         * @param distance the option {@code distance}
         * @return this builder
         */
        public Builder distance(Distance distance) {
            draft.distance = distance;
            return this;
        }

        /**
         * Which triplets, and so which layout: {@link Mining#NONE} takes the given (anchor; positive;
         * negative) blocks; {@link Mining#ALL}, {@link Mining#HARD} and {@link Mining#SEMI_HARD} mine
         * them among rows labelled with group ids (see the class description). Default NONE; not null.
         *
         * @param mining the option {@code mining}
         * @return this builder
         */
        public Builder mining(Mining mining) {
            draft.mining = mining;
            return this;
        }

        /**
         * The distance swap of Balntas et al. (2016): the negative distance is
         * {@code min(d(a, n), d(p, n))}. Rejected at {@code build()} with SEMI_HARD mining.
         * Default false.
         *
         * @param swap the option {@code swap}
         * @return this builder
         */
        public Builder swap(boolean swap) {
            draft.swap = swap;
            return this;
        }

        /**
         * L2-normalise every embedding first ({@code x / max(|x|, 1e-12)}), the gradient flowing
         * through the normalisation. Default false.
         *
         * @param normalize the option {@code normalize}
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            draft.normalize = normalize;
            return this;
        }
    }
}
