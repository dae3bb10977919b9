package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** When the coupled losses' Java kernels run: float32 rank-2 batches, only on a backend whose arrays live in host memory. */
class KernelsTest {
    @Test
    void kernelsRunOnlyWhereArraysLiveInHostMemory() {
        INDArray small = Nd4j.rand(DataType.FLOAT, 8, 10);
        INDArray large = Nd4j.rand(DataType.FLOAT, 300, 1000);
        // A GPU backend: host copies may be stale, so nothing runs in Java there.
        assertFalse(Kernels.appliesCoupled(small, false));
        // The CPU backend: float32 at any size.
        assertTrue(Kernels.appliesCoupled(small, true));
        assertTrue(Kernels.appliesCoupled(large, true));
        // Other data types and ranks take the ND4J ops.
        assertFalse(Kernels.appliesCoupled(small.castTo(DataType.DOUBLE), true));
        assertFalse(Kernels.appliesCoupled(Nd4j.rand(DataType.FLOAT, 2, 3, 4), true));
    }

    @Test
    void thisBackendIsTheCpuBackend() {
        assertEquals(Nd4j.getEnvironment().isCPU(), Kernels.HOST_MEMORY);
        assertTrue(Kernels.HOST_MEMORY, "the tests run on ND4J's CPU backend");
    }

    @Test
    void aLossOffItsKernelTakesTheOpPath() {
        // What a GPU backend gets: with the kernels off a loss returns no kernel result and still computes.
        BaseLoss dice = new org.dl4jlosses.segmentation.DiceLoss();
        IActivation identity = new ActivationIdentity();
        // Predictions and labels in [0, 1] for three classes.
        INDArray z = Nd4j.rand(DataType.FLOAT, 8, 3);
        INDArray groups = Nd4j.rand(DataType.FLOAT, 8, 3);
        assertNotNull(dice.kernelRun(groups, z, identity, null, true, true), "the kernel runs when on");
        double onKernel = dice.computeScore(groups, z, identity, null, false);
        Kernels.setEnabled(false);
        try {
            assertNull(dice.kernelRun(groups, z, identity, null, true, true));
            assertEquals(onKernel, dice.computeScore(groups, z, identity, null, false), 1e-5 * Math.abs(onKernel));
        } finally {
            Kernels.setEnabled(true);
        }
    }
}
