package org.dl4jlosses.integration;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Small networks around a loss, shared by the integration tests. */
public final class Nets {
    private Nets() {
    }

    /** Where the loss sits. */
    public enum Head {
        /** DenseLayer(tanh) then OutputLayer(loss, activation). */
        OUTPUT_LAYER,
        /** DenseLayer(tanh), DenseLayer(identity) then LossLayer(loss, activation). */
        LOSS_LAYER
    }

    public static NeuralNetConfiguration.Builder base(long seed, IUpdater updater, DataType type) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(type)
                .updater(updater)
                .weightInit(WeightInit.XAVIER);
    }

    public static MultiLayerConfiguration mlnConf(Head head, ILossFunction loss, IActivation activation, int nIn,
                                                  int hidden, int nOut, long seed, IUpdater updater, DataType type) {
        NeuralNetConfiguration.ListBuilder list = base(seed, updater, type).list()
                .layer(new DenseLayer.Builder().nIn(nIn).nOut(hidden).activation(new ActivationTanH()).build());
        if (head == Head.OUTPUT_LAYER) {
            list.layer(new OutputLayer.Builder(loss).nIn(hidden).nOut(nOut).activation(activation).build());
        } else {
            list.layer(new DenseLayer.Builder().nIn(hidden).nOut(nOut).activation(new ActivationIdentity()).build());
            list.layer(new LossLayer.Builder(loss).activation(activation).build());
        }
        return list.build();
    }

    public static MultiLayerNetwork mln(Head head, ILossFunction loss, IActivation activation, int nIn, int hidden,
                                        int nOut, long seed, IUpdater updater, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(mlnConf(head, loss, activation, nIn, hidden, nOut, seed, updater, type));
        net.init();
        return net;
    }

    /** The graph equivalent of {@link #mlnConf} with {@link Head#OUTPUT_LAYER}: in -> dense -> out. */
    public static ComputationGraphConfiguration graphConf(ILossFunction loss, IActivation activation, int nIn, int hidden,
                                                          int nOut, long seed, IUpdater updater, DataType type) {
        return base(seed, updater, type).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(nIn).nOut(hidden).activation(new ActivationTanH()).build(), "in")
                .addLayer("out", new OutputLayer.Builder(loss).nIn(hidden).nOut(nOut).activation(activation).build(), "dense")
                .setOutputs("out")
                .build();
    }

    public static ComputationGraph graph(ILossFunction loss, IActivation activation, int nIn, int hidden, int nOut,
                                         long seed, IUpdater updater, DataType type) {
        ComputationGraph net = new ComputationGraph(graphConf(loss, activation, nIn, hidden, nOut, seed, updater, type));
        net.init();
        return net;
    }
}
