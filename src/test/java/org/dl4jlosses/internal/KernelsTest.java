package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** When the Java kernels run: float32 rank-2 batches, only on a backend whose arrays live in host memory. */
class KernelsTest {
    @Test
    void kernelsRunOnlyWhereArraysLiveInHostMemory() {
        INDArray small = Nd4j.rand(DataType.FLOAT, 8, 10);
        INDArray large = Nd4j.rand(DataType.FLOAT, 300, 1000);
        // A GPU backend: host copies may be stale, so nothing runs in Java there.
        assertFalse(Kernels.applies(small, false, true));
        assertFalse(Kernels.applies(small, false, false));
        assertFalse(Kernels.appliesCoupled(small, false));
        // The CPU backend: float32 at any size with the Vector API, small batches without it.
        assertTrue(Kernels.applies(small, true, true));
        assertTrue(Kernels.applies(large, true, true));
        assertTrue(Kernels.applies(small, true, false));
        assertFalse(Kernels.applies(large, true, false));
        assertTrue(Kernels.appliesCoupled(large, true));
        // Other data types and ranks take the ND4J ops.
        assertFalse(Kernels.applies(small.castTo(DataType.DOUBLE), true, true));
        assertFalse(Kernels.appliesCoupled(Nd4j.rand(DataType.FLOAT, 2, 3, 4), true));
    }

    @Test
    void thisBackendIsTheCpuBackend() {
        assertEquals(Nd4j.getEnvironment().isCPU(), Kernels.HOST_MEMORY);
        assertTrue(Kernels.HOST_MEMORY, "the tests run on ND4J's CPU backend");
    }

    @Test
    void aLossOffAKernelTakesTheOpPath() {
        // What a GPU backend gets: with the kernels off a loss returns no kernel result and still computes.
        BaseLoss mse = new org.dl4jlosses.regression.MseLoss();
        INDArray z = Nd4j.rand(DataType.FLOAT, 8, 10);
        INDArray y = Nd4j.rand(DataType.FLOAT, 8, 10);
        Kernels.setEnabled(false);
        try {
            assertNull(mse.kernelRun(y, z, new org.nd4j.linalg.activations.impl.ActivationIdentity(), null, true, true));
            assertTrue(Double.isFinite(mse.computeScore(y, z, new org.nd4j.linalg.activations.impl.ActivationIdentity(),
                    null, false)));
        } finally {
            Kernels.setEnabled(true);
        }
    }
}
