package org.dl4jlosses.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Reads the PyTorch golden fixtures written by src/test/python/make_fixtures.py. */
public final class Fixtures {
    private static final ObjectMapper MAPPER = NeuralNetConfiguration.mapper();

    private Fixtures() {
    }

    /** One fixture case: inputs, the loss configuration and the PyTorch reference numbers. */
    public static final class Case {
        public final String id;
        public final ILossFunction loss;
        public final IActivation activation;
        public final DataType dataType;
        public final INDArray z;
        public final INDArray labels;
        public final INDArray mask;
        public final double mean;
        public final double sum;
        public final INDArray scoreArray;
        public final INDArray gradient;

        Case(JsonNode node) {
            id = node.get("id").asText();
            loss = MAPPER.convertValue(node.get("loss"), ILossFunction.class);
            activation = activation(node.get("activation").asText());
            dataType = "float32".equals(node.get("dtype").asText()) ? DataType.FLOAT : DataType.DOUBLE;
            z = matrix(node.get("z"), dataType);
            labels = matrix(node.get("labels"), dataType);
            mask = node.get("mask").isNull() ? null : matrix(node.get("mask"), dataType);
            mean = node.get("mean").asDouble();
            sum = node.get("sum").asDouble();
            scoreArray = matrix(node.get("scoreArray"), DataType.DOUBLE);
            gradient = matrix(node.get("gradient"), DataType.DOUBLE);
        }

        /** Relative-plus-absolute tolerance fitting this case's data type. */
        public double tolerance() {
            return dataType == DataType.FLOAT ? 2e-5 : 1e-9;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    public static List<Case> pointwise() {
        return cases("pointwise.json");
    }

    /** The cases of one fixture file under src/test/resources/fixtures. */
    public static List<Case> cases(String file) {
        List<Case> cases = new ArrayList<>();
        for (JsonNode node : read("/fixtures/" + file).get("cases")) {
            cases.add(new Case(node));
        }
        return cases;
    }

    /**
     * Every loss fixture file's cases: each generator script writes one file directly under
     * fixtures/ (see src/test/python); its subfolders hold other APIs' fixtures (evaluation, layers).
     */
    public static List<Case> all() {
        URL dir = Fixtures.class.getResource("/fixtures");
        if (dir == null) {
            throw new IllegalStateException("missing fixtures directory; run the generators in src/test/python");
        }
        File[] files;
        try {
            files = new File(dir.toURI()).listFiles((d, name) -> name.endsWith(".json"));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Arrays.sort(files);
        List<Case> cases = new ArrayList<>();
        for (File f : files) {
            cases.addAll(cases(f.getName()));
        }
        return cases;
    }

    public static JsonNode read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource + "; run src/test/python/make_fixtures.py");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static INDArray matrix(JsonNode rows, DataType type) {
        double[][] values = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            values[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                values[i][j] = row.get(j).asDouble();
            }
        }
        return Nd4j.createFromArray(values).castTo(type);
    }

    public static IActivation activation(String name) {
        switch (name) {
            case "softmax":
                return new ActivationSoftmax();
            case "sigmoid":
                return new ActivationSigmoid();
            case "identity":
                return new ActivationIdentity();
            case "tanh":
                return new ActivationTanH();
            default:
                throw new IllegalArgumentException("unknown activation " + name);
        }
    }
}
