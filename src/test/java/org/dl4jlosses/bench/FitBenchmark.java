package org.dl4jlosses.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.internal.LaneMath;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.common.primitives.Pair;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole training steps (issue 16, item 10): one {@code MultiLayerNetwork.fit(DataSet)} per
 * operation on an MLP 784-256-1000, {@code DenseLayer(784 -> 256, ReLU)} then
 * {@code OutputLayer(256 -> 1000, softmax)} with the loss under test, float32, fixed seeds. This
 * puts the loss in proportion: forward, backward, the updater and DL4J's workspaces are all in the
 * time, as a user sees them.
 *
 * <ul>
 * <li>{@code loss = CrossEntropyLoss}: ours, default build ({@code new CrossEntropyLoss()});</li>
 * <li>{@code loss = LossMCXENT}: DL4J's built-in multi-class cross-entropy;</li>
 * <li>{@code loss = LowerBound}: {@link LowerBound}, the least any loss can cost, which bounds how
 * much faster than {@code LossMCXENT} a step can get by changing the loss alone.</li>
 * </ul>
 * The batch ({@code batch} rows of N(0, 1) features and one-hot labels of uniformly random classes)
 * is made once per trial; the network is built once per trial too, so its parameters keep training
 * over the iterations (the same for both losses: the same seeds and the same gradients up to
 * rounding).
 *
 * <p>Run through {@link BenchMain} ({@code mvn -o -P bench test-compile exec:exec -Dbench.args="fit"},
 * add {@code --vector false} for a benchmark JVM without {@code --add-modules jdk.incubator.vector});
 * the annotations below are only the defaults for running this class directly with JMH.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class FitBenchmark {

    /** The input width (an MNIST-like image) and the hidden width. */
    static final int N_IN = 784;
    static final int HIDDEN = 256;
    /** The number of classes. */
    static final int N_OUT = 1000;
    static final long SEED = 42;

    @Param({"CrossEntropyLoss", "LossMCXENT", "LowerBound"})
    public String loss;

    @Param({"256"})
    public int batch;

    /** {@code adam} (Adam, learning rate 1e-3) or {@code sgd} (plain SGD, learning rate 1e-2). */
    @Param({"adam"})
    public String updater;

    private MultiLayerNetwork net;
    private DataSet data;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        net = network(newLoss(loss), newUpdater(updater));
        data = batch(batch, SEED);
        // Once, outside the timing: the step must run and give a finite score.
        net.fit(data);
        double s = net.score();
        if (!Double.isFinite(s)) {
            throw new IllegalStateException(loss + " gave a non-finite score " + s);
        }
        System.out.println("# fit setup: loss=" + loss + ", batch=" + batch + ", updater=" + updater
                + ", jdk.incubator.vector module " + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? "present" : "absent") + ", dl4jlosses Vector API " + (LaneMath.VECTOR ? "on" : "off")
                + ", first score " + s);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    }

    /** One training step; the network holds its score, nothing to hand to a Blackhole. */
    @Benchmark
    public void fit() {
        net.fit(data);
    }

    static ILossFunction newLoss(String name) {
        switch (name) {
            case "CrossEntropyLoss": return new CrossEntropyLoss();
            case "LossMCXENT": return new LossMCXENT();
            case "LowerBound": return new LowerBound();
            default: throw new IllegalArgumentException("loss must be CrossEntropyLoss, LossMCXENT or LowerBound, got "
                    + name);
        }
    }

    static IUpdater newUpdater(String name) {
        switch (name) {
            case "adam": return new Adam(1e-3);
            case "sgd": return new Sgd(1e-2);
            default: throw new IllegalArgumentException("updater must be adam or sgd, got " + name);
        }
    }

    static MultiLayerNetwork network(ILossFunction lossFn, IUpdater upd) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .dataType(DataType.FLOAT)
                .updater(upd)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).activation(new ActivationReLU()).build())
                .layer(new OutputLayer.Builder(lossFn).nIn(HIDDEN).nOut(N_OUT).activation(new ActivationSoftmax()).build())
                .build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    /** {@code rows} inputs ~ N(0, 1) and one-hot labels of uniformly random classes, float32. */
    static DataSet batch(int rows, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.randn(DataType.FLOAT, rows, N_IN);
        Random rnd = new Random(seed * 31 + 7);
        float[] y = new float[rows * N_OUT];
        for (int r = 0; r < rows; r++) {
            y[r * N_OUT + rnd.nextInt(N_OUT)] = 1f;
        }
        INDArray labels = Nd4j.create(y, new long[] {rows, N_OUT}, DataType.FLOAT);
        return new DataSet(features, labels);
    }

    /**
     * A stand-in for the cheapest possible loss: its gradient {@code preOutput - labels} is one ND4J
     * op into one new array, the least a loss must do (DL4J's output layer needs a fresh gradient
     * array); its score is 0. It is not a loss anyone trains with: a step with it is the floor under
     * every real loss's step on this network.
     */
    public static final class LowerBound implements ILossFunction {
        private static final long serialVersionUID = 1L;

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                   boolean average) {
            return 0;
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
                                          INDArray mask) {
            return Nd4j.zeros(preOutput.dataType(), preOutput.size(0), 1);
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return preOutput.sub(labels);
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                              IActivation activationFn, INDArray mask,
                                                              boolean average) {
            return new Pair<>(0.0, computeGradient(labels, preOutput, activationFn, mask));
        }

        @Override
        public String name() {
            return "LowerBound";
        }
    }
}
