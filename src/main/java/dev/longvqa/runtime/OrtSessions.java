package dev.longvqa.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * How every ONNX Runtime session of the product runs (the TDC Q-Former, the ONNX vision encoders;
 * the benchmarks use the same): every graph optimisation (MatMul+Add, GELU and LayerNorm fusions,
 * constant folding) on an explicit number of intra-op threads. ONNX Runtime's own default is no
 * good either way: on this project's 2-vCPU VMs it ran one thread (measured: 2048³ MatMul at
 * 180 GFLOP/s by default and with 1 thread, 360 with 2), and elsewhere it counts the host's
 * physical cores, past a container's CPU quota (an ECS task). The TDC Q-Former asks for one
 * thread and runs its own lanes instead ({@code tdc.OrtQFormerCompressor}: frames are independent,
 * and lanes that never wait for each other beat one pool that waits at every node).
 */
public final class OrtSessions {
    private OrtSessions() {
    }

    /** The processors this JVM may use (a container's quota included): the product's thread count. */
    public static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Options for a session on {@code threads} intra-op threads; the caller closes them. */
    public static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(threads);
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }
}
