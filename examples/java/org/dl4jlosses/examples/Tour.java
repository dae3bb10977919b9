package org.dl4jlosses.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.MeanBiasError;
import org.dl4jlosses.regression.MseLoss;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The example tour, run by {@code mvn -q compile exec:java}: a small demonstration that trains
 * networks with a few of the library's losses on data generated in code and prints what they
 * reach. (The full set of example trainers replaces it.)
 */
public final class Tour {
    private static final int SEED = 7;

    private Tour() {
    }

    public static void main(String[] args) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        System.out.println("dl4j-losses tour: three classes of 2-D blobs, one class 20x rarer");
        INDArray[] blobs = blobs(1200, new Random(SEED));
        Map<String, ILossFunction> classifiers = new LinkedHashMap<>();
        classifiers.put("CrossEntropyLoss", new CrossEntropyLoss());
        classifiers.put("FocalLoss(gamma=2)", FocalLoss.builder().gamma(2.0).build());
        classifiers.put("PolyLoss(epsilon=1)", new PolyLoss());
        for (Map.Entry<String, ILossFunction> e : classifiers.entrySet()) {
            MultiLayerNetwork net = network(2, 3, Activation.SOFTMAX, e.getValue());
            double first = net.score(new org.nd4j.linalg.dataset.DataSet(blobs[0], blobs[1]));
            for (int epoch = 0; epoch < 150; epoch++) {
                net.fit(blobs[0], blobs[1]);
            }
            double last = net.score(new org.nd4j.linalg.dataset.DataSet(blobs[0], blobs[1]));
            INDArray predicted = Nd4j.argMax(net.output(blobs[0]), 1);
            INDArray truth = Nd4j.argMax(blobs[1], 1);
            long correct = predicted.eq(truth).castTo(DataType.INT).sumNumber().longValue();
            System.out.printf("  %-22s loss %.4f -> %.4f   accuracy %.3f   rare-class recall %.3f%n", e.getKey(),
                    first, last, correct / (double) truth.length(), recall(predicted, truth, 2));
        }

        System.out.println("dl4j-losses tour: regression of sin(x) with 10% gross outliers");
        INDArray[] curve = noisyCurve(600, new Random(SEED));
        INDArray clean = Nd4j.math().sin(curve[0]);
        Map<String, ILossFunction> regressors = new LinkedHashMap<>();
        regressors.put("MseLoss", new MseLoss());
        regressors.put("HuberLoss(delta=0.5)", HuberLoss.builder().delta(0.5).build());
        for (Map.Entry<String, ILossFunction> e : regressors.entrySet()) {
            MultiLayerNetwork net = network(1, 1, Activation.IDENTITY, e.getValue());
            for (int epoch = 0; epoch < 400; epoch++) {
                net.fit(curve[0], curve[1]);
            }
            INDArray fit = net.output(curve[0]);
            double rmse = Math.sqrt(fit.sub(clean).norm2Number().doubleValue() * fit.sub(clean).norm2Number().doubleValue() / fit.length());
            System.out.printf("  %-22s RMSE vs clean curve %.4f   mean bias vs clean %+.4f%n", e.getKey(), rmse,
                    MeanBiasError.of(clean, fit).overall());
        }
    }

    private static MultiLayerNetwork network(int in, int out, Activation activation, ILossFunction loss) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(new Adam(0.02))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(in).nOut(32).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(32).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(32).nOut(out).activation(activation).build())
                .build());
        net.init();
        return net;
    }

    /** Three Gaussian blobs; class 2 is 20 times rarer than the others. */
    private static INDArray[] blobs(int n, Random random) {
        double[][] centres = {{-1, 0}, {1, 0}, {0, 0.9}};
        double[][] x = new double[n][2];
        double[][] y = new double[n][3];
        for (int i = 0; i < n; i++) {
            int c = i % 41 == 0 ? 2 : i % 2;
            x[i][0] = centres[c][0] + 0.55 * random.nextGaussian();
            x[i][1] = centres[c][1] + 0.55 * random.nextGaussian();
            y[i][c] = 1;
        }
        return new INDArray[] {Nd4j.createFromArray(x).castTo(DataType.FLOAT), Nd4j.createFromArray(y).castTo(DataType.FLOAT)};
    }

    /** y = sin(x) + small noise, and 10% of the points thrown far off. */
    private static INDArray[] noisyCurve(int n, Random random) {
        double[][] x = new double[n][1];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            x[i][0] = -3 + 6.0 * i / n;
            y[i][0] = Math.sin(x[i][0]) + 0.05 * random.nextGaussian() + (random.nextDouble() < 0.1 ? 4 + 2 * random.nextDouble() : 0);
        }
        return new INDArray[] {Nd4j.createFromArray(x).castTo(DataType.FLOAT), Nd4j.createFromArray(y).castTo(DataType.FLOAT)};
    }

    private static double recall(INDArray predicted, INDArray truth, int cls) {
        long hits = 0;
        long total = 0;
        for (int i = 0; i < truth.length(); i++) {
            if (truth.getInt(i) == cls) {
                total++;
                hits += predicted.getInt(i) == cls ? 1 : 0;
            }
        }
        return total == 0 ? 0 : hits / (double) total;
    }
}
