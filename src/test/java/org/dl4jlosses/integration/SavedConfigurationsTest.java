package org.dl4jlosses.integration;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * What earlier releases saved still loads and computes the same: each release's loss JSON (every
 * configuration) gives the score, per-row scores and gradient it gave then, and its networks saved
 * with {@code ModelSerializer} restore with the same score. The files come from
 * {@link SavedConfigurations}, run by that release.
 */
class SavedConfigurationsTest {
    private static final double TOLERANCE = 1e-9;

    static List<Object[]> losses() throws IOException {
        List<Object[]> all = new ArrayList<>();
        for (File release : releases()) {
            for (JsonNode entry : SavedConfigurations.JSON.readTree(new File(release, "losses.json"))) {
                all.add(new Object[] {release.getName() + " " + entry.get("loss"), entry});
            }
        }
        return all;
    }

    static List<Object[]> networks() throws IOException {
        List<Object[]> all = new ArrayList<>();
        for (File release : releases()) {
            for (JsonNode entry : SavedConfigurations.JSON.readTree(new File(release, "networks.json"))) {
                all.add(new Object[] {release.getName() + " " + entry.get("file").asText(), release, entry});
            }
        }
        return all;
    }

    private static List<File> releases() {
        File[] dirs = SavedConfigurations.ROOT.listFiles(File::isDirectory);
        assertTrue(dirs != null && dirs.length > 0, "no saved releases under " + SavedConfigurations.ROOT);
        return List.of(dirs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossJsonLoadsAndScoresTheSame(String name, JsonNode entry) throws IOException {
        ILossFunction loss = SavedConfigurations.JSON.treeToValue(entry.get("loss"), ILossFunction.class);
        IActivation activation = SavedConfigurations.JSON.treeToValue(entry.get("activation"), IActivation.class);
        INDArray labels = matrix(entry.get("labels"));
        INDArray z = matrix(entry.get("z"));
        assertEquals(entry.get("loss"), SavedConfigurations.JSON.readTree(SavedConfigurations.JSON.writeValueAsString(loss)),
                "the loaded loss writes the JSON it was read from");
        close(entry.get("score").asDouble(), loss.computeScore(labels, z, activation, null, false), TOLERANCE, "score");
        close(vector(entry.get("scoreArray")), loss.computeScoreArray(labels, z, activation, null).reshape(-1), TOLERANCE,
                "score array");
        close(matrix(entry.get("gradient")), loss.computeGradient(labels, z, activation, null), TOLERANCE, "gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void savedNetworkRestoresWithTheSameScore(String name, File release, JsonNode entry) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(release, entry.get("file").asText()), true);
        DataSet data = new DataSet(matrix(entry.get("features")), matrix(entry.get("labels")));
        close(entry.get("score").asDouble(), net.score(data), TOLERANCE, "score");
    }

    private static INDArray matrix(JsonNode rows) {
        double[][] values = new double[rows.size()][];
        for (int r = 0; r < values.length; r++) {
            values[r] = new double[rows.get(r).size()];
            for (int c = 0; c < values[r].length; c++) {
                values[r][c] = rows.get(r).get(c).asDouble();
            }
        }
        return Nd4j.createFromArray(values);
    }

    private static INDArray vector(JsonNode values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asDouble();
        }
        return Nd4j.createFromArray(out);
    }
}
