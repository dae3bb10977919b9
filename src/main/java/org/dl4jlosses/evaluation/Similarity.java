package org.dl4jlosses.evaluation;

/** How a query and a reference embedding are compared; a higher score means more similar. */
public enum Similarity {
    /**
     * Cosine similarity {@code u_q . u_r} of the rows L2-normalised ({@code x / max(|x|, 1e-12)},
     * as PyTorch's {@code F.normalize}): the default.
     */
    COSINE,
    /**
     * The negated Euclidean distance {@code -|q - r|}, from {@code |q|^2 + |r|^2 - 2 q . r}
     * (clamped at 0): nearest neighbours by distance, as pytorch-metric-learning's default
     * {@code FaissKNN} ({@code IndexFlatL2}) finds them.
     */
    EUCLIDEAN
}
