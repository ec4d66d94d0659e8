package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Temporal Dynamic Context: lays frames out as {@link TdcPlanner} says and fills the layout
 * with embeddings. Per chunk: the static frame's tokens, {@code frame_seg}, then for each other
 * frame its K Q-Former tokens and {@code frame_seg}; each chunk cut to its planned length.
 *
 * <p>All compressed frames of the video go through the Q-Former together, in batches of
 * {@link #batchSize} rows (each row carries its own chunk's static frame), and frames whose
 * tokens the trim removes entirely are never compressed.
 */
final class ContextBuilder implements ContextStrategy {
    private final FrameCompressor compressor;
    private final TdcSettings settings;
    private final int batchSize;

    public ContextBuilder(FrameCompressor compressor, TdcSettings settings, int batchSize) {
        if (compressor.queryTokens() != settings.queryTokens()) {
            throw new IllegalArgumentException("compressor K=" + compressor.queryTokens()
                    + " but settings K=" + settings.queryTokens());
        }
        this.compressor = compressor;
        this.settings = settings;
        this.batchSize = Math.max(1, batchSize);
    }

    @Override
    public String id() {
        return "tdc-k" + settings.queryTokens() + "-c" + settings.chunkSize();
    }

    @Override
    public ContextPlan plan(List<Integer> framesPerScene, int textTokens) {
        return TdcPlanner.plan(framesPerScene, textTokens, settings);
    }

    @Override
    public NDArray build(List<Integer> framesPerScene, int textTokens, FrameTokenSource frames, NDArray questionIds) {
        return build(plan(framesPerScene, textTokens), frames, questionIds);
    }

    public NDArray build(ContextPlan plan, FrameTokenSource source, NDArray questionIds) {
        List<ChunkPlan> chunks = new ArrayList<>();
        List<Integer> wanted = new ArrayList<>();
        for (ChunkPlan c : plan.chunkDetail()) {
            if (c.keptTokens() == 0) continue;
            chunks.add(c);
            wanted.addAll(c.frameIndices().subList(0, c.framesShown()));
        }
        if (chunks.isEmpty()) throw new IllegalArgumentException("the plan keeps no visual tokens");
        int[] idx = wanted.stream().mapToInt(Integer::intValue).toArray();
        NDArray tokens = source.tokens(idx); // rows in `wanted` order
        NDManager manager = tokens.getManager();
        long h = tokens.getShape().get(2);
        if (tokens.getShape().get(1) != settings.frameTokens()) {
            throw new IllegalArgumentException("frames have " + tokens.getShape().get(1) + " tokens, settings say "
                    + settings.frameTokens());
        }

        // Gather (static row, frame row) pairs for every compressed frame, in layout order.
        List<Long> staticRows = new ArrayList<>(), frameRows = new ArrayList<>();
        long row = 0;
        for (ChunkPlan c : chunks) {
            for (int j = 1; j < c.framesShown(); j++) {
                staticRows.add(row);
                frameRows.add(row + j);
            }
            row += c.framesShown();
        }
        NDArray compressed = compressAll(tokens, staticRows, frameRows, questionIds); // (n, K, H) or null

        NDArray sep = compressor.separator().reshape(1, h);
        sep.attach(manager);
        NDList parts = new NDList();
        row = 0;
        long next = 0;
        int k = settings.queryTokens();
        for (ChunkPlan c : chunks) {
            NDList chunk = new NDList();
            chunk.add(tokens.get(row));
            if (settings.separators()) chunk.add(sep);
            for (int j = 1; j < c.framesShown(); j++) {
                chunk.add(compressed.get(next++));
                if (settings.separators()) chunk.add(sep);
            }
            row += c.framesShown();
            NDArray seq = NDArrays.concat(chunk, 0);
            parts.add(seq.get(new NDIndex("0:" + c.keptTokens())));
        }
        NDArray out = NDArrays.concat(parts, 0);
        if (out.getShape().get(0) != plan.visualTokens()) {
            throw new IllegalStateException("built " + out.getShape().get(0) + " tokens, planned " + plan.visualTokens());
        }
        return out.getShape().get(0) == 0 ? out : out.reshape(plan.visualTokens(), h);
    }

    private NDArray compressAll(NDArray tokens, List<Long> staticRows, List<Long> frameRows, NDArray ids) {
        if (frameRows.isEmpty()) return null;
        NDManager m = tokens.getManager();
        NDList out = new NDList();
        for (int from = 0; from < frameRows.size(); from += batchSize) {
            int to = Math.min(frameRows.size(), from + batchSize);
            NDArray s = tokens.get(new NDIndex("{}", m.create(toArray(staticRows.subList(from, to)))));
            NDArray f = tokens.get(new NDIndex("{}", m.create(toArray(frameRows.subList(from, to)))));
            out.add(compressor.compress(s, f, ids));
        }
        return NDArrays.concat(out, 0);
    }

    private static long[] toArray(List<Long> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
