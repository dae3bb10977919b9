package org.dl4jlosses.integration;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a test class with ND4J's native ops and BLAS on one thread, restoring the previous
 * settings afterwards. The integration tests use tiny arrays, for which OpenMP threads only cost:
 * on a shared two-core machine, spinning OpenMP workers made each network score call 10 to 30
 * times slower. One thread also makes every reduction's summation order fixed.
 */
public final class SingleThreaded implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SingleThreaded.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        int[] saved = {
            Nd4j.getEnvironment().maxThreads(),
            Nd4j.getEnvironment().maxMasterThreads(),
            Nd4j.factory().blas().getMaxThreads()
        };
        context.getStore(NS).put("saved", saved);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        int[] saved = context.getStore(NS).get("saved", int[].class);
        if (saved != null) {
            Nd4j.getEnvironment().setMaxThreads(saved[0]);
            Nd4j.getEnvironment().setMaxMasterThreads(saved[1]);
            Nd4j.factory().blas().setMaxThreads(saved[2]);
        }
    }
}
