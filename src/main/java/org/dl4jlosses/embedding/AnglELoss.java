package org.dl4jlosses.embedding;

import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * AnglE (Li &amp; Li 2023, "AnglE-optimized Text Embeddings", arXiv 2309.12871): {@link CoSentLoss}'s
 * ranking of pairs with the cosine replaced by an angle similarity in complex space, whose gradient
 * does not vanish where the cosine saturates. With each embedding split into halves,
 * {@code r = [a, b]} read as the complex vector {@code a + ib} (D/2 entries),
 * {@code sim(l, r) = |sum_k Re(z_k) + Im(z_k)|}, {@code z = (a + ib) conj(c + id) / (|l| |r|)}
 * elementwise for {@code l = [a, b]}, {@code r = [c, d]}; that is
 * {@code |a.c + b.d + b.c - a.d| / (|l| |r|)} (the cosine plus {@code (b.c - a.d) / (|l| |r|)},
 * at most sqrt(2)). Then {@code L = log(1 + sum_{(i, j): y_i > y_j} exp(x_j - x_i))},
 * {@code x_i = scale sim_i}, as CoSENT.
 *
 * <p>Reference: sentence-transformers {@code AnglELoss(scale)}, which is {@code CoSENTLoss} with
 * {@code util.pairwise_angle_sim}; its arithmetic (the product with the conjugate divided by
 * {@code |r|^2}, then by {@code |l| / |r|}, the real and imaginary parts summed, the absolute
 * value) is reproduced here on rows normalised as {@code F.normalize} does (divided by
 * {@code max(|r|, 1e-12)}): the same number for any row of norm 1e-12 or more, and finite for a
 * zero row (similarity 0), where the reference divides 0 by 0. Decisions:
 * <ul>
 * <li>D must be even ({@code preOutput [2N, D]}): an odd D is rejected ("AnglELoss: preOutput must
 * be [2N, D] with D even ..."). Older sentence-transformers fail there too; newer ones pad the
 * rows with a zero column, which a zero column appended to the embeddings reproduces.</li>
 * <li>Gradient (see {@link PairScoreRankingLoss} for the ranking part): on the normalised rows
 * {@code [a, b]}, {@code [c, d]}, with {@code t = a.c + b.d + b.c - a.d} and {@code s = sign(t)},
 * {@code d sim / d(a, b) = s (c - d, c + d)} and {@code d sim / d(c, d) = s (a + b, b - a)}; at
 * {@code t = 0} it is 0, as autograd's for {@code abs} (so a zero row, whose similarity is 0,
 * gets no gradient).</li>
 * </ul>
 *
 * <p>Layout, labels, masks and how the batch's value is spread over its rows: as
 * {@link CoSentLoss} (see {@link PairScoreRankingLoss}). Option: {@code scale} (default 20.0,
 * finite and &gt; 0), multiplying the similarities.
 */
@JsonDeserialize(builder = AnglELoss.Builder.class)
public final class AnglELoss extends PairScoreRankingLoss {
    private static final long serialVersionUID = 1L;

    /** The defaults: scale 20. */
    public AnglELoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    boolean angle() {
        return true;
    }

    /** Builder for {@link AnglELoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends PairScoreRankingLoss.Builder<AnglELoss, Builder> {
        Builder() {
            super(new AnglELoss());
        }
    }
}
