package org.dl4jlosses.regression;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;
import static org.dl4jlosses.internal.Checks.shape;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mean bias error, a metric and not a loss: it is signed and unbounded below, so minimising it
 * would drive predictions to infinity. {@code MBE = mean(labels - predictions)}: positive when
 * the model under-predicts on average, negative when it over-predicts.
 *
 * <p>With a mask (a row mask {@code [R, 1]} or an element mask {@code [R, K]}), only unmasked
 * elements count, in both the sums and the counts. A column with no unmasked element has no
 * mean: its entry is {@code NaN}, and {@link #count(int)} tells it apart.
 */
public final class MeanBiasError {
    private final double overall;
    private final double[] perColumn;
    private final long[] counts;

    private MeanBiasError(double overall, double[] perColumn, long[] counts) {
        this.overall = overall;
        this.perColumn = perColumn;
        this.counts = counts;
    }

    /**
     * MBE of predictions against labels, both {@code [R, K]}.
     *
     * @param labels the targets {@code [R, K]}
     * @param predictions the predictions {@code [R, K]}
     * @return the overall and per-column mean bias
     */
    public static MeanBiasError of(INDArray labels, INDArray predictions) {
        return of(labels, predictions, null);
    }

    /**
     * MBE over the elements a row mask {@code [R, 1]} or element mask {@code [R, K]} keeps (null: all).
     *
     * @param labels the targets {@code [R, K]}
     * @param predictions the predictions {@code [R, K]}
     * @param mask a row mask {@code [R, 1]}, an element mask {@code [R, K]}, or null
     * @return the overall and per-column mean bias over the unmasked elements
     */
    public static MeanBiasError of(INDArray labels, INDArray predictions, INDArray mask) {
        String name = "MeanBiasError";
        require(predictions != null && predictions.rank() == 2, name, "predictions", "a rank 2 array [rows, columns]",
                predictions == null ? "null" : shape(predictions));
        require(labels != null && Arrays.equals(labels.shape(), predictions.shape()), name, "labels",
                shape(predictions) + " like predictions", labels == null ? "null" : shape(labels));
        long rows = predictions.size(0);
        long columns = predictions.size(1);
        INDArray weights;
        if (mask == null) {
            weights = Nd4j.ones(DataType.DOUBLE, rows, columns);
        } else if (mask.rank() == 2 && mask.size(0) == rows && (mask.size(1) == 1 || mask.size(1) == columns)) {
            weights = mask.castTo(DataType.DOUBLE).broadcast(rows, columns);
        } else {
            throw fail(name, "mask", "a row mask [" + rows + ", 1] or an element mask [" + rows + ", " + columns + "]", shape(mask));
        }
        INDArray bias = labels.castTo(DataType.DOUBLE).sub(predictions.castTo(DataType.DOUBLE)).muli(weights);
        require(!Double.isNaN(bias.sumNumber().doubleValue()), name, "labels and predictions", "free of NaN", "NaN");
        double[] sums = bias.sum(0).toDoubleVector();
        double[] kept = weights.sum(0).toDoubleVector();
        double total = 0;
        double totalCount = 0;
        double[] perColumn = new double[sums.length];
        long[] counts = new long[sums.length];
        for (int k = 0; k < sums.length; k++) {
            perColumn[k] = kept[k] == 0 ? Double.NaN : sums[k] / kept[k];
            counts[k] = Math.round(kept[k]);
            total += sums[k];
            totalCount += kept[k];
        }
        require(totalCount > 0, name, "mask", "keeping at least one element", "a mask of zeros");
        return new MeanBiasError(total / totalCount, perColumn, counts);
    }

    /** {@return the mean of {@code labels - predictions} over all (unmasked) elements} */
    public double overall() {
        return overall;
    }

    /**
     * {@return a copy of the mean of {@code labels - predictions} per column ({@code NaN} where a
     * column has no unmasked element)}
     */
    public double[] perColumn() {
        return perColumn.clone();
    }

    /**
     * The mean for one column.
     *
     * @param column the column's index
     * @return the column's mean ({@code NaN} if it has no unmasked element)
     */
    public double perColumn(int column) {
        return perColumn[column];
    }

    /**
     * How many (mask-weighted) elements column {@code column} averaged over.
     *
     * @param column the column's index
     * @return the column's (mask-weighted) element count, rounded
     */
    public long count(int column) {
        return counts[column];
    }

    @Override
    public String toString() {
        return "MeanBiasError(overall=" + overall + ", perColumn=" + Arrays.toString(perColumn) + ")";
    }
}
