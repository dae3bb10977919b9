package org.dl4jlosses.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The training loop the examples share: shuffled minibatches for a number of epochs, the mean
 * training loss of every epoch, a held-out metric measured a few times along the way (the
 * "probe"), progress lines, and the wall-clock seconds.
 */
public final class Training {
    private Training() {
    }

    /** Measures a network, usually on held-out data; higher or lower is better as the metric says. */
    @FunctionalInterface
    public interface Probe {
        double measure(MultiLayerNetwork net);
    }

    /**
     * What one training run recorded: the mean training loss per epoch (1-based epochs), the
     * probe's values at {@code probeEpochs} (epoch 0 = before training), and the seconds it took
     * (probes included).
     */
    public record Curve(String loss, String metric, double[] epochs, double[] trainLoss, double[] probeEpochs,
                        double[] probe, double seconds) {
        /** The probe's last value: the metric at the end of training. */
        public double finalMetric() {
            return probe[probe.length - 1];
        }

        /** The element-wise mean of runs of one schedule (same epochs and probe epochs), labelled {@code loss}; seconds add up. */
        public static Curve mean(String loss, List<Curve> runs) {
            Curve first = runs.get(0);
            double[] trainLoss = new double[first.trainLoss.length];
            double[] probe = new double[first.probe.length];
            double seconds = 0;
            for (Curve run : runs) {
                for (int i = 0; i < trainLoss.length; i++) {
                    trainLoss[i] += run.trainLoss[i] / runs.size();
                }
                for (int i = 0; i < probe.length; i++) {
                    probe[i] += run.probe[i] / runs.size();
                }
                seconds += run.seconds;
            }
            return new Curve(loss, first.metric, first.epochs, trainLoss, first.probeEpochs, probe, seconds);
        }
    }

    /**
     * A small fully connected network in float32: tanh hidden layers, then an {@code OutputLayer}
     * with the loss and output activation, Adam at learning rate {@code lr}, Xavier initialisation
     * from {@code seed} (so every loss of an example starts from the same weights).
     */
    public static MultiLayerNetwork mlp(long seed, double lr, int in, int[] hidden, int out, Activation output,
                                        ILossFunction loss) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(lr))
                .weightInit(WeightInit.XAVIER)
                .list();
        int width = in;
        for (int h : hidden) {
            list.layer(new DenseLayer.Builder().nIn(width).nOut(h).activation(Activation.TANH).build());
            width = h;
        }
        list.layer(new OutputLayer.Builder(loss).nIn(width).nOut(out).activation(output).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * Trains {@code net} on {@code train} for {@code epochs} epochs of minibatches of
     * {@code batchSize} rows, reshuffled every epoch (from {@code seed}; one batch of all rows is not shuffled); measures the probe
     * before training, about {@code probes} times along the way and at the end; prints progress
     * about five times, labelled {@code label}.
     */
    public static Curve fit(String label, MultiLayerNetwork net, DataSet train, int epochs, int batchSize, long seed,
                            String metric, Probe probe, int probes, Output out) {
        return fit(label, net, train, epochs, batchSize, seed, metric, probe, probes, 5, out);
    }

    /** As {@link #fit(String, MultiLayerNetwork, DataSet, int, int, long, String, Probe, int, Output)}, printing about {@code prints} times. */
    public static Curve fit(String label, MultiLayerNetwork net, DataSet train, int epochs, int batchSize, long seed,
                            String metric, Probe probe, int probes, int prints, Output out) {
        long start = System.nanoTime();
        INDArray features = train.getFeatures();
        INDArray labels = train.getLabels();
        int rows = (int) features.size(0);
        int probeEvery = Math.max(1, epochs / Math.max(1, probes));
        int printEvery = Math.max(1, epochs / Math.max(1, prints));
        List<Double> probeEpochs = new ArrayList<>(List.of(0.0));
        List<Double> probed = new ArrayList<>(List.of(probe.measure(net)));
        double[] epochAxis = new double[epochs];
        double[] losses = new double[epochs];
        Random random = new Random(seed);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            // One gather per epoch, then minibatches as views: DataSet.batchBy splits into one DataSet per row first.
            boolean fullBatch = batchSize >= rows;
            int[] order = fullBatch ? null : permutation(rows, random);
            INDArray x = fullBatch ? features : Nd4j.pullRows(features, 1, order);
            INDArray y = fullBatch ? labels : Nd4j.pullRows(labels, 1, order);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < rows; from += batchSize) {
                int to = Math.min(rows, from + batchSize);
                net.fit(x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()),
                        y.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
                sum += net.score();
                batches++;
            }
            epochAxis[epoch - 1] = epoch;
            losses[epoch - 1] = sum / batches;
            boolean last = epoch == epochs;
            boolean print = epoch % printEvery == 0 || last;
            if (epoch % probeEvery == 0 || print) {
                probeEpochs.add((double) epoch);
                probed.add(probe.measure(net));
            }
            if (print) {
                out.progress("%-28s epoch %4d/%d  loss %.4f  %s %.4f", label, epoch, epochs, losses[epoch - 1],
                        metric, probed.get(probed.size() - 1));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Curve(label, metric, epochAxis, losses, unbox(probeEpochs), unbox(probed), seconds);
    }

    /** A float32 matrix from rows of doubles. */
    public static INDArray matrix(double[][] rows) {
        return Nd4j.createFromArray(rows).castTo(DataType.FLOAT);
    }

    /** The network's outputs on {@code features}, as rows of doubles. */
    public static double[][] predict(MultiLayerNetwork net, INDArray features) {
        return rows(net.output(features));
    }

    /** A matrix as rows of doubles, copied in one piece ({@code toDoubleMatrix} copies row by row, slowly). */
    public static double[][] rows(INDArray matrix) {
        int r = (int) matrix.size(0);
        int c = (int) matrix.size(1);
        double[] flat = matrix.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static double[] unbox(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
