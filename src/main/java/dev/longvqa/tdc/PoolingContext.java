package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * STORM-style baseline without a learned compressor: within each scene, consecutive frames are
 * averaged in groups of {@code t} and each group's grid is average-pooled {@code s x s}; a
 * separator follows each group. {@code t} starts at {@code temporal} and grows until the layout
 * fits the budget, so long videos trade temporal detail for coverage. Frames are capped and
 * picked like TDC's so the two strategies see the same frames.
 */
final class PoolingContext implements ContextStrategy {
    private final TdcSettings settings;
    private final int temporal, spatial;
    private final NDArray separator; // may be null: no separators

    public PoolingContext(TdcSettings settings, int temporal, int spatial, NDArray separator) {
        if (temporal < 1 || spatial < 1 || settings.gridRows() % spatial != 0 || settings.gridCols() % spatial != 0) {
            throw new IllegalArgumentException("pooling " + temporal + "x" + spatial + " does not fit grid "
                    + settings.gridRows() + "x" + settings.gridCols());
        }
        this.settings = settings;
        this.temporal = temporal;
        this.spatial = spatial;
        this.separator = separator;
    }

    @Override
    public String id() {
        return "pool-t" + temporal + "-s" + spatial;
    }

    private int groupTokens() {
        return (settings.gridRows() / spatial) * (settings.gridCols() / spatial) + (separator != null ? 1 : 0);
    }

    private record Layout(int t, List<List<Integer>> scenes, int groups) {}

    private Layout layout(List<Integer> framesPerScene, int textTokens) {
        int total = framesPerScene.stream().mapToInt(Integer::intValue).sum();
        int[] selected = TdcPlanner.selectFrames(total, textTokens, settings);
        List<List<Integer>> scenes = new ArrayList<>();
        int scene = 0, end = framesPerScene.isEmpty() ? 0 : framesPerScene.get(0);
        for (int s = 0; s < framesPerScene.size(); s++) scenes.add(new ArrayList<>());
        for (int idx : selected) {
            while (idx >= end) end += framesPerScene.get(++scene);
            scenes.get(scene).add(idx);
        }
        int maxVisual = Math.max(0, settings.budget() - settings.generationReserve() - textTokens);
        int t = temporal;
        while (true) {
            int groups = 0;
            for (List<Integer> s : scenes) groups += (s.size() + t - 1) / t;
            if ((long) groups * groupTokens() <= maxVisual || t >= Math.max(1, selected.length)) {
                return new Layout(t, scenes, groups);
            }
            t++;
        }
    }

    @Override
    public ContextPlan plan(List<Integer> framesPerScene, int textTokens) {
        Layout l = layout(framesPerScene, textTokens);
        int frames = 0, scenes = 0;
        for (List<Integer> s : l.scenes()) {
            frames += s.size();
            if (!s.isEmpty()) scenes++;
        }
        int sep = separator != null ? l.groups() : 0;
        int pooled = l.groups() * (groupTokens() - (separator != null ? 1 : 0));
        int total = framesPerScene.stream().mapToInt(Integer::intValue).sum();
        return new ContextPlan(frames, scenes, l.groups(), 0, pooled, sep, pooled + sep + textTokens,
                settings.lvcot().segments(total), textTokens, total, frames, 0, List.of());
    }

    @Override
    public NDArray build(List<Integer> framesPerScene, int textTokens, FrameTokenSource frames, NDArray questionIds) {
        Layout l = layout(framesPerScene, textTokens);
        NDList parts = new NDList();
        int rows = settings.gridRows(), cols = settings.gridCols();
        for (List<Integer> scene : l.scenes()) {
            if (scene.isEmpty()) continue;
            NDArray tokens = frames.tokens(scene.stream().mapToInt(Integer::intValue).toArray());
            long n = tokens.getShape().get(0), h = tokens.getShape().get(2);
            if (settings.imageNewline()) { // pool the grid, not the row-end tokens
                tokens = tokens.reshape(n, rows, cols + 1, h).get(new NDIndex(":, :, 0:" + cols)).reshape(n, (long) rows * cols, h);
            }
            NDArray pooled = pool(tokens, rows, cols, l.t(), spatial);
            for (long g = 0; g < pooled.getShape().get(0); g++) {
                parts.add(pooled.get(g));
                if (separator != null) parts.add(separator.reshape(1, h));
            }
        }
        return NDArrays.concat(parts, 0);
    }

    /** (n, rows*cols, H) -> (ceil(n/t), (rows/s)*(cols/s), H): mean over t frames, then s x s mean. */
    public static NDArray pool(NDArray frames, int rows, int cols, int t, int s) {
        long n = frames.getShape().get(0), h = frames.getShape().get(2);
        NDList groups = new NDList();
        for (long g = 0; g < n; g += t) {
            NDArray m = frames.get(new NDIndex(g + ":" + Math.min(n, g + t))).mean(new int[]{0});
            m = m.reshape(rows / s, s, cols / s, s, h).mean(new int[]{3}).mean(new int[]{1}); // one axis per call on PyTorch
            groups.add(m.reshape((long) (rows / s) * (cols / s), h).expandDims(0));
        }
        return NDArrays.concat(groups, 0);
    }
}
