package org.dl4jlosses.ranking;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.LabelKind;
import org.nd4j.linalg.activations.IActivation;

/**
 * The layout the listwise ranking losses share: one row is one query's list of K items, preOutput
 * {@code [R, K]} their scores (after the layer's activation; the identity is usual) and the labels
 * {@code [R, K]} their relevance grades, finite and &gt;= 0. An element mask {@code [R, K]} marks
 * padding, for lists shorter than K: the items it masks leave their list, as if they were not
 * there (their scores and grades are not read, their gradient is 0). A row mask {@code [R, 1]}
 * removes whole lists. The score of a batch is the mean over its R lists.
 */
public abstract class ListwiseLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    ListwiseLoss() {
    }

    @Override
    protected final LabelKind labelKind(IActivation activation) {
        return LabelKind.GRADES;
    }
}
