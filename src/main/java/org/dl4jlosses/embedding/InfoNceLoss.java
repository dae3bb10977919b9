package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
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
 * InfoNCE (the contrastive loss of CPC, arXiv 1807.03748; SimCLR's NT-Xent): a softmax
 * cross-entropy that picks each query's positive out of its negatives, on similarities divided by
 * a temperature t. With {@code normalize} (the default) similarities are cosines: every row is
 * L2-normalised first ({@code a / max(|a|, 1e-12)}, as {@code F.normalize}), so a zero row stays
 * finite; without it they are raw dot products.
 *
 * <p><b>BLOCKS</b> (the default): {@code G = 2 + K} blocks of N rows (queries q; positive keys k;
 * K blocks of negative keys), as a {@code StackVertex} stacks them; labels are not read. Query
 * i's loss is {@code -log softmax_i} over its candidates' logits {@code q_i . x / t}:
 * <ul>
 * <li>K = 0: every positive key {@code k_j} (the other queries' keys are in-batch negatives),
 * target {@code k_i};</li>
 * <li>K > 0, {@link NegativeMode#UNPAIRED}: {@code k_i} and every row of every negative block
 * (K N shared negatives; the other queries' keys are not candidates);</li>
 * <li>K > 0, {@link NegativeMode#PAIRED}: {@code k_i} and query i's own negatives, row i of each
 * negative block.</li>
 * </ul>
 * Reference: info-nce-pytorch {@code InfoNCE(temperature, reduction='mean', negative_mode)} with
 * {@code negative_keys} = none (K = 0), all negative rows [KN, D] (UNPAIRED) or [N, K, D]
 * (PAIRED); the mean over queries. That reference always normalises; {@code normalize = false}
 * is the same formula on dot products. Each query's loss is put on each of its tuple's G rows.
 *
 * <p><b>GROUPS</b>: {@code z [n, D]} embeddings, labels group ids {@code [n, 1]} or one-hot rows;
 * rows sharing an id are positives, rows of other ids negatives. For each ordered positive pair
 * (a, p), {@code a != p}: {@code -log(e^{s_ap/t} / (e^{s_ap/t} + sum_{n: other id} e^{s_an/t}))},
 * with {@code s} the cosine (normalize) or dot product; the loss is the mean over positive pairs.
 * Reference: pytorch-metric-learning {@code NTXentLoss(temperature)} (cosine similarity, mean
 * over positive pairs). A batch of one id (no negatives; every row is a negative of every row of
 * another id, so an anchor lacks negatives only then) or without positive pairs has nothing to
 * learn: loss 0, gradient 0, as pytorch-metric-learning gives. The mean is spread evenly over the
 * rows. The pair loss is computed exactly by log-sum-exp and softplus; pytorch-metric-learning
 * adds 1e-20 inside its log, which caps a pair's loss near 46 and shifts pair losses above about
 * 25 by more than 1e-9; below that the two agree.
 *
 * <p>Options: {@code temperature} (default 0.1, > 0), {@code normalize} (true), {@code negatives}
 * K (0, >= 0; BLOCKS only), {@code negativeMode} (UNPAIRED; read only when K > 0), {@code layout}
 * (BLOCKS). A row mask removes whole tuples (BLOCKS: all G rows of a tuple share a mask value) or
 * rows (GROUPS): a masked row is no candidate of another row either. Any activation is allowed;
 * the loss reads its output.
 */
@JsonDeserialize(builder = InfoNceLoss.Builder.class)
public final class InfoNceLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "InfoNceLoss";

    /** How the K negative blocks of the BLOCKS layout are shared among the queries. */
    public enum NegativeMode {
        /** Every query is scored against every negative row of every negative block. */
        UNPAIRED,
        /** Query i is scored against row i of each negative block only (its own K negatives). */
        PAIRED
    }

    /** How the rows form units. */
    public enum Layout {
        /** Stacked blocks: queries; positive keys; K negative-key blocks. */
        BLOCKS,
        /** Group ids as labels; rows sharing an id are positives. */
        GROUPS
    }

    /** Option {@code temperature}: see {@link Builder#temperature(double)}. */
    @Option(min = 0, minExclusive = true)
    private double temperature = 0.1;
    /** Option {@code normalize}: see {@link Builder#normalize(boolean)}. */
    @Option
    private boolean normalize = true;
    /** Option {@code negatives}: see {@link Builder#negatives(int)}. */
    @Option(min = 0, max = 1_000_000, expected = "in [0, 1000000] (the number K of negative blocks)")
    private int negatives = 0;
    /** Option {@code negativeMode}: see {@link Builder#negativeMode(NegativeMode)}. */
    @Option
    private NegativeMode negativeMode = NegativeMode.UNPAIRED;
    /** Option {@code layout}: see {@link Builder#layout(Layout)}. */
    @Option
    private Layout layout = Layout.BLOCKS;

    /** The defaults: temperature 0.1, normalize, no negative blocks, UNPAIRED, BLOCKS. */
    public InfoNceLoss() {
    }

    @Override
    protected void checkCombination() {
        require(layout == Layout.BLOCKS || negatives == 0, NAME, "negatives",
                "0 with layout GROUPS (negative blocks belong to the BLOCKS layout; GROUPS takes every row "
                        + "of another id as a negative)", negatives);
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Units units(INDArray preOutput) {
        if (layout == Layout.GROUPS) {
            return Units.groups();
        }
        String names = negatives == 0 ? "query; positive key"
                : negatives == 1 ? "query; positive key; negative key"
                : "query; positive key; " + negatives + " negative-key blocks";
        return Units.blocks(2 + negatives, names);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return layout == Layout.GROUPS ? LabelKind.GROUPS : LabelKind.UNUSED;
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, temperature, normalize, negatives, negativeMode, layout);
    }

    /** The formula over the kept rows: BLOCKS through {@link CandidateSoftmax}, GROUPS as NT-Xent. */
    static final class Formula implements CoupledFormula {
        private final double temperature;
        private final boolean normalize;
        private final int negatives;
        private final NegativeMode negativeMode;
        private final Layout layout;

        Formula(double temperature, boolean normalize, int negatives, NegativeMode negativeMode, Layout layout, LaneMath<?> n) {
            this.temperature = temperature;
            this.normalize = normalize;
            this.negatives = negatives;
            this.negativeMode = negativeMode;
            this.layout = layout;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            if (layout == Layout.GROUPS) {
                groups(n, rows, losses, gradient);
            } else if (negatives > 0 && negativeMode == NegativeMode.PAIRED) {
                CandidateSoftmax.paired(n, rows, normalize, 1 / temperature, losses, gradient);
            } else {
                CandidateSoftmax.all(n, rows, normalize, 1 / temperature, negatives > 0, false, losses, gradient);
            }
        }

        /**
         * NT-Xent over all ordered positive pairs. With {@code s = S/t} and
         * {@code N_a = log sum_{n: other id} e^{s_an}}, the pair loss is {@code softplus(N_a - s_ap)}
         * (log-sum-exp and softplus keep it finite at any temperature); its derivative is
         * {@code -sigma(N_a - s_ap)} for s_ap and {@code sigma(N_a - s_ap) softmax_n(s_a.)} for s_an.
         * One product for the logits, each anchor's row in whole-row primitives, one product for the gradient.
         */
        private <V> void groups(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int[] group = rows.groups();
            int[][] members = rows.groupMembers();
            long pairCount = 0;
            for (int[] own : members) {
                pairCount += (long) own.length * (own.length - 1);
            }
            GroupSimilarities similarities = GroupSimilarities.ofAnchors(n, rows, normalize, losses, gradient);
            if (similarities == null) {
                return;
            }
            Object s = similarities.matrix();
            Object negative = n.row(count);
            double k = count / (pairCount * temperature);
            double lossSum = 0;
            for (int a = 0; a < count; a++) {
                int row = a * count;
                int[] own = members[group[a]];
                n.scale(s, row, count, 1 / temperature);
                System.arraycopy(s, row, negative, 0, count);
                for (int j : own) {
                    n.set(negative, j, CandidateSoftmax.EXCLUDED);
                }
                double max = n.max(negative, 0, count);
                double sum = n.expSum(negative, 0, count, max, gradient == null ? null : negative);
                double negativeLse = max + Math.log(sum);
                // The pair slopes sigma(N_a - s_ap), by the position of p in a's id.
                double[] slopes = new double[own.length];
                double slopeSum = 0;
                for (int p = 0; p < own.length; p++) {
                    if (own[p] != a) {
                        double x = negativeLse - n.get(s, row + own[p]);
                        lossSum += GroupSimilarities.softplus(x);
                        slopes[p] = GroupSimilarities.sigmoid(x);
                        slopeSum += slopes[p];
                    }
                }
                if (gradient != null) {
                    // ds_aj = (softmax_aj sum_p slope_ap - slope_aj) n / (pairs t); the softmax is 0 on a's own id.
                    System.arraycopy(negative, 0, s, row, count);
                    n.scale(s, row, count, slopeSum * k / sum);
                    for (int p = 0; p < own.length; p++) {
                        n.set(s, row + own[p], n.get(s, row + own[p]) - k * slopes[p]);
                    }
                }
            }
            if (losses != null) {
                Arrays.fill(losses, 0, count, lossSum / pairCount);
            }
            if (gradient != null) {
                similarities.backward(gradient);
            }
        }
    }

    /** {@return the option {@code temperature}} */
    public double getTemperature() {
        return temperature;
    }

    /** {@return the option {@code normalize}} */
    public boolean isNormalize() {
        return normalize;
    }

    /** {@return the option {@code negatives}} */
    public int getNegatives() {
        return negatives;
    }

    /** {@return the option {@code negativeMode}} */
    public NegativeMode getNegativeMode() {
        return negativeMode;
    }

    /** {@return the option {@code layout}} */
    public Layout getLayout() {
        return layout;
    }

    /** Builder for {@link InfoNceLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<InfoNceLoss, Builder> {
        Builder() {
            super(new InfoNceLoss());
        }

        /**
         * The temperature t: logits are similarities divided by it; smaller is sharper. Default 0.1;
         * finite and &gt; 0.
         *
         * @param temperature the option {@code temperature}
         * @return this builder
         */
        public Builder temperature(double temperature) {
            draft.temperature = temperature;
            return this;
        }

        /**
         * Whether rows are L2-normalised first ({@code a / max(|a|, 1e-12)}), so similarities are
         * cosines; false uses raw dot products. Default true.
         *
         * @param normalize the option {@code normalize}
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            draft.normalize = normalize;
            return this;
        }

        /**
         * BLOCKS: the number K of negative-key blocks after the queries and the positive keys; 0 makes
         * the other queries' positive keys the negatives. Must be 0 with GROUPS. Default 0;
         * in [0, 1000000].
         *
         * @param negatives the option {@code negatives}
         * @return this builder
         */
        public Builder negatives(int negatives) {
            draft.negatives = negatives;
            return this;
        }

        /**
         * How the K negative blocks are shared: {@link NegativeMode#UNPAIRED} (every query sees every
         * negative row) or {@link NegativeMode#PAIRED} (query i sees row i of each negative block);
         * read only when K &gt; 0. Default UNPAIRED; not null.
         *
         * @param negativeMode the option {@code negativeMode}
         * @return this builder
         */
        public Builder negativeMode(NegativeMode negativeMode) {
            draft.negativeMode = negativeMode;
            return this;
        }

        /**
         * How the rows form units: {@link Layout#BLOCKS} (stacked queries; positive keys; K
         * negative-key blocks, labels not read) or {@link Layout#GROUPS} (group ids as labels, rows
         * sharing an id are positives). Default BLOCKS; not null.
         *
         * @param layout the option {@code layout}
         * @return this builder
         */
        public Builder layout(Layout layout) {
            draft.layout = layout;
            return this;
        }
    }
}
