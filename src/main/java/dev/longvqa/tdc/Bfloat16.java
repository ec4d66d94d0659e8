package dev.longvqa.tdc;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * bfloat16 arrays through DJL 0.35, which cannot name the type. Measured on libtorch 2.7.1 (CPU):
 * every JNI call that hands libtorch a DJL dtype code — creating an array in bfloat16 (from a
 * buffer, {@code zeros}, {@code randomNormal}), {@code toType(BFLOAT16)}, {@code softmax} (it
 * passes the array's own type) and {@code toDevice} — goes through the JNI's
 * {@code GetScalarTypeFromDType}, whose switch stops at complex64 and ends in a bare
 * {@code throw;}: std::terminate, "terminate called without an active exception", the JVM is gone.
 * Everything else — matmul, linear, layer norm, GELU, exp/max/sum, indexing, concat, and
 * {@code toType(FLOAT32)} — works on a bfloat16 tensor libtorch made itself; DJL reports its type
 * as {@link DataType#UNKNOWN}.
 *
 * <p>So the cast into bfloat16 runs inside libtorch: a parameterless TorchScript module
 * ({@code x.to(torch.bfloat16)}, written once by {@code tools/golden/bf16_cast.py}, 1.5 KB on the
 * classpath), and softmax is taken in float32 and cast back ({@link Nn#softmax}), which is also
 * what PyTorch's bfloat16 softmax does inside (float accumulation). Within this package an
 * {@code UNKNOWN} floating array is a bfloat16 one: nothing else produces that type here.
 */
final class Bfloat16 {
    private static final String RESOURCE = "to_bfloat16.pt";
    private static volatile PtSymbolBlock cast;

    private Bfloat16() {}

    /** Whether {@code x} is a bfloat16 array (see the class comment). */
    static boolean is(NDArray x) {
        return x.getDataType() == DataType.UNKNOWN;
    }

    /** {@code x} rounded to bfloat16 (nearest even), on its device, in its manager; itself when it already is. */
    static NDArray of(NDArray x) {
        if (is(x)) return x;
        NDList out = module().forward(new ParameterStore(x.getManager(), false), new NDList(x), false);
        NDArray r = out.singletonOrThrow();
        r.attach(x.getManager());
        return r;
    }

    private static PtSymbolBlock module() {
        PtSymbolBlock m = cast;
        if (m != null) return m;
        synchronized (Bfloat16.class) {
            if (cast == null) {
                // Held for the life of the process (1.5 KB, no parameters: it serves every device).
                NDManager owner = Engine.getEngine("PyTorch").newBaseManager(Device.cpu());
                try (InputStream in = Bfloat16.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
                    cast = JniUtils.loadModule((PtNDManager) owner, in, false, false);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot load " + RESOURCE, e);
                }
            }
            return cast;
        }
    }
}
