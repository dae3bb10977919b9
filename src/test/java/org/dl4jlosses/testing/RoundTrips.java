package org.dl4jlosses.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The round trips every configuration must survive, asserted the same way everywhere: plain Java
 * serialisation, and ModelSerializer with the updater (the same configuration, parameters and
 * updater state, and training that resumes exactly where it stopped).
 */
public final class RoundTrips {
    private static final int STEPS = 3;

    private RoundTrips() {
    }

    /** A copy of {@code object} through Java serialisation. */
    @SuppressWarnings("unchecked")
    public static <T> T javaCopy(T object) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(object);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A restored loss is another object, equal, with the same hash code and description. */
    public static void assertSameLoss(ILossFunction original, ILossFunction restored) {
        assertNotSame(original, restored);
        assertEquals(original.getClass(), restored.getClass());
        assertEquals(original, restored);
        assertEquals(original.hashCode(), restored.hashCode());
        assertEquals(original.toString(), restored.toString());
    }

    /** Saves with the updater and restores: another network, equal configuration, parameters and updater state. */
    public static MultiLayerNetwork saved(MultiLayerNetwork net, File dir) throws IOException {
        File file = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertNotSame(net, restored);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertEquals(net.params(), restored.params(), "parameters");
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(), "updater state");
        return restored;
    }

    /** {@link #saved(MultiLayerNetwork, File)} for a ComputationGraph. */
    public static ComputationGraph saved(ComputationGraph graph, File dir) throws IOException {
        File file = new File(dir, "graph.zip");
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertNotSame(graph, restored);
        assertEquals(graph.getConfiguration(), restored.getConfiguration());
        assertEquals(graph.params(), restored.params(), "parameters");
        assertEquals(graph.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(), "updater state");
        return restored;
    }

    /**
     * Trains a few steps, saves and restores, then trains the original and the restored network
     * side by side: the same score at the save and the same parameters after, which moved.
     */
    public static MultiLayerNetwork assertResumesExactly(MultiLayerNetwork net, DataSet ds, File dir) throws IOException {
        fit(net, ds);
        MultiLayerNetwork restored = saved(net, dir);
        assertEquals(net.score(ds), restored.score(ds), 0.0, "score at the save");
        INDArray atSave = restored.params().dup();
        fit(net, ds);
        fit(restored, ds);
        assertEquals(net.params(), restored.params(), "parameters after resumed training");
        assertTrue(net.params().sub(atSave).norm2Number().doubleValue() > 0, "training after the save moved the parameters");
        return restored;
    }

    /** {@link #assertResumesExactly(MultiLayerNetwork, DataSet, File)} for a ComputationGraph. */
    public static ComputationGraph assertResumesExactly(ComputationGraph graph, DataSet ds, File dir) throws IOException {
        fit(graph, ds);
        ComputationGraph restored = saved(graph, dir);
        assertEquals(graph.score(ds), restored.score(ds), 0.0, "score at the save");
        INDArray atSave = restored.params().dup();
        fit(graph, ds);
        fit(restored, ds);
        assertEquals(graph.params(), restored.params(), "parameters after resumed training");
        assertTrue(graph.params().sub(atSave).norm2Number().doubleValue() > 0, "training after the save moved the parameters");
        return restored;
    }

    private static void fit(MultiLayerNetwork net, DataSet ds) {
        for (int i = 0; i < STEPS; i++) {
            net.fit(ds);
        }
    }

    private static void fit(ComputationGraph graph, DataSet ds) {
        for (int i = 0; i < STEPS; i++) {
            graph.fit(ds);
        }
    }
}
