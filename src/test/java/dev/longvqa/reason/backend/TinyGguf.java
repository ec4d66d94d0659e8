package dev.longvqa.reason.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a tiny random-weight llama-architecture GGUF (v3, all F32) with a SentencePiece-style
 * vocabulary (control tokens, 256 byte-fallback tokens, "▁" and printable ASCII), so llama.cpp
 * can load it and generate deterministic nonsense in milliseconds. No model ships here, and the
 * backend's plumbing is what the tests check, not the prose.
 */
final class TinyGguf {
    static final int EMBD = 32, HEADS = 4, FF = 64, LAYERS = 1, CTX = 512;

    private static final int T_UINT32 = 4, T_INT32 = 5, T_FLOAT32 = 6, T_STRING = 8, T_ARRAY = 9;
    private static final int ALIGN = 32;

    private TinyGguf() {}

    static List<String> vocab() {
        List<String> v = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) v.add(String.format("<0x%02X>", b));
        v.add("\u2581");
        for (char c = 33; c < 127; c++) v.add(String.valueOf(c));
        return v;
    }

    static void write(Path file, long seed) throws IOException {
        List<String> tokens = vocab();
        int nVocab = tokens.size();
        Map<String, Object[]> kv = new LinkedHashMap<>(); // key → {type, value}
        kv.put("general.architecture", new Object[]{T_STRING, "llama"});
        kv.put("general.name", new Object[]{T_STRING, "longvqa-tiny-random"});
        kv.put("general.file_type", new Object[]{T_UINT32, 0});
        kv.put("llama.context_length", new Object[]{T_UINT32, CTX});
        kv.put("llama.embedding_length", new Object[]{T_UINT32, EMBD});
        kv.put("llama.block_count", new Object[]{T_UINT32, LAYERS});
        kv.put("llama.feed_forward_length", new Object[]{T_UINT32, FF});
        kv.put("llama.attention.head_count", new Object[]{T_UINT32, HEADS});
        kv.put("llama.attention.head_count_kv", new Object[]{T_UINT32, HEADS});
        kv.put("llama.rope.dimension_count", new Object[]{T_UINT32, EMBD / HEADS});
        kv.put("llama.attention.layer_norm_rms_epsilon", new Object[]{T_FLOAT32, 1e-5f});
        kv.put("tokenizer.ggml.model", new Object[]{T_STRING, "llama"});
        kv.put("tokenizer.ggml.tokens", new Object[]{T_ARRAY, tokens});
        float[] scores = new float[nVocab];
        int[] types = new int[nVocab];
        for (int i = 0; i < nVocab; i++) {
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1; // unknown, control, byte, normal
            scores[i] = i < 259 ? 0 : -(i - 259);
        }
        kv.put("tokenizer.ggml.scores", new Object[]{T_ARRAY, scores});
        kv.put("tokenizer.ggml.token_type", new Object[]{T_ARRAY, types});
        kv.put("tokenizer.ggml.bos_token_id", new Object[]{T_UINT32, 1});
        kv.put("tokenizer.ggml.eos_token_id", new Object[]{T_UINT32, 2});
        kv.put("tokenizer.ggml.unknown_token_id", new Object[]{T_UINT32, 0});

        Random rnd = new Random(seed);
        Map<String, long[]> shapes = new LinkedHashMap<>(); // ggml order: innermost dimension first
        shapes.put("token_embd.weight", new long[]{EMBD, nVocab});
        shapes.put("output_norm.weight", new long[]{EMBD});
        shapes.put("output.weight", new long[]{EMBD, nVocab});
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            shapes.put(b + "attn_norm.weight", new long[]{EMBD});
            shapes.put(b + "attn_q.weight", new long[]{EMBD, EMBD});
            shapes.put(b + "attn_k.weight", new long[]{EMBD, EMBD});
            shapes.put(b + "attn_v.weight", new long[]{EMBD, EMBD});
            shapes.put(b + "attn_output.weight", new long[]{EMBD, EMBD});
            shapes.put(b + "ffn_norm.weight", new long[]{EMBD});
            shapes.put(b + "ffn_gate.weight", new long[]{EMBD, FF});
            shapes.put(b + "ffn_down.weight", new long[]{FF, EMBD});
            shapes.put(b + "ffn_up.weight", new long[]{EMBD, FF});
        }

        Out out = new Out();
        out.u32(0x46554747); // "GGUF"
        out.u32(3);
        out.u64(shapes.size());
        out.u64(kv.size());
        for (var e : kv.entrySet()) {
            out.str(e.getKey());
            int type = (int) e.getValue()[0];
            Object value = e.getValue()[1];
            out.u32(type);
            switch (type) {
                case T_UINT32 -> out.u32((Integer) value);
                case T_FLOAT32 -> out.f32((Float) value);
                case T_STRING -> out.str((String) value);
                case T_ARRAY -> {
                    if (value instanceof List<?> l) {
                        out.u32(T_STRING);
                        out.u64(l.size());
                        for (Object s : l) out.str((String) s);
                    } else if (value instanceof float[] f) {
                        out.u32(T_FLOAT32);
                        out.u64(f.length);
                        for (float x : f) out.f32(x);
                    } else {
                        int[] ints = (int[]) value;
                        out.u32(T_INT32);
                        out.u64(ints.length);
                        for (int x : ints) out.u32(x);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        long offset = 0;
        List<float[]> data = new ArrayList<>();
        for (var e : shapes.entrySet()) {
            out.str(e.getKey());
            long[] ne = e.getValue();
            out.u32(ne.length);
            long n = 1;
            for (long d : ne) {
                out.u64(d);
                n *= d;
            }
            out.u32(0); // GGML_TYPE_F32
            out.u64(offset);
            float[] values = new float[(int) n];
            boolean norm = e.getKey().endsWith("norm.weight");
            for (int i = 0; i < values.length; i++) values[i] = norm ? 1f : (float) (rnd.nextGaussian() * 0.2);
            data.add(values);
            offset += pad(n * 4);
        }
        out.align();
        for (float[] values : data) {
            for (float x : values) out.f32(x);
            out.align();
        }
        Files.write(file, out.bytes.toByteArray());
    }

    private static long pad(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u32(int v) {
            bytes.write(scratch.clear().putInt(v).array(), 0, 4);
        }

        void u64(long v) {
            bytes.write(scratch.clear().putLong(v).array(), 0, 8);
        }

        void f32(float v) {
            bytes.write(scratch.clear().putFloat(v).array(), 0, 4);
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes.writeBytes(b);
        }

        void align() {
            while (bytes.size() % ALIGN != 0) bytes.write(0);
        }
    }
}
