package dev.longvqa.reason.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The subset of PyTorch's {@code torch.save} format that vLLM's {@code prompt_embeds} needs: one
 * dense, contiguous 2-D (or N-D) tensor, written so that {@code torch.load(f, weights_only=True)}
 * accepts it.
 *
 * <p>Layout (what torch itself writes since 1.6): an uncompressed zip whose records share one
 * folder ({@code archive/}); {@code data.pkl} is a protocol-2 pickle that calls
 * {@code torch._utils._rebuild_tensor_v2} on a persistent storage id
 * {@code ('storage', torch.FloatStorage, '0', 'cpu', numel)}; {@code data/0} holds the raw
 * little-endian values; {@code version} is {@code "3\n"}; {@code byteorder} is {@code "little"}
 * (newer torch reads it, older torch ignores it). Records are 64-byte aligned with a padding extra
 * field, as torch does, so readers that mmap the archive see aligned storages.
 *
 * <p>The pickle is emitted opcode by opcode (including torch's memo {@code BINPUT}s) so that it is
 * byte-identical to what Python writes for the same shape; the golden test holds us to that.
 */
public final class TorchSave {
    /** Element types vLLM accepts for prompt embeddings. */
    public enum ElementType {
        FLOAT32("FloatStorage", 4), BFLOAT16("BFloat16Storage", 2);

        final String storageClass;
        final int bytes;

        ElementType(String storageClass, int bytes) {
            this.storageClass = storageClass;
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** A decoded tensor: values widened to float, shape, and the dtype the file stored. */
    public record Tensor(ElementType dtype, long[] shape, float[] values) {}

    private static final String ROOT = "archive";
    private static final int ALIGN = 64;

    private TorchSave() {}

    /** {@code torch.save(tensor)} bytes for a row-major tensor of the given shape. */
    public static byte[] write(float[] values, long[] shape, ElementType dtype) {
        long numel = 1;
        for (long d : shape) numel *= d;
        if (numel != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel + " values, got " + values.length);
        }
        ByteBuffer data = ByteBuffer.allocate(values.length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == ElementType.FLOAT32) {
            data.asFloatBuffer().put(values);
        } else {
            for (float v : values) data.putShort(toBfloat16(v));
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.capacity() + 1024);
            CountingStream counting = new CountingStream(bytes);
            try (ZipOutputStream zip = new ZipOutputStream(counting)) {
                storeAligned(zip, counting, ROOT + "/data.pkl", pickle(shape, dtype, numel));
                storeAligned(zip, counting, ROOT + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
                storeAligned(zip, counting, ROOT + "/data/0", data.array());
                storeAligned(zip, counting, ROOT + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory zip failed", e);
        }
    }

    /** Round-to-nearest-even float32 → bfloat16 (what {@code tensor.to(torch.bfloat16)} does). */
    static short toBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    static float fromBfloat16(short s) {
        return Float.intBitsToFloat((s & 0xffff) << 16);
    }

    /** The protocol-2 pickle torch writes for a contiguous tensor with offset 0 and no grad. */
    static byte[] pickle(long[] shape, ElementType dtype, long numel) {
        Pickler p = new Pickler();
        p.proto2();
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.memo();
        p.mark();
        // persistent id: ('storage', torch.<Type>StorageRef, key, location, numel)
        p.mark();
        p.unicode("storage");
        p.memo();
        p.global("torch", dtype.storageClass);
        p.memo();
        p.unicode("0");
        p.memo();
        p.unicode("cpu");
        p.memo();
        p.integer(numel);
        p.op(0x74); // TUPLE
        p.memo();
        p.op(0x51); // BINPERSID
        p.integer(0); // storage offset
        p.tuple(shape);
        p.memo();
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        p.tuple(stride);
        p.memo();
        p.op(0x89); // NEWFALSE: requires_grad
        p.global("collections", "OrderedDict"); // backward hooks
        p.memo();
        p.op(0x29); // EMPTY_TUPLE
        p.op(0x52); // REDUCE
        p.memo();
        p.op(0x74); // TUPLE (closes the argument MARK)
        p.memo();
        p.op(0x52); // REDUCE
        p.memo();
        p.op(0x2e); // STOP
        return p.out.toByteArray();
    }

    private static void storeAligned(ZipOutputStream zip, CountingStream counting, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        entry.setTime(946728000000L); // fixed (2000-01-01T12:00Z, a DOS time in every zone): same input, same bytes
        // Local header = 30 bytes + name + extra. Pad with an "FB" extra field (torch's own
        // choice of id) so the data starts on a 64-byte boundary.
        long headerEnd = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
        int pad = (int) ((ALIGN - headerEnd % ALIGN) % ALIGN);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        Arrays.fill(extra, 4, extra.length, (byte) 'Z');
        entry.setExtra(extra);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    /**
     * Reads a file {@code torch.save} wrote for one dense tensor (float32/bfloat16, any storage
     * offset and strides). Enough of the pickle machine to follow what torch emits; anything else
     * is rejected rather than guessed.
     */
    public static Tensor read(byte[] file) throws IOException {
        Map<String, byte[]> records = storedRecords(file);
        byte[] pkl = records.get("data.pkl");
        if (pkl == null) throw new IOException("not a torch.save zip: no data.pkl");
        Unpickler u = new Unpickler(pkl);
        Object result = u.run();
        if (!(result instanceof Rebuilt r)) throw new IOException("pickle is not a single tensor: " + result);
        byte[] raw = records.get("data/" + r.key);
        if (raw == null) throw new IOException("missing storage record data/" + r.key);
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long numel = 1;
        for (long d : r.shape) numel *= d;
        float[] out = new float[(int) numel];
        long[] index = new long[r.shape.length];
        for (int i = 0; i < out.length; i++) {
            long pos = r.offset;
            for (int d = 0; d < index.length; d++) pos += index[d] * r.stride[d];
            out[i] = r.dtype == ElementType.FLOAT32 ? buf.getFloat((int) pos * 4) : fromBfloat16(buf.getShort((int) pos * 2));
            for (int d = index.length - 1; d >= 0; d--) {
                if (++index[d] < r.shape[d]) break;
                index[d] = 0;
            }
        }
        return new Tensor(r.dtype, r.shape, out);
    }

    /**
     * Reads the records of an uncompressed zip through its central directory. torch writes
     * entries with the data-descriptor flag set, which {@link java.util.zip.ZipInputStream}
     * refuses for STORED entries; the central directory has every size we need.
     */
    static Map<String, byte[]> storedRecords(byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = file.length - 22; i >= Math.max(0, file.length - 22 - 65535); i--) {
            if (b.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) throw new IOException("not a zip file (no end of central directory)");
        int entries = b.getShort(eocd + 10) & 0xffff;
        int at = b.getInt(eocd + 16);
        Map<String, byte[]> records = new HashMap<>();
        for (int n = 0; n < entries; n++) {
            if (b.getInt(at) != 0x02014b50) throw new IOException("corrupt central directory");
            int method = b.getShort(at + 10) & 0xffff;
            long size = b.getInt(at + 20) & 0xffffffffL;
            int nameLen = b.getShort(at + 28) & 0xffff;
            int extraLen = b.getShort(at + 30) & 0xffff;
            int commentLen = b.getShort(at + 32) & 0xffff;
            long local = b.getInt(at + 42) & 0xffffffffL;
            String name = new String(file, at + 46, nameLen, StandardCharsets.UTF_8);
            if (method != 0) throw new IOException("record " + name + " is compressed (method " + method + ")");
            if (size == 0xffffffffL || local == 0xffffffffL) throw new IOException("zip64 archives are not supported");
            int data = (int) local + 30 + (b.getShort((int) local + 26) & 0xffff) + (b.getShort((int) local + 28) & 0xffff);
            int slash = name.indexOf('/');
            records.put(slash < 0 ? name : name.substring(slash + 1), Arrays.copyOfRange(file, data, data + (int) size));
            at += 46 + nameLen + extraLen + commentLen;
        }
        return records;
    }

    private record Global(String module, String name) {}

    private record StorageRef(ElementType dtype, String key) {}

    private record Rebuilt(ElementType dtype, String key, long offset, long[] shape, long[] stride) {}

    private static final class Pickler {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int memo;

        void op(int b) {
            out.write(b);
        }

        void proto2() {
            out.write(0x80);
            out.write(2);
        }

        void mark() {
            op(0x28);
        }

        void memo() {
            // BINPUT for the first 256 entries, LONG_BINPUT after (as pickle's Python writer)
            if (memo < 256) {
                op(0x71);
                op(memo);
            } else {
                op(0x72);
                le32(memo);
            }
            memo++;
        }

        void global(String module, String name) {
            op(0x63);
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        void unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op(0x58);
            le32(b.length);
            out.writeBytes(b);
        }

        void integer(long v) {
            if (v >= 0 && v < 256) {
                op(0x4b);
                op((int) v);
            } else if (v >= 0 && v < 65536) {
                op(0x4d);
                op((int) (v & 0xff));
                op((int) (v >>> 8));
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op(0x4a);
                le32((int) v);
            } else {
                op(0x8a); // LONG1, 8 bytes little-endian two's complement
                op(8);
                for (int i = 0; i < 8; i++) op((int) (v >>> (8 * i)) & 0xff);
            }
        }

        void tuple(long[] items) {
            switch (items.length) {
                case 0 -> op(0x29);
                case 1, 2, 3 -> {
                    for (long v : items) integer(v);
                    op(0x85 + items.length - 1); // TUPLE1..TUPLE3
                }
                default -> {
                    mark();
                    for (long v : items) integer(v);
                    op(0x74);
                }
            }
        }

        void le32(int v) {
            for (int i = 0; i < 4; i++) op((v >>> (8 * i)) & 0xff);
        }
    }

    private static final class Unpickler {
        private static final Object MARK = new Object();
        private final byte[] in;
        private int pos;
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Map<Integer, Object> memo = new HashMap<>();

        Unpickler(byte[] in) {
            this.in = in;
        }

        Object run() throws IOException {
            while (pos < in.length) {
                int op = in[pos++] & 0xff;
                switch (op) {
                    case 0x80 -> pos++; // PROTO
                    case 0x63 -> stack.push(new Global(line(), line()));
                    case 0x71 -> memo.put(in[pos++] & 0xff, stack.peek());
                    case 0x72 -> memo.put(le32(), stack.peek());
                    case 0x68 -> stack.push(memo.get(in[pos++] & 0xff));
                    case 0x6a -> stack.push(memo.get(le32()));
                    case 0x28 -> stack.push(MARK);
                    case 0x58 -> {
                        int n = le32();
                        stack.push(new String(in, pos, n, StandardCharsets.UTF_8));
                        pos += n;
                    }
                    case 0x8c -> { // SHORT_BINUNICODE (protocol 4 writers)
                        int n = in[pos++] & 0xff;
                        stack.push(new String(in, pos, n, StandardCharsets.UTF_8));
                        pos += n;
                    }
                    case 0x4b -> stack.push((long) (in[pos++] & 0xff));
                    case 0x4d -> {
                        stack.push((long) ((in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8));
                        pos += 2;
                    }
                    case 0x4a -> stack.push((long) le32());
                    case 0x8a -> {
                        int n = in[pos++] & 0xff;
                        long v = 0;
                        for (int i = 0; i < n; i++) v |= (long) (in[pos + i] & 0xff) << (8 * i);
                        if (n < 8 && n > 0 && (in[pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                        pos += n;
                        stack.push(v);
                    }
                    case 0x29 -> stack.push(List.of());
                    case 0x85, 0x86, 0x87 -> {
                        int n = op - 0x84;
                        Object[] items = new Object[n];
                        for (int i = n - 1; i >= 0; i--) items[i] = stack.pop();
                        stack.push(Arrays.asList(items));
                    }
                    case 0x74 -> stack.push(popToMark());
                    case 0x88 -> stack.push(Boolean.TRUE);
                    case 0x89 -> stack.push(Boolean.FALSE);
                    case 0x4e -> stack.push("None");
                    case 0x7d -> stack.push(new HashMap<>()); // EMPTY_DICT
                    case 0x95 -> pos += 8; // FRAME
                    case 0x94 -> memo.put(memo.size(), stack.peek()); // MEMOIZE
                    case 0x51 -> stack.push(persistent(stack.pop()));
                    case 0x52 -> {
                        Object args = stack.pop();
                        Object fn = stack.pop();
                        stack.push(reduce(fn, (List<?>) args));
                    }
                    case 0x2e -> {
                        return stack.pop();
                    }
                    default -> throw new IOException(String.format("unsupported pickle opcode 0x%02x at %d", op, pos - 1));
                }
            }
            throw new IOException("pickle has no STOP");
        }

        private Object persistent(Object pid) throws IOException {
            if (pid instanceof List<?> t && t.size() == 5 && "storage".equals(t.get(0)) && t.get(1) instanceof Global g) {
                for (ElementType d : ElementType.values()) {
                    if (g.module.equals("torch") && g.name.equals(d.storageClass)) return new StorageRef(d, (String) t.get(2));
                }
                throw new IOException("unsupported storage type " + g.module + "." + g.name);
            }
            throw new IOException("unsupported persistent id " + pid);
        }

        private Object reduce(Object fn, List<?> args) throws IOException {
            if (fn instanceof Global g && g.module.equals("collections") && g.name.equals("OrderedDict")) return new HashMap<>();
            if (fn instanceof Global g && g.module.equals("torch._utils") && g.name.equals("_rebuild_tensor_v2")) {
                StorageRef s = (StorageRef) args.get(0);
                return new Rebuilt(s.dtype, s.key, (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
            }
            throw new IOException("unsupported call " + fn);
        }

        private static long[] longs(Object o) {
            List<?> l = (List<?>) o;
            long[] r = new long[l.size()];
            for (int i = 0; i < r.length; i++) r[i] = (Long) l.get(i);
            return r;
        }

        private List<Object> popToMark() {
            List<Object> items = new ArrayList<>();
            Object o;
            while ((o = stack.pop()) != MARK) items.add(0, o);
            return items;
        }

        private String line() {
            int start = pos;
            while (in[pos] != '\n') pos++;
            return new String(in, start, pos++ - start, StandardCharsets.US_ASCII);
        }

        private int le32() {
            int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Reads all of a stream (convenience for callers holding a file). */
    public static Tensor read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }
}
