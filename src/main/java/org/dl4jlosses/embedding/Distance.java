package org.dl4jlosses.embedding;

/**
 * How two embeddings x and y are compared, shared by the triplet, contrastive and retrieval losses
 * (each loss names the ones it takes and rejects the others at {@code build()}).
 */
public enum Distance {
    /**
     * {@code |x - y|}. {@link TripletLoss} with mining NONE uses PyTorch's
     * {@code pairwise_distance}, {@code |x - y + 1e-6|}. A distance of 0 has gradient 0.
     */
    EUCLIDEAN,
    /** {@code |x - y|^2}. */
    SQUARED_EUCLIDEAN,
    /**
     * {@code 1 - cos(x, y) = 1 - u_x . u_y} with unit rows {@code u = x / max(|x|, 1e-12)}; as a
     * similarity (where a loss takes similarities: {@link MultipleNegativesRankingLoss}), the
     * cosine {@code u_x . u_y}.
     */
    COSINE,
    /**
     * The dot product {@code x . y}: a similarity, not a distance, for losses that take
     * similarities ({@link MultipleNegativesRankingLoss}).
     */
    DOT
}
