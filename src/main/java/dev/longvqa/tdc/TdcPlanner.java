package dev.longvqa.tdc;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure layout arithmetic of Temporal Dynamic Context, following {@code cambrian_arch.py}
 * ({@code get_max_num_frames}, {@code prepare_inputs_labels_for_multimodal}):
 * <ol>
 *   <li>frame cap: {@code min(max(1, (budget - promptLen - reserve) / estimate), cap)} where
 *       {@code promptLen} is the text tokens plus the one image placeholder, {@code estimate} is
 *       {@code (144 + 7K) / 8 = 32} and {@code cap} is 224 at 8K (scaled with the budget);
 *       over the cap, frames are picked uniformly: {@code int(i * N / cap)};</li>
 *   <li>per scene, chunks of 8: static frame + separator, then K tokens + separator per other frame;</li>
 *   <li>if the visual tokens exceed {@code budget - reserve - textTokens}, every chunk loses
 *       {@code ceil(excess / chunks)} tokens from its end, and the whole is cut to that length.</li>
 * </ol>
 * No model, no I/O: the {@code plan} CLI command and the {@link ContextBuilder} share it.
 */
public final class TdcPlanner {
    private TdcPlanner() {}

    /**
     * @param framesPerScene sampled frames (1 fps) of each scene, in order
     * @param textTokens     LLM text tokens of the prompt (question, template, any LVCoT notes)
     */
    public static ContextPlan plan(List<Integer> framesPerScene, int textTokens, TdcSettings settings) {
        if (textTokens < 0) throw new IllegalArgumentException("textTokens < 0");
        int total = 0;
        for (int n : framesPerScene) {
            if (n < 0) throw new IllegalArgumentException("negative frame count " + n);
            total += n;
        }
        int[] selected = selectFrames(total, textTokens, settings);

        // Which scene each selected frame belongs to.
        int[] sceneStart = new int[framesPerScene.size() + 1];
        for (int s = 0; s < framesPerScene.size(); s++) sceneStart[s + 1] = sceneStart[s] + framesPerScene.get(s);

        List<List<Integer>> perScene = new ArrayList<>();
        for (int s = 0; s < framesPerScene.size(); s++) perScene.add(new ArrayList<>());
        int scene = 0;
        for (int idx : selected) {
            while (idx >= sceneStart[scene + 1]) scene++;
            perScene.get(scene).add(idx);
        }

        int k = settings.queryTokens(), sep = settings.separatorTokens(), st = settings.frameTokens();
        List<int[]> chunkRanges = new ArrayList<>(); // scene, from, to (indices into perScene lists)
        int reduced = 0;
        for (int s = 0; s < perScene.size(); s++) {
            int n = perScene.get(s).size();
            for (int from = 0; from < n; from += settings.chunkSize()) {
                int to = Math.min(n, from + settings.chunkSize());
                chunkRanges.add(new int[]{s, from, to});
                reduced += chunkTokens(to - from, st, k, sep);
            }
        }
        int maxVisual = Math.max(0, settings.budget() - settings.generationReserve() - textTokens);
        int trim = 0;
        if (reduced > maxVisual && !chunkRanges.isEmpty()) {
            trim = (int) Math.ceil((reduced - maxVisual) / (double) chunkRanges.size());
        }

        List<ChunkPlan> chunks = new ArrayList<>();
        int used = 0, statics = 0, compressed = 0, seps = 0, frames = 0;
        boolean[] sceneShown = new boolean[perScene.size()];
        for (int[] r : chunkRanges) {
            int n = r[2] - r[1];
            int full = chunkTokens(n, st, k, sep);
            int kept = Math.max(0, full - trim);
            kept = Math.min(kept, maxVisual - used); // the final [:max_visual_len] cut
            used += kept;
            int[] kinds = prefixKinds(kept, n, st, k, sep);
            ChunkPlan c = new ChunkPlan(r[0], perScene.get(r[0]).subList(r[1], r[2]), full, kept,
                    kinds[0], kinds[1], kinds[2], kinds[3]);
            chunks.add(c);
            statics += kinds[0];
            compressed += kinds[1];
            seps += kinds[2];
            frames += kinds[3];
            sceneShown[r[0]] = true;
        }
        int scenes = 0;
        for (boolean b : sceneShown) if (b) scenes++;
        int visual = statics + compressed + seps;
        return new ContextPlan(selected.length, scenes, chunks.size(), statics, compressed, seps, visual + textTokens,
                settings.lvcot().segments(total), textTokens, total, frames, trim, chunks);
    }

