package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
import org.dl4jlosses.internal.Checks;
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
 * Contrastive loss of Hadsell, Chopra and LeCun (2006) on pairs of embeddings:
 * {@code 0.5 [y d^2 + (1 - y) max(0, margin - d)^2]}, where {@code y = 1} marks a similar pair
 * (pulled together) and {@code y = 0} a dissimilar one (pushed at least {@code margin} apart).
 * Reference value: the mean over pairs.
 *
 * <h2>Layouts</h2>
 * <ul>
 * <li>{@link Layout#BLOCKS} (the default): {@code preOutput} is {@code [2N, D]}, rows
 * {@code 0..N-1} the left and {@code N..2N-1} the right embeddings of the N pairs (a
 * {@code StackVertex} of two inputs, then a shared encoder); labels {@code [2N, 1]}, of which block
 * 0's (rows {@code 0..N-1}) are read and must be 1 (similar) or 0 (dissimilar). Each pair's loss is
 * put on both of its rows.</li>
 * <li>{@link Layout#GROUPS}: {@code preOutput} is {@code [N, D]}, labels are group ids
 * ({@code [N, 1]} integers or one-hot rows); every unordered pair {@code i < j} of the batch is a
 * pair, similar when both rows share a group. The batch's loss is spread evenly over its rows. A
 * batch of one row has no pair and gives 0. Distances come from one matrix product.</li>
 * </ul>
 *
 * <h2>Options</h2>
 * <ul>
 * <li>{@code margin} (default 1.0): finite and > 0 (with 0 dissimilar pairs could never
 * contribute).</li>
 * <li>{@code distance} (default {@link Distance#EUCLIDEAN}): {@code |x - y|}, or {@code 1 - cos(x,
 * y)} for {@link Distance#COSINE}; SQUARED_EUCLIDEAN and DOT are rejected at {@code build()}.
 * A Euclidean distance of 0 has gradient 0 (an identical dissimilar pair gets no push in an
 * arbitrary direction; any other pair separates it).</li>
 * <li>{@code layout} (default {@link Layout#BLOCKS}): BLOCKS or GROUPS, as above.</li>
 * </ul>
 * A row mask removes rows; in BLOCKS both rows of a pair must share the mask value.
 */
@JsonDeserialize(builder = ContrastiveLoss.Builder.class)
public final class ContrastiveLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "ContrastiveLoss";

    /** Where the pairs come from. */
    public enum Layout {
        /** Left block; right block, with 0/1 pair labels in block 0. */
        BLOCKS,
        /** Every pair of the batch, labelled by its rows' group ids. */
        GROUPS
    }

    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option(min = 0, minExclusive = true)
    private double margin = 1.0;
    /** Option {@code distance}: see {@link Builder#distance(Distance)}. */
    @Option
    private Distance distance = Distance.EUCLIDEAN;
    /** Option {@code layout}: see {@link Builder#layout(Layout)}. */
    @Option
    private Layout layout = Layout.BLOCKS;

    /** The defaults: margin 1.0, EUCLIDEAN, BLOCKS. */
    public ContrastiveLoss() {
    }

    @Override
    protected void checkCombination() {
        require(distance == Distance.EUCLIDEAN || distance == Distance.COSINE, NAME, "distance", "EUCLIDEAN or COSINE",
                distance);
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Units units(INDArray preOutput) {
        return layout == Layout.BLOCKS ? Units.blocks(2, "left; right")
                : Units.groups();
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return layout == Layout.BLOCKS ? LabelKind.ROW_VALUES : LabelKind.GROUPS;
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, margin, distance, layout);
    }

    /** The formula over the kept rows, on the {@link Distances} between them. */
    static final class Formula implements CoupledFormula {
        private final double margin;
        private final Distance distance;
        private final Layout layout;

        Formula(double margin, Distance distance, Layout layout, LaneMath<?> n) {
            this.margin = margin;
            this.distance = distance;
            this.layout = layout;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            Distances distances = new Distances(NAME, n, distance, false, rows, false);
            if (gradient != null) {
                n.linear(gradient, 0, rows.count() * rows.columns(), 0, 0);
            }
            if (layout == Layout.BLOCKS) {
                blocks(rows, distances, losses, gradient);
            } else {
                groups(n, rows, distances, losses, gradient);
            }
            if (gradient != null) {
                distances.finish(gradient);
            }
        }

        /** BLOCKS pair by pair: pair i is rows i and N' + i, its loss on both. */
        private void blocks(KeptRows rows, Distances distances, double[] losses, Object gradient) {
            int pairs = rows.tuples();
            double[] y = rows.unitValues();
            for (int i = 0; i < pairs; i++) {
                if (y[i] != 0 && y[i] != 1) {
                    throw Checks.fail(NAME, "labels", "1 (similar) or 0 (dissimilar) in block 0 (rows 0.." + (pairs - 1) + ")",
                            y[i] + " at pair " + i);
                }
            }
            for (int i = 0; i < pairs; i++) {
                boolean similar = y[i] == 1;
                double d = distances.pair(i, pairs + i);
                double hinge = Math.max(margin - d, 0);
                if (losses != null) {
                    losses[i] = 0.5 * (similar ? d * d : hinge * hinge);
                    losses[pairs + i] = losses[i];
                }
                if (gradient != null) {
                    // d loss / d d = y d - (1 - y) hinge; the pair's loss sits on both rows, hence x 2.
                    distances.addPairGradient(i, pairs + i, 2 * (similar ? d : -hinge), d, gradient);
                }
            }
        }

        /**
         * GROUPS: every ordered pair i != j of one distance matrix, row by row in whole vectors, a
         * row of ones marking the anchor's group; the gradient by one matrix product.
         */
        private <V> void groups(LaneMath<V> n, KeptRows rows, Distances distances, double[] losses, Object gradient) {
            int count = rows.count();
            double pairs = count * (count - 1) / 2.0;
            if (pairs == 0) {
                if (losses != null) {
                    Arrays.fill(losses, 0, count, 0);
                }
                return;
            }
            int[][] members = rows.groupMembers();
            Object d = distances.matrix();
            // A pair with itself: distance 0 in its own group, so neither loss nor gradient.
            for (int i = 0; i < count; i++) {
                n.set(d, i * count + i, 0);
            }
            Object c = gradient != null ? distances.coefficients(false) : null;
            Object same = n.row(count);
            // d(n mean)/dD_ij over ordered entries = n / (2 pairs) (y D - (1 - y) hinge)
            double coefficient = count / (2 * pairs);
            double sumOrdered = 0;
            for (int i = 0; i < count; i++) {
                int[] group = members[rows.groups()[i]];
                for (int j : group) {
                    n.set(same, j, 1);
                }
                n.begin(count);
                int width = n.width(count);
                V margins = n.of(margin);
                V zero = n.of(0);
                V weight = n.of(coefficient);
                int row = i * count;
                V acc = n.of(0);
                // Steps past the row's end read the next row (left out of the sum) and write the
                // next row's coefficients, which its own pass then overwrites.
                for (int j = 0; j < count; j += width) {
                    V v = n.loadRow(d, row + j);
                    V s = n.loadRow(same, j);
                    V h = n.max(n.sub(margins, v), zero);
                    V hh = n.mul(h, h);
                    // y v^2 + (1 - y) h^2, and the coefficient y v - (1 - y) h
                    V term = n.fma(s, n.sub(n.mul(v, v), hh), hh);
                    acc = j + width <= count ? n.add(acc, term) : n.addLanes(acc, term, j, count);
                    if (c != null) {
                        n.storeRow(n.mul(weight, n.sub(n.mul(s, n.add(v, h)), h)), c, row + j);
                    }
                }
                sumOrdered += n.sum(acc, count);
                for (int j : group) {
                    n.set(same, j, 0);
                }
            }
            if (losses != null) {
                // n x mean spread evenly over the n rows
                Arrays.fill(losses, 0, count, 0.5 * sumOrdered / 2 / pairs);
            }
            if (c != null) {
                distances.addMatrixGradient(c, d, gradient);
            }
        }

        }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** {@return the option {@code distance}} */
    public Distance getDistance() {
        return distance;
    }

    /** {@return the option {@code layout}} */
    public Layout getLayout() {
        return layout;
    }

    /** Builder for {@link ContrastiveLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<ContrastiveLoss, Builder> {
        Builder() {
            super(new ContrastiveLoss());
        }

        /**
         * The distance dissimilar pairs are pushed to: a dissimilar pair costs
         * {@code 0.5 max(0, margin - d)^2}. Default 1.0; finite and &gt; 0 (with 0, dissimilar pairs
         * could never contribute).
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }

        /**
         * The distance d between a pair's embeddings: {@link Distance#EUCLIDEAN} {@code |x - y|} or
         * {@link Distance#COSINE} {@code 1 - cos(x, y)}; SQUARED_EUCLIDEAN and DOT are rejected at
         * {@code build()}. A Euclidean distance of 0 has gradient 0. Default EUCLIDEAN.
         *
         * @param distance the option {@code distance}
         * @return this builder
         */
        public Builder distance(Distance distance) {
            draft.distance = distance;
            return this;
        }

        /**
         * Where the pairs come from: {@link Layout#BLOCKS} ({@code [2N, D]}, left block; right block,
         * with 0/1 pair labels in block 0) or {@link Layout#GROUPS} (every pair of the batch, similar
         * when both rows share a group id). Default BLOCKS; not null.
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
