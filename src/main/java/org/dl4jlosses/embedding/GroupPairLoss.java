package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link SupervisedContrastiveLoss}, {@link MultiSimilarityLoss} and {@link CircleLoss} share:
 * the GROUPS layout ({@code z [n, D]} embeddings, labels group ids {@code [n, 1]} or one-hot rows,
 * a masked row nobody's positive or negative); their formulas share {@link GroupSimilarities}.
 */
abstract class GroupPairLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;

    GroupPairLoss() {
    }

    @Override
    protected final Units units(INDArray preOutput) {
        return Units.groups();
    }

    @Override
    protected final LabelKind labelKind(IActivation activation) {
        return LabelKind.GROUPS;
    }
}
