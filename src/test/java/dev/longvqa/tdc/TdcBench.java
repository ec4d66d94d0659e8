package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.engine.Engine;

import java.util.Locale;

/**
 * Compression throughput of the Q-Former on CPU with random weights at real sizes (bench/tdc/run.sh
 * runs it next to the PyTorch equivalent). Not a test: it asserts nothing and prints ms/frame.
 * <pre>
 * args: hidden heads layers encoderWidth keys k batch...   e.g. 768 12 12 768 576 16 1 7 28 56
 * </pre>
 */
public final class TdcBench {
    public static void main(String[] args) {
        int hidden = Integer.parseInt(args[0]), heads = Integer.parseInt(args[1]), layers = Integer.parseInt(args[2]);
        int width = Integer.parseInt(args[3]), keys = Integer.parseInt(args[4]), k = Integer.parseInt(args[5]);
        int threads = Integer.getInteger("threads", 2);
        Engine.getEngine("PyTorch"); // start-up outside the timing
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            QFormer q = QFormer.create(new QFormer.Config(layers, heads, 1e-12f), 2)
                    .absorbCrossAttention(Boolean.parseBoolean(System.getProperty("absorb", "true")));
            QFormerCompressor c = QFormerCompressor.create(q, k);
            java.util.function.Function<String, NDArray> random = name -> m.randomNormal(0, 0.02f,
                    shapeOf(name, hidden, width, 4 * hidden), ai.djl.ndarray.types.DataType.FLOAT32, m.getDevice());
            q.load(random);
            c.load(random);
            NDArray ids = m.create(new long[]{101, 54, 3, 96, 58, 25, 29, 102}, new Shape(1, 8));
            System.out.printf(Locale.ROOT, "java-djl absorb=" + System.getProperty("absorb", "true") + " threads=%d hidden=%d heads=%d layers=%d width=%d keys=%d k=%d%n",
                    threads, hidden, heads, layers, width, keys, k);
            for (int a = 6; a < args.length; a++) {
                int batch = Integer.parseInt(args[a]);
                NDArray statics = m.randomNormal(new Shape(batch, keys, width));
                NDArray frames = m.randomNormal(new Shape(batch, keys, width));
                for (int w = 0; w < 2; w++) try (NDArray r = c.compress(statics, frames, ids)) { r.toFloatArray(); }
                int reps = Math.max(2, Integer.getInteger("frames", 56) / batch);
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) try (NDArray out = c.compress(statics, frames, ids)) { out.toFloatArray(); }
                double ms = (System.nanoTime() - t0) / 1e6 / reps / batch;
                System.out.printf(Locale.ROOT, "batch=%d ms_per_frame=%.2f frames_per_s=%.1f%n", batch, ms, 1000 / ms);
                statics.close();
                frames.close();
            }
        }
    }

    static Shape shapeOf(String name, int h, int w, int inter) {
        if (name.equals("frame_seg")) return new Shape(w);
        if (name.startsWith("query_proj")) return name.endsWith("weight") ? new Shape(h, w) : new Shape(h);
        if (name.startsWith("vision_proj")) return name.endsWith("weight") ? new Shape(w, h) : new Shape(w);
        if (name.endsWith("word_embeddings.weight")) return new Shape(128, h);
        if (name.endsWith("position_embeddings.weight")) return new Shape(512, h);
        if (name.endsWith(".bias") && name.contains("intermediate")) return new Shape(inter);
        if (name.endsWith(".bias") || name.contains("LayerNorm")) return new Shape(h);
        if (name.contains("crossattention.self.key") || name.contains("crossattention.self.value")) return new Shape(h, w);
        if (name.contains("intermediate")) return new Shape(inter, h);
        if (name.matches(".*\\.output(_query)?\\.dense\\.weight") && !name.contains("attention")) return new Shape(h, inter);
        return new Shape(h, h);
    }
}
