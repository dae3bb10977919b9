package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dl4jlosses.regression.MeanBiasError;
import org.dl4jlosses.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;

class MeanBiasErrorTest {

    @Test
    void matchesTheFixtures() {
        JsonNode cases = Fixtures.read("/fixtures/pointwise.json").get("meanBiasError");
        assertTrue(cases.size() > 0);
        for (JsonNode c : cases) {
            INDArray labels = Fixtures.matrix(c.get("labels"), DataType.DOUBLE);
            INDArray predictions = Fixtures.matrix(c.get("predictions"), DataType.DOUBLE);
            INDArray mask = c.get("mask").isNull() ? null : Fixtures.matrix(c.get("mask"), DataType.DOUBLE);
            MeanBiasError mbe = MeanBiasError.of(labels, predictions, mask);
            close(c.get("overall").asDouble(), mbe.overall(), 1e-12, c.get("id").asText() + " overall");
            for (int k = 0; k < c.get("perColumn").size(); k++) {
                close(c.get("perColumn").get(k).asDouble(), mbe.perColumn(k), 1e-12, c.get("id").asText() + " column " + k);
            }
        }
    }

    @Test
    void signTellsUnderFromOverPrediction() {
        INDArray labels = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        MeanBiasError under = MeanBiasError.of(labels, labels.sub(0.5));
        close(0.5, under.overall(), 1e-7, "under-prediction is positive");
        MeanBiasError masked = MeanBiasError.of(labels, labels.add(1), Nd4j.createFromArray(new float[][] {{1, 0}, {1, 0}}));
        close(-1, masked.overall(), 1e-7, "over-prediction is negative");
        assertTrue(Double.isNaN(masked.perColumn(1)), "a column with nothing unmasked has no mean");
        assertEquals(0, masked.count(1));
        assertEquals(2, masked.count(0));
    }
}
