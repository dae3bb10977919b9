package org.dl4jlosses.ranking;

import static org.dl4jlosses.internal.Checks.require;

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
    static final String NAME = "MarginRankingLoss";

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
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, margin);
    }

    /** {@code h = margin - y (x1 - x2)}, the pair's loss {@code max(0, h)}, its slope 1 where h &gt; 0. */
    static final class Formula implements CoupledFormula {
        private final double margin;

        Formula(double margin, LaneMath<?> n) {
            this.margin = margin;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            boolean paired = rows.columns() == 2;
            int pairs = rows.tuples();
            Object a = rows.rows();
            double[] y = rows.unitValues();
            for (int i = 0; i < pairs; i++) {
                if (y[i] != 1 && y[i] != -1) {
                    throw Checks.fail(NAME, "labels", "-1 or +1", y[i] + " at pair " + i);
                }
            }
            // Both rows of a BLOCKS pair carry the pair's loss, so the total counts each pair twice.
            double copies = paired ? 1 : 2;
            for (int i = 0; i < pairs; i++) {
                int first = paired ? 2 * i : i;
                int second = paired ? 2 * i + 1 : pairs + i;
                double h = margin - y[i] * (n.get(a, first) - n.get(a, second));
                if (losses != null) {
                    losses[paired ? i : first] = Math.max(h, 0);
                    if (!paired) {
                        losses[second] = Math.max(h, 0);
                    }
                }
                if (gradient != null) {
                    double dx1 = h > 0 ? -y[i] * copies : 0;
                    n.set(gradient, first, dx1);
                    n.set(gradient, second, -dx1);
                }
            }
        }
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
