package org.dl4jlosses.ranking;

import static org.dl4jlosses.internal.Checks.require;

import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FloatRows;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Units;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Rows;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Margin ranking loss on pairs of scores: {@code loss = max(0, -y (x1 - x2) + margin)}, where
 * {@code y = +1} says x1 should rank above x2 and {@code y = -1} the reverse.
 *
 * <p>Reference: {@code torch.nn.functional.margin_ranking_loss(x1, x2, y, margin)}, mean over pairs.
 *
 * <p>Layouts (picked from the shape of {@code preOutput}, the activation's output being the scores):
 * <ul>
 * <li>{@code [N, 2]}: one pair per row, {@code x1 = a[:, 0]}, {@code x2 = a[:, 1]}; labels {@code [N, 1]}.</li>
 * <li>BLOCKS {@code [2N, 1]}: rows {@code 0..N-1} hold x1, rows {@code N..2N-1} hold x2 (a
 * {@code StackVertex} of two scorers with shared weights); labels {@code [2N, 1]}, of which only
 * block 0's are read. Each pair's loss is put on both of its rows.</li>
 * </ul>
 * Labels must be -1 or +1 (0 is rejected: it would silently mean "no preference").
 *
 * <p>Options: {@code margin} (default 0.0, finite; negative margins are allowed, as in PyTorch).
 * A row mask removes whole pairs; in the BLOCKS layout both rows of a pair must share a mask value.
 * At the kink the subgradient 0 is used, as PyTorch does.
 */
@JsonDeserialize(builder = MarginRankingLoss.Builder.class)
public final class MarginRankingLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "MarginRankingLoss";

    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option
    private double margin = 0.0;

    /** The defaults: margin 0.0. */
    public MarginRankingLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Units units(INDArray preOutput) {
        require(preOutput.size(1) <= 2, NAME, "preOutput", "[N, 2] (x1, x2 per row) or [2N, 1] (x1 block; x2 block)",
                Checks.shape(preOutput));
        return preOutput.size(1) == 2 ? Units.rows() : Units.blocks(2, "x1; x2");
    }

    @Override
    protected Terms evaluate(Rows rows, Need need) {
        boolean paired = rows.columns() == 2;
        INDArray x1 = paired ? rows.output().getColumn(0, true) : rows.block(0);
        INDArray x2 = paired ? rows.output().getColumn(1, true) : rows.block(1);
        double[] values = rows.values();
        for (int i = 0; i < values.length; i++) {
            require(values[i] == 1 || values[i] == -1, NAME, "labels", "-1 or +1",
                    values[i] + " at pair " + i);
        }
        INDArray y = Nd4j.createFromArray(values).castTo(rows.dataType()).reshape(values.length, 1);
        // h = margin - y (x1 - x2); the loss is relu(h), its slope 1 where h > 0.
        INDArray h = x1.sub(x2).muli(y).negi().addi(margin);
        INDArray loss = need.score() ? Transforms.relu(h, true) : null;
        INDArray gradient = null;
        if (need.gradient()) {
            // Both rows of a BLOCKS pair carry the pair's loss, so the total counts each pair twice.
            double copies = paired ? 1 : 2;
            INDArray dx1 = h.gt(0).castTo(rows.dataType()).muli(y).muli(-copies);
            gradient = paired ? Nd4j.hstack(dx1, dx1.neg()) : Nd4j.vstack(dx1, dx1.neg());
        }
        return paired ? rows.perRow(loss, gradient) : rows.perTuple(loss, gradient);
    }

    @Override
    protected CoupledKernel coupledKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity ? this::evaluate : null;
    }

    /** The same formula over float arrays: x1, x2 and the gradient pair by pair. */
    private boolean evaluate(FloatRows rows, float[] losses, float[] gradient) {
        boolean paired = rows.columns() == 2;
        int pairs = rows.tuples();
        float[] a = rows.values();
        double[] y = rows.unitValues();
        float slope = paired ? 1 : 2;
        float m = (float) margin;
        for (int i = 0; i < pairs; i++) {
            if (y[i] != 1 && y[i] != -1) {
                return false;
            }
            int first = paired ? 2 * i : i;
            int second = paired ? 2 * i + 1 : pairs + i;
            // In float, rounded as the ND4J formula rounds it, so both paths agree at the kink.
            float h = m - (float) y[i] * (a[first] - a[second]);
            if (losses != null) {
                float loss = Math.max(h, 0f);
                losses[paired ? i : first] = loss;
                if (!paired) {
                    losses[second] = loss;
                }
            }
            if (gradient != null) {
                float dx1 = h > 0 ? (float) -y[i] * slope : 0f;
                gradient[first] = dx1;
                gradient[second] = -dx1;
            }
        }
        return true;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.ROW_VALUES;
    }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** Builder for {@link MarginRankingLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<MarginRankingLoss, Builder> {
        Builder() {
            super(new MarginRankingLoss());
        }

        /**
         * The margin by which x1 must beat x2 when y = +1, and x2 beat x1 when y = -1: a pair costs
         * {@code max(0, -y (x1 - x2) + margin)}. Default 0.0; finite; negative margins are allowed, as
         * in PyTorch.
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }
    }
}
