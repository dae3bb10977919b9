package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.bench.BenchCase;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.ranking.MarginRankingLoss;
import org.dl4jlosses.testing.Assert;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The coupled losses' Java kernels against their ND4J formulas on float32: every configuration
 * of the coupled catalogue that has a kernel (with masked units, labels of another data type and
 * a strided preOutput), and every coupled benchmark case at its full size.
 */
class CoupledKernelPathTest {
    @AfterEach
    void kernelsBackOn() {
        Kernels.setEnabled(true);
    }

    static boolean hasKernel(ILossFunction loss, IActivation activation, long columns) {
        if (loss instanceof CoupledLoss) {
            return ((CoupledLoss) loss).coupledKernel(activation, (int) columns) != null;
        }
        return ((BaseLoss) loss).floatKernel(activation, (int) columns) != null;
    }

    static Stream<Arguments> catalogue() {
        List<Arguments> cases = new ArrayList<>();
        for (CoupledCatalogue.Entry e : CoupledCatalogue.all()) {
            CoupledCatalogue.Sample s = e.sample(new Random(1), DataType.FLOAT);
            if (hasKernel(e.loss, e.activation, s.z.size(1))) {
                cases.add(Arguments.of(e));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void kernelEqualsTheOpPath(CoupledCatalogue.Entry e) {
        for (int seed = 0; seed < 3; seed++) {
            CoupledCatalogue.Sample s = e.sample(new Random(seed), DataType.FLOAT);
            compare(e.loss, e.activation, e + " seed " + seed, s.labels, s.z, null);
            compare(e.loss, e.activation, e + " seed " + seed, s.labels, s.z, s.maskOf(0, s.units.length - 1));
            compare(e.loss, e.activation, e + " all masked", s.labels, s.z, s.maskOf(allUnits(s)));
            INDArray wide = Nd4j.zeros(DataType.FLOAT, s.rows(), s.z.size(1) + 3);
            INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, s.z.size(1) + 2));
            view.assign(s.z);
            compare(e.loss, e.activation, e + " strided, double labels", s.labels.castTo(DataType.DOUBLE), view,
                    s.maskOf(1));
        }
    }

    static Stream<Arguments> benchmarks() {
        List<Arguments> cases = new ArrayList<>();
        for (BenchCase c : BenchCase.values()) {
            if (c.coupled() && hasKernel(c.newLoss(false), c.activation(), c.inputs(1)[0].size(1))) {
                cases.add(Arguments.of(c));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void kernelEqualsTheOpPathAtBenchmarkSize(BenchCase c) {
        INDArray[] inputs = c.inputs(5);
        compare(c.newLoss(false), c.activation(), c.id(), inputs[1], inputs[0], null);
    }

    @Test
    void arcFaceOnCosines() {
        // ArcFace is a row loss on the point-wise kernel path; its catalogue entries use tanh, so
        // the identity kernel is compared here, on cosines including +-1 and values just past them.
        IActivation identity = new ActivationIdentity();
        Random random = new Random(3);
        int rows = 300;
        int classes = 257;
        float[] cosines = new float[rows * classes];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int[] edges = {1, 2, 3, 4};
        float[] values = {1f, -1f, 1 + 4e-6f, -1 - 4e-6f};
        double[] indices = new double[rows];
        for (int r = 0; r < rows; r++) {
            indices[r] = random.nextInt(classes);
        }
        for (int e = 0; e < edges.length; e++) {
            int r = edges[e];
            cosines[r * classes + (int) indices[r]] = values[e];
            cosines[(r + 10) * classes + 5] = values[e];
        }
        INDArray z = Nd4j.create(cosines, new long[] {rows, classes}, DataType.FLOAT);
        INDArray labels = Nd4j.createFromArray(indices).reshape(rows, 1).castTo(DataType.FLOAT);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int r = 0; r < rows; r++) {
            oneHot.putScalar(r, (int) indices[r], 1);
        }
        INDArray mask = Nd4j.ones(DataType.FLOAT, rows, 1);
        mask.putScalar(7, 0, 0);
        for (AdditiveAngularMarginLoss loss : List.of(new AdditiveAngularMarginLoss(),
                AdditiveAngularMarginLoss.builder().scale(30).margin(0.3).build(),
                AdditiveAngularMarginLoss.builder().scale(16).easyMargin(true).build(),
                AdditiveAngularMarginLoss.builder().scale(8).margin(2.0).build())) {
            assertTrue(hasKernel(loss, identity, classes));
            compare(loss, identity, loss + " indices", labels, z, null);
            compare(loss, identity, loss + " one-hot", oneHot, z, mask);
        }
        INDArray outside = z.dup();
        outside.putScalar(250, 3, 1.001);
        Assert.rejects(() -> new AdditiveAngularMarginLoss().computeGradient(labels, outside, identity, null),
                "AdditiveAngularMarginLoss", "cosines", "1.00", "at row 250, column 3");
        INDArray notANumber = z.dup();
        notANumber.putScalar(7, 3, Double.NaN);
        Assert.rejects(() -> new AdditiveAngularMarginLoss().computeScore(labels, notANumber, identity, mask, false),
                "AdditiveAngularMarginLoss", "cosines", "NaN");
    }

    @Test
    void theCatalogueHasKernels() {
        assertTrue(catalogue().count() > 0);
        assertTrue(benchmarks().count() > 0);
    }

    @Test
    void badLabelsGetTheOpPathsMessage() {
        MarginRankingLoss loss = new MarginRankingLoss();
        INDArray z = Nd4j.rand(DataType.FLOAT, 40, 2);
        INDArray labels = Nd4j.ones(DataType.FLOAT, 40, 1);
        labels.putScalar(37, 0, 0);
        Assert.rejects(() -> loss.computeGradient(labels, z, new ActivationIdentity(), null),
                "MarginRankingLoss", "labels", "-1 or +1", "at pair 37");
        labels.putScalar(37, 0, Double.NaN);
        Assert.rejects(() -> loss.computeScore(labels, z, new ActivationIdentity(), null, false),
                "MarginRankingLoss", "labels", "finite");
    }

    private static int[] allUnits(CoupledCatalogue.Sample s) {
        int[] all = new int[s.units.length];
        for (int u = 0; u < all.length; u++) {
            all[u] = u;
        }
        return all;
    }

    private static void compare(ILossFunction loss, IActivation activation, String what, INDArray labels, INDArray z,
                                INDArray mask) {
        PathComparison.compare(loss, activation, what, labels, z, mask);
    }
}