    /** A half-open range of sampled-frame indices. */
    public record FrameRange(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    /**
     * LVCoT's parts as {@code eval/cot.py} cuts them: {@code n} equal ranges of
     * {@code sampledFrames / n} frames; the remainder at the end belongs to no part.
     */
    public static List<FrameRange> lvcotParts(int sampledFrames, int n) {
        if (n < 1) throw new IllegalArgumentException("n < 1");
        int len = sampledFrames / n;
        List<FrameRange> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (len > 0) parts.add(new FrameRange(i * len, (i + 1) * len));
        }
        return parts;
    }

    /** The scene sizes of the frames in {@code range}: what to plan one LVCoT part with. */
    public static List<Integer> slice(List<Integer> framesPerScene, FrameRange range) {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        for (int n : framesPerScene) {
            int a = Math.max(start, range.start()), b = Math.min(start + n, range.end());
            if (b > a) out.add(b - a);
            start += n;
        }
        return out;
    }

    /** Indices of the frames the reference keeps out of {@code total} sampled ones. */
    public static int[] selectFrames(int total, int textTokens, TdcSettings settings) {
        // get_max_num_frames measures the prompt with its one image placeholder token.
        int promptLen = textTokens + 1;
        int byBudget = Math.max(1, (settings.budget() - promptLen - settings.generationReserve())
                / settings.frameTokenEstimate());
        int max = Math.min(byBudget, settings.frameCap());
        if (total <= max) {
            int[] all = new int[total];
            for (int i = 0; i < total; i++) all[i] = i;
            return all;
        }
        double interval = total / (double) max; // same double arithmetic as Python's float
        int[] idx = new int[max];
        for (int i = 0; i < max; i++) idx[i] = (int) (interval * i);
        return idx;
    }

    /**
     * Audio tokens a plan keeps as such: in each chunk's static block the frame's audio follows its
     * {@code visualStaticTokens} visual tokens, so a trim reaches the audio first.
     */
    public static int audioTokensKept(ContextPlan plan, int visualStaticTokens, int audioTokensPerFrame) {
        if (audioTokensPerFrame == 0) return 0;
        int n = 0;
        for (ChunkPlan c : plan.chunkDetail()) n += Math.max(0, Math.min(audioTokensPerFrame, c.staticTokens() - visualStaticTokens));
        return n;
    }

    /** Untrimmed length of a chunk of {@code n} frames. */
    static int chunkTokens(int n, int staticTokens, int k, int sep) {
        if (n <= 0) return 0;
        return staticTokens + sep + (n - 1) * (k + sep);
    }

    /** {static, compressed, separator, framesShown} within the first {@code p} tokens of a chunk. */
    static int[] prefixKinds(int p, int n, int st, int k, int sep) {
        if (p <= 0) return new int[]{0, 0, 0, 0};
        int statics = Math.min(p, st);
        int rest = p - statics;
        int seps = Math.min(rest, sep);
        rest -= seps;
        int block = k + sep;
        int full = rest / block, rem = rest % block;
        int compressed = full * k + Math.min(rem, k);
        seps += full * sep + Math.max(0, rem - k);
        int shown = 1 + full + (rem > 0 ? 1 : 0);
        return new int[]{statics, compressed, seps, Math.min(shown, n)};
    }
}
