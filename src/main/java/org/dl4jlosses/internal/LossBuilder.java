package org.dl4jlosses.internal;

import org.nd4j.shade.jackson.databind.annotation.JsonPOJOBuilder;

/**
 * The builder every loss shares: it fills in a draft of the loss, whose field initialisers are the
 * defaults, and {@link #build()} checks the draft's {@link Option}s and hands out a copy. A loss's
 * own builder only adds one setter per option; DL4J's JSON reader goes through the same setters
 * (their names are the JSON names) and {@link #build()}, so a saved configuration is checked
 * like a built one.
 *
 * @param <L> the loss
 * @param <B> the loss's builder
 */
@JsonPOJOBuilder(withPrefix = "")
public abstract class LossBuilder<L extends BaseLoss, B extends LossBuilder<L, B>> {
    /** The loss being configured; setters write its fields. */
    protected final L draft;

    protected LossBuilder(L draft) {
        this.draft = draft;
    }

    /** The configured loss, its options checked; the builder may be used again afterwards. */
    public L build() {
        L loss = draft.copy();
        loss.checkOptions();
        return loss;
    }
}
