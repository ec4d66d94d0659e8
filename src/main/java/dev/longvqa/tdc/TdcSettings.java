package dev.longvqa.tdc;

import dev.longvqa.reason.LvcotRule;

import java.util.Locale;

/**
 * Every number that shapes the TDC context, with the reference's values as defaults
 * ({@code cambrian_arch.py} in Hoar012/TDC-Video, stage-2 training script flags).
 *
 * @param budget            the LLM context length the layout must fit ({@code tokenizer_model_max_length}, 8192)
 * @param generationReserve tokens kept free for the answer ({@code inference_max_length}, 16)
 * @param chunkSize         frames per chunk inside a scene; the first is the static frame (8)
 * @param queryTokens       K, tokens the Q-Former keeps per non-static frame ({@code context_token_num}, 16)
 * @param gridRows          rows of the projected token grid of one frame (12: 144 tokens)
 * @param gridCols          columns of that grid (12)
 * @param imageNewline      whether each grid row ends with the learned {@code image_newline} token (reference: yes)
 * @param separators        whether {@code frame_seg} follows the static block and each compressed block (yes)
 * @param maxFrames         hard frame cap; {@code 0} means "scale the reference's 224 with the budget"
 * @param lvcot             how many LVCoT segments a video of a given length gets
 * @param audioTokens       audio tokens appended to each frame's visual tokens before the Q-Former
 *                          (the reference's BEATs path: 50; 0 for no audio)
 */
public record TdcSettings(int budget, int generationReserve, int chunkSize, int queryTokens,
                          int gridRows, int gridCols, boolean imageNewline, boolean separators,
                          int maxFrames, LvcotRule lvcot, int audioTokens) {

    /** The reference's cap ("in case of OOM") at its 8K context. */
    public static final int REFERENCE_MAX_FRAMES = 224;
    public static final int REFERENCE_BUDGET = 8192;
    /** The largest context the planner accepts (Qwen2 long-context models). */
    public static final int MAX_BUDGET = 131072;

    public TdcSettings {
        if (budget < 256 || budget > MAX_BUDGET) {
            throw new IllegalArgumentException("budget must be in [256, " + MAX_BUDGET + "], got " + budget);
        }
        if (generationReserve < 0 || chunkSize < 1 || queryTokens < 1 || gridRows < 1 || gridCols < 1 || maxFrames < 0
                || audioTokens < 0) {
            throw new IllegalArgumentException("invalid TDC settings");
        }
        if (lvcot == null) lvcot = LvcotRule.REFERENCE;
    }

    /** Without audio tokens. */
    public TdcSettings(int budget, int generationReserve, int chunkSize, int queryTokens, int gridRows, int gridCols,
                       boolean imageNewline, boolean separators, int maxFrames, LvcotRule lvcot) {
        this(budget, generationReserve, chunkSize, queryTokens, gridRows, gridCols, imageNewline, separators, maxFrames, lvcot, 0);
    }

    /** The same layout with {@code n} audio tokens per frame (50 with BEATs; 0 for a video without sound). */
    public TdcSettings withAudioTokens(int n) {
        return new TdcSettings(budget, generationReserve, chunkSize, queryTokens, gridRows, gridCols,
                imageNewline, separators, maxFrames, lvcot, n);
    }

    public static TdcSettings defaults() {
        return new TdcSettings(REFERENCE_BUDGET, 16, 8, 16, 12, 12, true, true, 0, LvcotRule.REFERENCE);
    }

    public TdcSettings withBudget(int newBudget) {
        return new TdcSettings(newBudget, generationReserve, chunkSize, queryTokens, gridRows, gridCols,
                imageNewline, separators, maxFrames, lvcot, audioTokens);
    }

    public TdcSettings withGrid(int rows, int cols) {
        return new TdcSettings(budget, generationReserve, chunkSize, queryTokens, rows, cols,
                imageNewline, separators, maxFrames, lvcot, audioTokens);
    }

    public TdcSettings withMaxFrames(int cap) {
        return new TdcSettings(budget, generationReserve, chunkSize, queryTokens, gridRows, gridCols,
                imageNewline, separators, cap, lvcot, audioTokens);
    }

    /** Parses "8192", "8K", "128k" (K = 1024). */
    public static int parseBudget(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("K")) return Integer.parseInt(t.substring(0, t.length() - 1).trim()) * 1024;
        return Integer.parseInt(t);
    }

    /** Tokens of one static (uncompressed) frame: the grid plus one newline per row. */
    public int staticFrameTokens() {
        return gridRows * (gridCols + (imageNewline ? 1 : 0));
    }

    /**
     * Tokens of one frame as the Q-Former and the static block see it: the visual tokens, then
     * the frame's audio tokens (the reference concatenates them before compression).
     */
    public int frameTokens() {
        return staticFrameTokens() + audioTokens;
    }

    public int separatorTokens() {
        return separators ? 1 : 0;
    }

    /**
     * The reference's per-frame estimate for the frame cap, {@code (144 + K*7) // 8}: it counts the
     * bare 12x12 grid, not newlines or separators, so the real layout can exceed the budget and is
     * then trimmed. Kept as is so the cap matches the reference exactly.
     */
    public int frameTokenEstimate() {
        // get_max_num_frames: (144 + 50 + 7K) // 8 when the model takes audio. The visual part is the
        // square grid (144 at 12x12) even after forVideo's unpad crop: the reference's constant does not
        // look at the video's shape, so a 16:9 video gets the same cap as a square one.
        int side = Math.max(gridRows, gridCols);
        return (side * side + audioTokens + queryTokens * (chunkSize - 1)) / chunkSize;
    }

    /** The frame cap before the budget formula: {@link #maxFrames} or 224 per 8K of budget. */
    public int frameCap() {
        if (maxFrames > 0) return maxFrames;
        return (int) ((long) REFERENCE_MAX_FRAMES * budget / REFERENCE_BUDGET);
    }

    /**
     * The settings for a video of the given size, with the grid the reference keeps after
     * {@code unpad_image}. The reference passes the frame's {@code (height, width)} where
     * {@code unpad_image} expects {@code (width, height)}; {@code referenceQuirk} reproduces that
     * (a 16:9 video keeps 12x6 tokens), otherwise the padding rows of the square-padded frame go.
     */
    public TdcSettings forVideo(int width, int height, boolean referenceQuirk) {
        int ow = referenceQuirk ? height : width;
        int oh = referenceQuirk ? width : height;
        int rows = gridRows, cols = gridCols;
        double originalAspect = (double) ow / oh, currentAspect = (double) cols / rows;
        if (originalAspect > currentAspect) {
            int newHeight = (int) (oh * ((double) cols / ow));
            int padding = (rows - newHeight) / 2;
            rows = rows - 2 * padding;
        } else {
            int newWidth = (int) (ow * ((double) rows / oh));
            int padding = (cols - newWidth) / 2;
            cols = cols - 2 * padding;
        }
        return withGrid(rows, cols);
    }
}
