package dev.longvqa.runtime;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw data.
 *
 * <p>Tensor data is memory-mapped one tensor at a time, never read into the heap as a whole file:
 * shards of 7B checkpoints are larger than one {@link java.nio.MappedByteBuffer} (2 GiB) can
 * address, while single tensors are not. The file stays open until {@link #close()}.
 */
public final class Safetensors implements AutoCloseable {
    private static final ObjectMapper JSON = Json.mapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /** The element types safetensors declares, with their byte width. */
    public enum DType {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** One tensor's entry in the header; {@code begin}/{@code end} are relative to the data start. */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private Safetensors(Path path, FileChannel channel, long dataStart,
                        Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static Safetensors open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) throw new IOException(path + ": too short for a safetensors file");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IOException(path + ": bad safetensors header length " + headerLen);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(channel, header, 8);
            Map<String, Object> raw = JSON.readValue(
                    new String(header.array(), StandardCharsets.UTF_8), new TypeReference<>() {});
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = Map.of();
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    @SuppressWarnings("unchecked") Map<String, String> m = (Map<String, String>) e.getValue();
                    metadata = Map.copyOf(m);
                    continue;
                }
                TensorInfo info = parseInfo(path, e.getKey(), e.getValue());
                if (info.end() > dataLen || info.begin() > info.end()) {
                    throw new IOException(path + ": tensor " + info.name() + " lies outside the file");
                }
                long expected = info.elementCount() * info.dtype().bytes();
                if (info.end() - info.begin() != expected) {
                    throw new IOException(path + ": tensor " + info.name() + " has " + (info.end() - info.begin())
                            + " bytes, its shape needs " + expected);
                }
                tensors.put(e.getKey(), info);
            }
            return new Safetensors(path, channel, dataStart, Collections.unmodifiableMap(tensors), metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (e instanceof IOException io) throw io;
            throw new IOException(path + ": not a safetensors file (" + e.getMessage() + ")", e);
        }
    }

    private static TensorInfo parseInfo(Path path, String name, Object value) throws IOException {
        if (!(value instanceof Map<?, ?> m)) throw new IOException(path + ": bad entry for " + name);
        DType dtype;
        try {
            dtype = DType.valueOf(String.valueOf(m.get("dtype")));
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": tensor " + name + " has unsupported dtype " + m.get("dtype"));
        }
        List<?> shapeList = (List<?>) m.get("shape");
        List<?> offsets = (List<?>) m.get("data_offsets");
        if (shapeList == null || offsets == null || offsets.size() != 2) {
            throw new IOException(path + ": tensor " + name + " lacks shape or data_offsets");
        }
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = ((Number) shapeList.get(i)).longValue();
        return new TensorInfo(name, dtype, shape,
                ((Number) offsets.get(0)).longValue(), ((Number) offsets.get(1)).longValue());
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    public Path path() {
        return path;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new IllegalArgumentException(path + " has no tensor named " + name);
        return info;
    }

    /** The tensor's raw little-endian bytes, memory-mapped (read-only, not copied). */
    public ByteBuffer bytes(String name) {
        TensorInfo info = info(name);
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.end() - info.begin())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tensor as float32 values, widening F16/BF16/F64/integer types. */
    public float[] floats(String name) {
        TensorInfo info = info(name);
        long n = info.elementCount();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(name + " is too large for a float[]");
        return toFloats(bytes(name), info.dtype(), (int) n);
    }

    public static float[] toFloats(ByteBuffer b, DType dtype, int n) {
        ByteBuffer buf = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) buf.getDouble(i * 8); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(buf.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((buf.getShort(i * 2) & 0xffff) << 16); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = buf.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = buf.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = buf.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = buf.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = buf.get(i) & 0xff; }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
