package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.require;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.dl4jlosses.embedding.Distance;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J training listener for embedding losses: every {@code frequency} iterations it embeds (at
 * most {@code maxRows} rows of) the current minibatch and logs its {@link EmbeddingBatchStats},
 * warning when the mean pairwise cosine reaches the collapse threshold.
 *
 * <p>The embeddings are the network's output (its first output for a ComputationGraph) for the
 * minibatch being fitted, read in {@code iterationDone} by one extra inference pass on at most
 * {@code maxRows} rows (MultiLayerNetwork) or on the minibatch (ComputationGraph, whose inputs may
 * be stacked blocks), then the first {@code maxRows} rows. The group labels are the output
 * layer's labels (integer ids or one-hot rows; a ComputationGraph's as its output layer held them
 * in the backward pass); labels of another form (or none) leave the two fractions NaN and only
 * the cosine is watched. Output that is not {@code [N, D]} is skipped.
 * The figures of the last check are kept ({@link #lastStats()}) for tests and callers.
 */
public final class EmbeddingHealthListener extends BaseTrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingHealthListener.class);

    private final int frequency;
    private final int maxRows;
    private final Distance distance;
    private final double margin;
    private final double collapseThreshold;
    private EmbeddingBatchStats last;
    private int lastIteration = -1;
    private int checks;
    private int collapseWarnings;
    /** The output layer's labels seen in the last backward pass (a ComputationGraph shows them only then). */
    private INDArray backwardPassLabels;

    private EmbeddingHealthListener(Builder b) {
        this.frequency = b.frequency;
        this.maxRows = b.maxRows;
        this.distance = b.distance;
        this.margin = b.margin;
        this.collapseThreshold = b.collapseThreshold;
    }

    /** A listener with the defaults: every 50 iterations, 128 rows, Euclidean distance, margin 1, collapse at 0.9. */
    public EmbeddingHealthListener() {
        this(builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Keeps a reference to the output layer's labels (no copy): a ComputationGraph clears them before {@code iterationDone}. */
    @Override
    public void onBackwardPass(Model model) {
        if (model instanceof ComputationGraph) {
            backwardPassLabels = labelsOf(((ComputationGraph) model).getOutputLayer(0), null);
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (iteration % frequency != 0) {
            return;
        }
        INDArray[] batch = currentBatch(model);
        if (batch == null) {
            return;
        }
        record(batch[0], batch[1], iteration);
    }

    /**
     * Computes and logs the figures of {@code embeddings} (the first {@code maxRows} rows) with their
     * labels (null, or as {@link RetrievalEvaluator#leaveOneOut(INDArray, INDArray)} takes them), as
     * a check at {@code iteration}: what {@code iterationDone} does with the current minibatch, for
     * custom training loops.
     */
    public EmbeddingBatchStats record(INDArray embeddings, INDArray labels, int iteration) {
        require(embeddings != null && embeddings.rank() == 2, "EmbeddingHealthListener.record", "embeddings",
                "an [N, D] matrix", embeddings == null ? "null" : org.dl4jlosses.internal.Checks.shape(embeddings));
        int n = (int) Math.min(embeddings.size(0), maxRows);
        if (n < 2) {
            return null;
        }
        INDArray rows = embeddings.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        EmbeddingBatchStats stats = EmbeddingBatchStats.of(rows, groups(labels, n), distance, margin);
        last = stats;
        lastIteration = iteration;
        checks++;
        if (stats.meanPairwiseCosine() >= collapseThreshold) {
            collapseWarnings++;
            LOG.warn("iteration {}: embeddings collapsing: mean pairwise cosine {} >= {} ({})", iteration,
                    String.format(java.util.Locale.ROOT, "%.4f", stats.meanPairwiseCosine()), collapseThreshold, stats);
        } else {
            LOG.info("iteration {}: {}", iteration, stats);
        }
        return stats;
    }

    /** The group labels of the first n rows, or null when {@code labels} holds no usable ids. */
    private static int[] groups(INDArray labels, int n) {
        if (labels == null || labels.rank() != 2 && labels.rank() != 1 || labels.size(0) < n) {
            return null;
        }
        INDArray first = labels.rank() == 1 ? labels.get(NDArrayIndex.interval(0, n))
                : labels.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        try {
            return LabelArrays.of(first, n, "EmbeddingHealthListener", "labels");
        } catch (IllegalArgumentException notGroups) {
            return null;
        }
    }

    /** {embeddings, labels} of the minibatch being fitted, or null when the model does not show them. */
    private INDArray[] currentBatch(Model model) {
        if (model instanceof MultiLayerNetwork) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            INDArray input = net.getInput();
            if (input == null) {
                return null;
            }
            long n = Math.min(input.size(0), maxRows);
            INDArray rows = input.rank() == 2 ? input.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()) : input;
            INDArray out = net.output(rows, false);
            return out.rank() == 2 ? new INDArray[] {out, labelsOf(net.getOutputLayer(), net.getLabels())} : null;
        }
        if (model instanceof ComputationGraph) {
            ComputationGraph graph = (ComputationGraph) model;
            INDArray[] inputs = graph.getInputs();
            if (inputs == null || inputs.length == 0 || inputs[0] == null) {
                return null;
            }
            INDArray out = graph.output(false, inputs)[0];
            INDArray labels = labelsOf(graph.getOutputLayer(0), backwardPassLabels);
            backwardPassLabels = null;
            return out.rank() == 2 ? new INDArray[] {out, labels} : null;
        }
        return null;
    }

    private static INDArray labelsOf(Layer outputLayer, INDArray fallback) {
        INDArray labels = outputLayer instanceof IOutputLayer ? ((IOutputLayer) outputLayer).getLabels() : null;
        return labels != null ? labels : fallback;
    }

    /** The figures of the last check, or null before the first. */
    public EmbeddingBatchStats lastStats() {
        return last;
    }

    /** The iteration of the last check, or -1 before the first. */
    public int lastIteration() {
        return lastIteration;
    }

    /** Number of checks so far. */
    public int checks() {
        return checks;
    }

    /** Number of checks that found the mean pairwise cosine at or above the collapse threshold. */
    public int collapseWarnings() {
        return collapseWarnings;
    }

    /** Whether the last check found the embeddings collapsed. */
    public boolean collapsed() {
        return last != null && last.meanPairwiseCosine() >= collapseThreshold;
    }

    /** Options of {@link EmbeddingHealthListener}. */
    public static final class Builder {
        private int frequency = 50;
        private int maxRows = 128;
        private Distance distance = Distance.EUCLIDEAN;
        private double margin = 1.0;
        private double collapseThreshold = 0.9;

        private Builder() {
        }

        /** Check every {@code frequency} iterations (default 50: a check costs about a third of a small network's step, see docs/evaluation.md; at least 1). */
        public Builder frequency(int frequency) {
            require(frequency >= 1, "EmbeddingHealthListener", "frequency", "at least 1", frequency);
            this.frequency = frequency;
            return this;
        }

        /** At most this many rows of the minibatch per check (default 128; at least 2). */
        public Builder maxRows(int maxRows) {
            require(maxRows >= 2, "EmbeddingHealthListener", "maxRows", "at least 2", maxRows);
            this.maxRows = maxRows;
            return this;
        }

        /** The loss's distance, for the active fractions (default EUCLIDEAN, as TripletLoss). */
        public Builder distance(Distance distance) {
            require(distance == Distance.EUCLIDEAN || distance == Distance.SQUARED_EUCLIDEAN || distance == Distance.COSINE,
                    "EmbeddingHealthListener", "distance", "EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE", distance);
            this.distance = distance;
            return this;
        }

        /** The loss's margin, for the active fractions (default 1, as TripletLoss). */
        public Builder margin(double margin) {
            require(Double.isFinite(margin) && margin >= 0, "EmbeddingHealthListener", "margin", "finite and >= 0", margin);
            this.margin = margin;
            return this;
        }

        /** Warn when the mean pairwise cosine is at least this (default 0.9). */
        public Builder collapseThreshold(double threshold) {
            require(threshold > -1 && threshold <= 1, "EmbeddingHealthListener", "collapseThreshold", "in (-1, 1]", threshold);
            this.collapseThreshold = threshold;
            return this;
        }

        public EmbeddingHealthListener build() {
            return new EmbeddingHealthListener(this);
        }
    }
}
