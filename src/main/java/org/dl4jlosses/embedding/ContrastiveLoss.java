package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Rows;
import org.dl4jlosses.internal.Terms;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
    protected Terms evaluate(Rows rows, Need need) {
        return layout == Layout.BLOCKS ? blocks(rows, need) : groups(rows, need);
    }

    private Terms blocks(Rows rows, Need need) {
        double[] values = rows.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0 && values[i] != 1) {
                throw Checks.fail(NAME, "labels", "1 (similar) or 0 (dissimilar) in block 0 (rows 0.." + (values.length - 1) + ")",
                        values[i] + " at pair " + i);
            }
        }
        INDArray similar = Nd4j.createFromArray(values).castTo(rows.dataType()).reshape(values.length, 1);
        PairDistance pairs = PairDistance.of(distance, false, rows.block(0), rows.block(1));
        INDArray d = pairs.values();
        INDArray hinge = Transforms.relu(d.rsub(margin), true);
        INDArray dissimilar = similar.rsub(1);
        INDArray loss = null;
        if (need.score()) {
            loss = d.mul(d).muli(similar).addi(hinge.mul(hinge).muli(dissimilar)).muli(0.5);
        }
        INDArray gradient = null;
        if (need.gradient()) {
            // d loss / d d = y d - (1 - y) hinge; each pair's loss sits on both rows, hence x 2.
            INDArray slope = d.mul(similar).subi(hinge.mul(dissimilar)).muli(2);
            INDArray[] parts = pairs.backward(slope);
            gradient = Nd4j.vstack(parts[0], parts[1]);
        }
        return rows.perTuple(loss, gradient);
    }

    private Terms groups(Rows rows, Need need) {
        int n = rows.count();
        double pairs = n * (n - 1) / 2.0;
        if (pairs == 0) {
            return rows.spread(0, need.gradient() ? Nd4j.zeros(rows.dataType(), n, rows.columns()) : null);
        }
        DistanceMatrix distances = DistanceMatrix.of(distance, rows.output());
        INDArray d = distances.values();
        INDArray same = rows.sameGroup();
        INDArray similar = same.sub(Nd4j.eye(n).castTo(rows.dataType()));
        INDArray hinge = Transforms.relu(d.rsub(margin), true).muli(same.rsub(1));
        // Each unordered pair appears twice among the ordered pairs i != j.
        INDArray pulled = d.mul(similar);
        double sumOrdered = Ops.sum(pulled.mul(d)) + Ops.sum(hinge.mul(hinge));
        double mean = 0.5 * sumOrdered / 2 / pairs;
        INDArray gradient = null;
        if (need.gradient()) {
            // d(n mean)/dD_ij over ordered entries = n / (2 pairs) (y D - (1 - y) hinge)
            gradient = distances.backward(pulled.subi(hinge).muli(n / (2 * pairs)));
        }
        return rows.spread(n * mean, gradient);
    }

    /** Identity activations run the same formula over float arrays ({@link #evaluate(KeptRows, float[], float[])}). */
    @Override
    protected CoupledKernel coupledKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity ? this::evaluate : null;
    }

    private boolean evaluate(KeptRows rows, float[] losses, float[] gradient) {
        FloatDistances distances = FloatDistances.of(distance, false, rows, false);
        if (gradient != null) {
            Arrays.fill(gradient, 0, rows.count() * rows.columns(), 0f);
        }
        boolean known = layout == Layout.BLOCKS ? blocks(rows, distances, losses, gradient)
                : groups(rows, distances, losses, gradient);
        if (known && gradient != null) {
            distances.finish(gradient);
        }
        return known;
    }

    /** BLOCKS pair by pair: pair i is rows i and N' + i, its loss on both. */
    private boolean blocks(KeptRows rows, FloatDistances distances, float[] losses, float[] gradient) {
        int pairs = rows.tuples();
        double[] y = rows.unitValues();
        for (int i = 0; i < pairs; i++) {
            if (y[i] != 0 && y[i] != 1) {
                return false;
            }
        }
        float m = (float) margin;
        for (int i = 0; i < pairs; i++) {
            boolean similar = y[i] == 1;
            float d = distances.pair(i, pairs + i);
            float hinge = Math.max(m - d, 0f);
            if (losses != null) {
                float loss = 0.5f * (similar ? d * d : hinge * hinge);
                losses[i] = loss;
                losses[pairs + i] = loss;
            }
            if (gradient != null) {
                // d loss / d d = y d - (1 - y) hinge; the pair's loss sits on both rows, hence x 2.
                distances.addPairGradient(i, pairs + i, 2 * (similar ? d : -hinge), d, gradient);
            }
        }
        return true;
    }

    /** GROUPS: every ordered pair i != j of one distance matrix, the gradient by one matrix product. */
    private boolean groups(KeptRows rows, FloatDistances distances, float[] losses, float[] gradient) {
        int n = rows.count();
        double pairs = n * (n - 1) / 2.0;
        if (pairs == 0) {
            if (losses != null) {
                Arrays.fill(losses, 0, n, 0f);
            }
            return true;
        }
        int[] groups = rows.groups();
        float[] d = distances.matrix();
        float[] c = gradient != null ? distances.coefficients() : null;
        float m = (float) margin;
        // d(n mean)/dD_ij over ordered entries = n / (2 pairs) (y D - (1 - y) hinge)
        float weight = (float) (n / (2 * pairs));
        double sumOrdered = 0;
        for (int i = 0; i < n; i++) {
            int row = i * n;
            int group = groups[i];
            for (int j = 0; j < n; j++) {
                float v = d[row + j];
                if (groups[j] == group) {
                    if (j != i) {
                        sumOrdered += (double) v * v;
                        if (c != null) {
                            c[row + j] = weight * v;
                        }
                    }
                } else {
                    float hinge = Math.max(m - v, 0f);
                    sumOrdered += (double) hinge * hinge;
                    if (c != null) {
                        c[row + j] = -weight * hinge;
                    }
                }
            }
        }
        if (losses != null) {
            // n x mean spread evenly over the n rows
            Arrays.fill(losses, 0, n, (float) (0.5 * sumOrdered / 2 / pairs));
        }
        if (c != null) {
            distances.addMatrixGradient(c, d, gradient);
        }
        return true;
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
