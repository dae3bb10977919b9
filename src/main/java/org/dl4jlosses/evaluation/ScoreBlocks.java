package org.dl4jlosses.evaluation;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scores of every query against every reference, a block of queries at a time: one BLAS
 * product ({@code dgemm}) per block into a {@code [blockRows, nReferences]} buffer, handed to a
 * visitor row by row, so memory stays {@code blockRows x nReferences} whatever the number of queries.
 */
final class ScoreBlocks {
    /** Receives the scores of one query: {@code scores[offset + r]} for reference r. */
    interface RowVisitor {
        void visit(int query, double[] scores, int offset);
    }

    private ScoreBlocks() {
    }

    /** Default block size: about 2^23 scores (64 MB of doubles) per block, between 1 and 1024 rows. */
    static int defaultBlockRows(int references) {
        return (int) Math.max(1, Math.min(1024, (1L << 23) / Math.max(references, 1)));
    }

    /** Visits the scores of every query row against every reference row, in query order. */
    static void forEachRow(EmbeddingRows queries, EmbeddingRows references, int blockRows, RowVisitor visitor) {
        int n = queries.rows();
        int m = references.rows();
        int block = Math.min(blockRows, n);
        INDArray product = Nd4j.createUninitialized(DataType.DOUBLE, block, m);
        double[] scores = new double[block * m];
        for (int from = 0; from < n; from += block) {
            int to = Math.min(n, from + block);
            int rows = to - from;
            INDArray out = rows == block ? product : Nd4j.createUninitialized(DataType.DOUBLE, rows, m);
            Nd4j.gemm(queries.rows(from, to), references.matrix, out, false, true, 1.0, 0.0);
            DoubleBuffer buffer = out.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
            buffer.get(scores, 0, rows * m);
            for (int q = 0; q < rows; q++) {
                int offset = q * m;
                if (references.similarity == Similarity.EUCLIDEAN) {
                    double qq = queries.squaredNorms[from + q];
                    for (int r = 0; r < m; r++) {
                        scores[offset + r] = references.score(scores[offset + r], qq, r);
                    }
                }
                visitor.visit(from + q, scores, offset);
            }
        }
    }
}
