package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
public abstract class CheckpointBlock extends AbstractBlock {

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
            NDArray a = source.apply(p.getKey());
            a.setName(p.getKey());
            p.getValue().setArray(a);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has data-dependent output shapes");
    }
}
