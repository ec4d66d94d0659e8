package dev.longvqa.runtime;

import dev.longvqa.contract.Json;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face checkpoint directory: one {@code model.safetensors}, or shards
 * listed by {@code model.safetensors.index.json}. Each tensor is memory-mapped and handed to the
 * engine straight from the mapping: a float32 tensor on the CPU is used in place (no copy at all:
 * DJL wraps the buffer and keeps it reachable), an fp16 one is widened by the engine. bf16 is the
 * one type DJL 0.35's PyTorch JNI cannot wrap (it aborts the process), so bf16 tensors are
 * widened here, in chunks, into direct float32 buffers that the engine then uses in place (or
 * copies to the accelerator): still one pass over the mapped bytes.
 */
public final class HfCheckpoint implements WeightSource {
    private static final ObjectMapper JSON = Json.mapper();

    private final Path dir;
    private final Map<String, Safetensors> byTensor;
    private final List<Safetensors> shards;
    /** Largest direct buffer one bf16 chunk is widened into (direct buffers stop at 2 GiB). */
    private static final long CHUNK_BYTES = 256L << 20;

    private HfCheckpoint(Path dir, Map<String, Safetensors> byTensor, List<Safetensors> shards) {
        this.dir = dir;
        this.byTensor = byTensor;
        this.shards = shards;
    }

    public static HfCheckpoint open(Path dir) throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        List<Path> files = new ArrayList<>();
        Map<String, String> weightMap = null;
        if (Files.isRegularFile(index)) {
            JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
            weightMap = new LinkedHashMap<>();
            Set<String> unique = new TreeSet<>();
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                weightMap.put(e.getKey(), e.getValue().asText());
                unique.add(e.getValue().asText());
            }
            for (String f : unique) files.add(dir.resolve(f));
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().forEach(files::add);
            }
        }
        if (files.isEmpty()) throw new IOException(dir + " has no *.safetensors weights");
        List<Safetensors> shards = new ArrayList<>();
        Map<String, Safetensors> byTensor = new LinkedHashMap<>();
        try {
            for (Path f : files) {
                if (!Files.isRegularFile(f)) throw new IOException("missing shard " + f + " (listed in " + index.getFileName() + ")");
                Safetensors st = Safetensors.open(f);
                shards.add(st);
                for (String name : st.names()) {
                    String expected = weightMap == null ? null : weightMap.get(name);
                    if (expected != null && !f.getFileName().toString().equals(expected)) continue;
                    byTensor.put(name, st);
                }
            }
        } catch (IOException e) {
            for (Safetensors st : shards) st.close();
            throw e;
        }
        return new HfCheckpoint(dir, Collections.unmodifiableMap(byTensor), List.copyOf(shards));
    }

    public Path dir() {
        return dir;
    }

    public Set<String> names() {
        return byTensor.keySet();
    }

    @Override
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    public Safetensors.TensorInfo info(String name) {
        Safetensors st = byTensor.get(name);
        if (st == null) throw new IllegalArgumentException(dir + ": the checkpoint has no tensor " + name);
        return st.info(name);
    }

    @Override
    public NDArray load(String name, Shape expected, NDManager manager, DataType dtype) {
        Safetensors.TensorInfo info = info(name);
        Shape shape = new Shape(info.shape());
        if (expected != null && !shape.equals(expected)) {
            throw new IllegalArgumentException(dir + ": tensor " + name + " has shape " + Arrays.toString(info.shape())
                    + ", the config implies " + expected);
        }
        ByteBuffer bytes = byTensor.get(name).bytes(name);
        if (info.dtype() == Safetensors.DType.BF16) return widenBf16(bytes, shape, manager, dtype);
        DataType stored = engineType(info.dtype());
        NDArray raw = manager.create(bytes, shape, stored);
        if (stored == dtype) return raw;
        NDArray converted = raw.toType(dtype, false);
        raw.close();
        return converted;
    }

    /** bf16 is the top half of a float32: shifting each value left by 16 bits widens it exactly. */
    private static NDArray widenBf16(ByteBuffer bytes, Shape shape, NDManager manager, DataType dtype) {
        long n = shape.size();
        long rows = shape.dimension() == 0 ? 1 : shape.get(0);
        long rowElems = rows == 0 ? 1 : n / rows;
        long chunkRows = Math.max(1, CHUNK_BYTES / 4 / Math.max(1, rowElems));
        var src = bytes.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        NDList parts = new NDList();
        for (long r = 0; r < Math.max(rows, 1); r += chunkRows) {
            long count = Math.min(chunkRows, Math.max(rows, 1) - r);
            int elems = Math.toIntExact(count * rowElems);
            ByteBuffer f = ByteBuffer.allocateDirect(elems * 4).order(ByteOrder.nativeOrder());
            var dst = f.asIntBuffer();
            int base = Math.toIntExact(r * rowElems);
            for (int i = 0; i < elems; i++) dst.put(i, (src.get(base + i) & 0xffff) << 16);
            Shape partShape = shape.dimension() == 0 ? shape : new Shape(count).addAll(shape.slice(1));
            NDArray part = manager.create(f, partShape, DataType.FLOAT32);
            if (dtype != DataType.FLOAT32) {
                NDArray t = part.toType(dtype, false);
                part.close();
                part = t;
            }
            parts.add(part);
        }
        if (parts.size() == 1) return parts.getFirst();
        NDArray joined = NDArrays.concat(parts, 0);
        parts.close();
        return joined;
    }

    private static DataType engineType(Safetensors.DType t) {
        return switch (t) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case F64 -> DataType.FLOAT64;
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
            // DJL's JNI aborts on these two; bf16 is widened above, int16 never holds weights.
            case I16, BF16 -> throw new IllegalArgumentException("tensor type " + t + " cannot be handed to the engine");
        };
    }

    @Override
    public void close() throws IOException {
        for (Safetensors st : shards) st.close();
    }
}
