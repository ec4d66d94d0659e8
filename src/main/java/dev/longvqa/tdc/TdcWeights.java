package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tensors of a TDC checkpoint: one safetensors file or a directory of shards
 * ({@code model-00001-of-00004.safetensors}, ...). Only the few hundred MB of vision-side tensors
 * (projector, Q-Former) are ever read; the LLM's shards are mapped, not loaded.
 */
public final class TdcWeights implements AutoCloseable {
    private final List<Safetensors> files;
    private final Path path;
    private final boolean owned;

    private TdcWeights(Path path, List<Safetensors> files, boolean owned) {
        this.path = path;
        this.files = List.copyOf(files);
        this.owned = owned;
    }

    public static TdcWeights open(Path fileOrDir) throws IOException {
        List<Path> paths = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().forEach(paths::add);
            }
        } else {
            paths.add(fileOrDir);
        }
        if (paths.isEmpty()) throw new IOException(fileOrDir + " holds no .safetensors files");
        List<Safetensors> files = new ArrayList<>();
        try {
            for (Path p : paths) files.add(Safetensors.open(p));
        } catch (IOException e) {
            for (Safetensors f : files) f.close();
            throw e;
        }
        return new TdcWeights(fileOrDir, files, true);
    }

    /** Wraps an already open file (not closed by {@link #close()}: the caller owns it). */
    public static TdcWeights of(Safetensors file) {
        return new TdcWeights(file.path(), List.of(file), false);
    }

    public Path path() {
        return path;
    }

    public boolean contains(String name) {
        for (Safetensors f : files) if (f.contains(name)) return true;
        return false;
    }

    public NDArray load(NDManager manager, String name) {
        for (Safetensors f : files) if (f.contains(name)) return NdArrays.load(manager, f, name);
        throw new IllegalArgumentException(path + " has no tensor " + name);
    }

    /** The named tensor widened to float32 in Java memory (no engine involved), row-major. */
    public float[] floats(String name) {
        for (Safetensors f : files) if (f.contains(name)) return f.floats(name);
        throw new IllegalArgumentException(path + " has no tensor " + name);
    }

    /** The named tensor's shape. */
    public long[] shape(String name) {
        for (Safetensors f : files) if (f.contains(name)) return f.info(name).shape().clone();
        throw new IllegalArgumentException(path + " has no tensor " + name);
    }

    @Override
    public void close() throws IOException {
        if (!owned) return;
        for (Safetensors f : files) f.close();
    }
}
