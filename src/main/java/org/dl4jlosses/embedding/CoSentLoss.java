package org.dl4jlosses.embedding;

import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * CoSENT (Su 2022): learns similarities that rank pairs of embeddings as their similarity scores
 * rank them. With {@code x_i = scale cos(l_i, r_i)} for pair i,
 * {@code L = log(1 + sum_{(i, j): y_i > y_j} exp(x_j - x_i))} over every two pairs of the batch
 * whose scores differ: each misordered pair of pairs costs, pairs of equal score are never
 * compared, and a batch whose pairs all share one score gives 0 (loss and gradient).
 *
 * <p>Layout, labels and masks: see {@link PairScoreRankingLoss} (BLOCKS, left; right, block-0
 * labels the pairs' scores, any finite values). The loss is one value for the whole batch (the
 * reference's); each of the batch's 2N kept rows carries it, so {@code computeScore(average=false)}
 * is {@code 2N L} and {@code average=true} gives {@code L} (DL4J's division by the row count).
 *
 * <p>Reference: sentence-transformers {@code CoSENTLoss(scale)} with its default
 * {@code util.pairwise_cos_sim} (rows normalised by {@code F.normalize}, whose 1e-12 floor keeps
 * a zero row finite: its cosine is 0); Jianlin Su, "CoSENT", https://kexue.fm/archives/8847.
 * The reference masks the pairs of pairs it leaves out by subtracting 1e12 from their logits; here
 * they are left out of the sum, which is the same number. Computed as a log-sum-exp with a zero
 * term over the pairs sorted by score (O(N log N), no N x N array), so any scale is finite; the
 * gradient by hand (see {@link PairScoreRankingLoss}), with {@code d cos_i / d u_i = v_i} and
 * {@code d cos_i / d v_i = u_i} for the normalised rows {@code u_i}, {@code v_i}.
 *
 * <p>Option: {@code scale} (default 20.0, finite and &gt; 0), multiplying the cosines.
 */
@JsonDeserialize(builder = CoSentLoss.Builder.class)
public final class CoSentLoss extends PairScoreRankingLoss {
    private static final long serialVersionUID = 1L;

    /** The defaults: scale 20. */
    public CoSentLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    boolean angle() {
        return false;
    }

    /** Builder for {@link CoSentLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends PairScoreRankingLoss.Builder<CoSentLoss, Builder> {
        Builder() {
            super(new CoSentLoss());
        }
    }
}
