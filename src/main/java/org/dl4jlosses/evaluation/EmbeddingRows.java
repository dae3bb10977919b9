package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;

import org.dl4jlosses.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Embeddings checked and prepared for scoring: a float64 {@code [N, D]} copy, its rows
 * L2-normalised for {@link Similarity#COSINE}, with their squared norms for {@link Similarity#EUCLIDEAN}.
 */
final class EmbeddingRows {
    final INDArray matrix;
    final double[] squaredNorms;
    final Similarity similarity;

    private EmbeddingRows(INDArray matrix, double[] squaredNorms, Similarity similarity) {
        this.matrix = matrix;
        this.squaredNorms = squaredNorms;
        this.similarity = similarity;
    }

    int rows() {
        return (int) matrix.size(0);
    }

    int columns() {
        return (int) matrix.size(1);
    }

    /** Checks {@code embeddings} (a finite {@code [N, D]} matrix, N, D at least 1) and prepares it. */
    static EmbeddingRows of(INDArray embeddings, Similarity similarity, String method, String argument) {
        require(similarity != null, method, "similarity", "COSINE or EUCLIDEAN", "null");
        require(embeddings != null, method, argument, "an [N, D] INDArray of embeddings", "null");
        require(embeddings.rank() == 2 && embeddings.size(0) >= 1 && embeddings.size(1) >= 1, method, argument,
                "an [N, D] matrix with N >= 1 and D >= 1", Checks.shape(embeddings));
        require(embeddings.size(0) <= Integer.MAX_VALUE - 8, method, argument, "at most 2^31 - 9 rows", embeddings.size(0));
        require(embeddings.dataType().isFPType(), method, argument, "a floating-point array", embeddings.dataType());
        INDArray x = embeddings.castTo(DataType.DOUBLE).dup('c');
        requireFinite(x, method, argument);
        double[] squared = x.mul(x).sum(1).toDoubleVector();
        if (similarity == Similarity.COSINE) {
            double[] scale = new double[squared.length];
            for (int i = 0; i < scale.length; i++) {
                scale[i] = 1 / Math.max(Math.sqrt(squared[i]), 1e-12);
                squared[i] = squared[i] * scale[i] * scale[i];
            }
            x.muliColumnVector(Nd4j.createFromArray(scale).reshape(scale.length, 1));
        }
        return new EmbeddingRows(x, squared, similarity);
    }

    /** Rows {@code [from, to)} as a view. */
    INDArray rows(int from, int to) {
        return matrix.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** The score of a query row against a reference row from their dot product, higher = more similar. */
    double score(double dot, double querySquaredNorm, int reference) {
        if (similarity == Similarity.COSINE) {
            return dot;
        }
        return -Math.sqrt(Math.max(querySquaredNorm + squaredNorms[reference] - 2 * dot, 0));
    }

    /**
     * Fails, naming the first non-finite entry, when {@code x} has one. The sum is the cheap test: a
     * NaN or infinite entry makes it non-finite (finite entries can too, by overflow: then the scan
     * finds nothing and the entries pass).
     */
    private static void requireFinite(INDArray x, String method, String argument) {
        if (Double.isFinite(x.sumNumber().doubleValue())) {
            return;
        }
        long columns = x.size(1);
        for (long i = 0; i < x.size(0); i++) {
            double[] row = x.getRow(i).toDoubleVector();
            for (int j = 0; j < columns; j++) {
                if (!Double.isFinite(row[j])) {
                    throw fail(method, argument, "finite values", (Double.isNaN(row[j]) ? "NaN" : "an infinite value")
                            + " at row " + i + ", column " + j);
                }
            }
        }
    }
}
