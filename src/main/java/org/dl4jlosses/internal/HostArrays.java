package org.dl4jlosses.internal;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Buffers over ND4J arrays' native memory for one call, keeping every array they read
 * reachable until the call closes them.
 *
 * <p>A buffer from {@code asNio()} does not keep its array alive: when an input needs a float32,
 * dense, row-major copy first, nothing else refers to that copy, and the garbage collector may
 * free its memory while a formula still reads it (a JVM crash, or numbers that depend on GC
 * timing). Every buffer handed out here is backed by an array this object holds until
 * {@link #close}.
 *
 * <p>On a backend whose arrays live on a device (CUDA), each array is brought to the host before
 * its buffer is handed out, and marked as last written on the host at {@link #close}, so that the
 * device reads what the Java code wrote (on the CPU backend both are no-ops).
 */
final class HostArrays implements AutoCloseable {
    private final List<INDArray> held = new ArrayList<>(6);

    /** x's values as float32 in row-major order, native byte order, byte 0 at its first element. */
    ByteBuffer bytes(INDArray x) {
        return bytes(x, DataType.FLOAT);
    }

    /** x's values in {@code type} (FLOAT or DOUBLE), row-major, native byte order, byte 0 at its first element. */
    ByteBuffer bytes(INDArray x, DataType type) {
        INDArray dense = x.dataType() != type ? x.castTo(type) : x;
        if (dense.isView() || dense.ordering() != 'c') {
            dense = dense.dup('c');
        }
        held.add(x);
        held.add(dense);
        Nd4j.getAffinityManager().ensureLocation(dense, AffinityManager.Location.HOST);
        ByteBuffer all = dense.data().asNio();
        return all.position((int) dense.offset() * type.width()).slice().order(ByteOrder.nativeOrder());
    }

    /** A float view of x's values in row-major order, index 0 at its first element. */
    FloatBuffer floats(INDArray x) {
        return bytes(x).asFloatBuffer();
    }

    @Override
    public void close() {
        for (int i = 1; i < held.size(); i += 2) {
            Nd4j.getAffinityManager().tagLocation(held.get(i), AffinityManager.Location.HOST);
        }
        Reference.reachabilityFence(held);
        held.clear();
    }
}
