package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.embedding.TripletLoss;
import org.dl4jlosses.regression.MseLoss;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Java paths read converted copies of their inputs (views, 'f' order, other data types) that
 * nothing else refers to: results must not depend on when the garbage collector runs. Each case
 * runs the kernel path (asserted) many times under a thread that calls {@code System.gc()} in a
 * loop, and every result must equal the first one computed without that pressure. Before the
 * copies were kept reachable, the 2048 x 1000 view crashed the JVM with the Vector API and the
 * smaller ones gave scores that changed from call to call.
 */
class GarbageCollectionTest {
    private static final int CALLS = 20;
    private static final IActivation IDENTITY = new ActivationIdentity();
    private static final IActivation SOFTMAX = new ActivationSoftmax();

    private final AtomicBoolean collecting = new AtomicBoolean();
    private Thread collector;

    @BeforeEach
    void startCollecting() {
        collecting.set(true);
        collector = new Thread(() -> {
            while (collecting.get()) {
                long start = System.nanoTime();
                System.gc();
                // As long a breath as the collection took: half the time collecting, whatever the heap. In the
                // full suite's large heap, collections back to back left the calls no time to run (12 minutes).
                java.util.concurrent.locks.LockSupport.parkNanos(Math.max(2_000_000, System.nanoTime() - start));
            }
        });
        collector.setDaemon(true);
    }

    @AfterEach
    void stopCollecting() throws InterruptedException {
        collecting.set(false);
        collector.join();
    }

    /** Rows x columns of a wider array, not contiguous: the kernel path must copy it. */
    private static INDArray view(Random random, int rows, int columns) {
        INDArray big = Nd4j.rand(DataType.FLOAT, rows + 2, columns + 3).subi(0.5).muli(4);
        return big.get(NDArrayIndex.interval(1, rows + 1), NDArrayIndex.interval(2, columns + 2));
    }

    @Test
    void pointWiseFormulasOnConvertedInputs() throws InterruptedException {
        Random random = new Random(1);
        Nd4j.getRandom().setSeed(1);
        int rows = 2048;
        INDArray z = view(random, rows, 1000);
        INDArray labels = Nd4j.rand(DataType.FLOAT, rows, 1000);
        INDArray classes = Nd4j.zeros(DataType.DOUBLE, rows, 1000);
        for (int r = 0; r < rows; r++) {
            classes.putScalar(r, random.nextInt(1000), 1.0);
        }
        INDArray fOrderLabels = labels.dup('f');
        INDArray rowMask = Nd4j.ones(DataType.DOUBLE, rows, 1);
        rowMask.putScalar(0, 0, 0.0);

        assertStable(new MseLoss(), fOrderLabels, z, IDENTITY, null);
        assertStable(new MseLoss(), labels, z, IDENTITY, rowMask);
        assertStable(new CrossEntropyLoss(), classes, z, SOFTMAX, rowMask);
    }

    @Test
    void coupledKernelOnConvertedInputs() throws InterruptedException {
        Random random = new Random(2);
        Nd4j.getRandom().setSeed(2);
        INDArray z = view(random, 512, 64);
        INDArray groups = Nd4j.create(DataType.DOUBLE, 512, 1);
        for (int r = 0; r < 512; r++) {
            groups.putScalar(r, 0, r % 32);
        }
        INDArray rowMask = Nd4j.ones(DataType.DOUBLE, 512, 1);
        rowMask.putScalar(3, 0, 0.0);
        TripletLoss hard = TripletLoss.builder().mining(TripletLoss.Mining.HARD).build();
        assertStable(hard, groups, z, IDENTITY, rowMask);
    }

    private void assertStable(BaseLoss loss, INDArray labels, INDArray z, IActivation activation, INDArray mask)
            throws InterruptedException {
        Pair<Double, INDArray> first = run(loss, labels, z, activation, mask);
        double score = first.getFirst();
        INDArray gradient = first.getSecond().dup();
        if (!collector.isAlive()) {
            collector.start();
        }
        for (int call = 0; call < CALLS; call++) {
            Pair<Double, INDArray> again = run(loss, labels, z, activation, mask);
            assertEquals(score, again.getFirst(), Math.abs(score) * 1e-6, loss + " score of call " + call);
            assertEquals(gradient, again.getSecond(), loss + " gradient of call " + call);
        }
    }

    /** One call on the Java path (asserted): the element path, the row path, or a coupled kernel. */
    private static Pair<Double, INDArray> run(BaseLoss loss, INDArray labels, INDArray z, IActivation activation,
                                              INDArray mask) {
        if (loss.elementFormula(activation) != null) {
            ElementPath.lastLanes = null;
            Pair<Double, INDArray> result = loss.computeGradientAndScore(labels, z, activation, mask, false);
            assertNotNull(ElementPath.lastLanes, loss + ": the element path must run on this input");
            return result;
        }
        if (loss.rowFormula(activation) != null) {
            RowPath.lastLanes = null;
            Pair<Double, INDArray> result = loss.computeGradientAndScore(labels, z, activation, mask, false);
            assertNotNull(RowPath.lastLanes, loss + ": the row path must run on this input");
            return result;
        }
        CoupledPath.Result run = loss.coupledRun(labels, z, activation, mask, true, true);
        assertNotNull(run, loss + ": the kernel path must run on this input");
        return new Pair<>(run.total, run.gradient);
    }
}
