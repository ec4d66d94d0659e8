package dev.longvqa.runtime;

import dev.longvqa.contract.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float32 tensors in the safetensors format. Used to save weights the project builds
 * itself (tiny test models, trained heads) in the same format users' checkpoints come in.
 */
public final class SafetensorsWriter {
    private record PendingTensor(long[] shape, float[] data) {}

    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter put(String name, long[] shape, float[] data) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) throw new IllegalArgumentException(name + ": shape needs " + n + " values, got " + data.length);
        tensors.put(name, new PendingTensor(shape.clone(), data));
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public void write(Path path) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", metadata);
        long offset = 0;
        for (Map.Entry<String, PendingTensor> e : tensors.entrySet()) {
            long len = 4L * e.getValue().data().length;
            header.put(e.getKey(), Map.of("dtype", "F32", "shape", e.getValue().shape(),
                    "data_offsets", new long[]{offset, offset + len}));
            offset += len;
        }
        byte[] json = Json.mapper().writeValueAsBytes(header);
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) headerBytes[i] = ' ';
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        try (OutputStream out = Files.newOutputStream(path)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerBytes);
            for (PendingTensor e : tensors.values()) {
                ByteBuffer buf = ByteBuffer.allocate(4 * e.data().length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(e.data());
                out.write(buf.array());
            }
        }
    }
}
