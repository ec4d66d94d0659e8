package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A DJL block whose parameters are named exactly like the tensors of the checkpoint it comes
 * from (relative to a prefix such as {@code model.}), so loading is a lookup by name and the
 * name mapping is the code itself. Subclasses declare parameters with {@link #param} and compute
 * with the arrays; weights are never trained here, only loaded.
 */
abstract class CheckpointBlock extends AbstractBlock {
    private DataType computeType = DataType.FLOAT32;

    protected final Parameter param(String checkpointName) {
        return addParameter(Parameter.builder().setName(checkpointName).setType(Parameter.Type.OTHER).build());
    }

    /** Loads every declared parameter from {@code prefix + name}; fails naming all missing tensors. */
    public void load(TdcWeights file, String prefix, NDManager manager) throws IOException {
        List<String> missing = new ArrayList<>();
        for (Pair<String, Parameter> p : getDirectParameters()) {
            if (!file.contains(prefix + p.getKey())) missing.add(prefix + p.getKey());
        }
        if (!missing.isEmpty()) {
            throw new IOException(file.path() + " lacks " + missing.size() + " tensors, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())));
        }
        load(name -> file.load(manager, prefix + name));
    }

    /** Sets every declared parameter from {@code source(name)} (tests and benchmarks use random arrays). */
    public void load(java.util.function.Function<String, NDArray> source) {
        for (Pair<String, Parameter> p : getDirectParameters()) {
            NDArray a = converted(p.getKey(), source.apply(p.getKey()));
            a.setName(p.getKey());
            p.getValue().setArray(a);
        }
    }

    /**
     * Computes in {@code type} from now on: weights loaded afterwards are converted to it (child
     * blocks too). Parameters named in {@link #float32Tokens()} are learned tokens appended to
     * float32 outputs: they are rounded through {@code type}, as the reference holds them, but stay
     * float32. Call before loading (DJL parameters take their array once).
     */
    public void computeIn(DataType type) {
        computeType = type;
        for (Pair<String, ai.djl.nn.Block> c : getChildren()) {
            if (c.getValue() instanceof CheckpointBlock b) b.computeIn(type);
        }
    }

    private NDArray converted(String name, NDArray a) {
        if (!a.getDataType().isFloating() && !Bfloat16.is(a)) return a;
        NDArray cast = Nn.cast(a, computeType);
        if (cast == a) return a;
        if (float32Tokens().contains(name)) {
            NDArray rounded = cast.toType(DataType.FLOAT32, true);
            cast.close();
            cast = rounded;
        }
        a.close();
        return cast;
    }

    /** Names of parameters kept float32 by {@link #computeIn}. */
    protected java.util.Set<String> float32Tokens() {
        return java.util.Set.of();
    }

    /** The type this block computes in (float32 unless {@link #computeIn} changed it). */
    public DataType computeType() {
        return computeType;
    }

    /** {@code x} in this block's compute type (itself when it already is). */
    protected NDArray toCompute(NDArray x) {
        return Nn.cast(x, computeType);
    }

    /** {@code x} as float32, the type every block hands back. */
    protected static NDArray toFloat32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has data-dependent output shapes");
    }
}
