package org.dl4jlosses.evaluation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Reads src/test/resources/fixtures/evaluation/retrieval-and-verification.json, written by src/test/python/make_evaluation_fixtures.py. */
final class EvaluationFixtures {
    private static final JsonNode ROOT = read();

    private EvaluationFixtures() {
    }

    private static JsonNode read() {
        try (InputStream in = EvaluationFixtures.class.getResourceAsStream("/fixtures/evaluation/retrieval-and-verification.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cases of one section: retrieval, verification or verification_embeddings. */
    static List<JsonNode> cases(String section) {
        List<JsonNode> out = new ArrayList<>();
        ROOT.get(section).forEach(out::add);
        return out;
    }

    static INDArray matrix(JsonNode rows) {
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = doubles(rows.get(i));
        }
        return Nd4j.createFromArray(m);
    }

    static double[] doubles(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return v;
    }

    static int[] ints(JsonNode values) {
        int[] v = new int[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asInt();
        }
        return v;
    }

    static Similarity similarity(JsonNode c) {
        return "cosine".equals(c.get("similarity").asText()) ? Similarity.COSINE : Similarity.EUCLIDEAN;
    }
}
