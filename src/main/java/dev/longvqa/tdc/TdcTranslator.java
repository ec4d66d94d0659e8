package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.video.RgbImage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * From the frames of a time range and the conditioning text to an {@link EmbeddingBlock} (DJL's
 * translator step): plans the context, runs the loaded {@link TdcVision} and copies the result
 * to the heap. One per {@link TdcVisualContext}; calls are serialised, the towers and Q-Former
 * run one context at a time.
 */
final class TdcTranslator implements AutoCloseable {
    private final TdcVision vision;
    private final TdcSettings settings;
    private final int hiddenSize;
    private final boolean referenceGeometry;
    private final int promptReserve;
    private final TdcVisualContext.SceneSplit sceneSplit;
    private final TdcVisualContext.Listener listener;

    TdcTranslator(TdcVision vision, TdcSettings settings, int hiddenSize, boolean referenceGeometry, int promptReserve,
                  TdcVisualContext.SceneSplit sceneSplit, TdcVisualContext.Listener listener) {
        this.vision = vision;
        this.settings = settings;
        this.hiddenSize = hiddenSize;
        this.referenceGeometry = referenceGeometry;
        this.promptReserve = promptReserve;
        this.sceneSplit = sceneSplit;
        this.listener = listener;
    }

    TdcSettings settings() {
        return settings;
    }

    int hiddenSize() {
        return hiddenSize;
    }

    TdcVisualContext.SceneSplit sceneSplit() {
        return sceneSplit;
    }

    TdcEngine engine() {
        return vision.engine();
    }

    /** See {@link TdcVisualContext#textTokens(String)}. */
    int textTokens(String conditioning) {
        return promptReserve + (conditioning.length() + 2) / 3;
    }

    /** {@code known} when the caller counted the prompt's tokens (≥ 0), else {@link #textTokens(String)}. */
    int textTokens(String conditioning, int known) {
        return known >= 0 ? known : textTokens(conditioning);
    }

    /** Range-local indices of the frames {@link #translate} reads for the same arguments; no model runs. */
    List<Integer> framesRead(List<Integer> framesPerScene, String conditioning, int textTokens, int width, int height, int audioTokens) {
        int text = textTokens(conditioning, textTokens);
        if (sceneSplit == TdcVisualContext.SceneSplit.REFERENCE) {
            // the split reads every capped frame through the DINOv2 tower; the context reads a subset of them
            int total = framesPerScene.stream().mapToInt(Integer::intValue).sum();
            TdcSettings s = referenceGeometry ? settings.forVideo(width, height, true) : settings;
            int[] selected = TdcPlanner.selectFrames(total, text, s.withAudioTokens(audioTokens));
            return Arrays.stream(selected).boxed().toList();
        }
        ContextPlan plan = vision.plan(framesPerScene, text, geometry(width, height), audioTokens);
        List<Integer> out = new ArrayList<>();
        for (ChunkPlan c : plan.chunkDetail()) {
            if (c.keptTokens() > 0) out.addAll(c.frameIndices().subList(0, c.framesShown()));
        }
        return out;
    }

    /**
     * Computes the visual tokens of the given frames ({@code frames.apply(i)}, i over the range's
     * frames in order) and copies them to the heap; every device array of the call is freed before
     * returning. Range frame {@code i} is video frame {@code videoIndex(i)} in the video's
     * projected-frame {@code cache} (both null: none); {@code audio} null: the frames carry no sound.
     */
    synchronized EmbeddingBlock translate(double startSec, double endSec, List<Integer> framesPerScene,
                                          IntFunction<RgbImage> frames, String conditioning, int knownTextTokens, int width, int height,
                                          IntUnaryOperator videoIndex, ProjectedFrameCache cache, FrameAudio audio) {
        long t0 = System.nanoTime();
        int textTokens = textTokens(conditioning, knownTextTokens);
        ProjectedFrames.Geometry g = geometry(width, height);
        int audioTokens = audio == null ? 0 : audio.tokensPerFrame();
        if (sceneSplit == TdcVisualContext.SceneSplit.REFERENCE) {
            int total = framesPerScene.stream().mapToInt(Integer::intValue).sum();
            framesPerScene = vision.referenceScenes(total, textTokens, frames, g, ReferenceSceneSplit.MAX_SEGMENTS, videoIndex, cache, audioTokens);
        }
        ContextPlan plan = vision.plan(framesPerScene, textTokens, g, audioTokens);
        float[] values;
        long rows;
        long cols;
        // TdcVision frees its intermediates itself; only the result (on its device) is left to copy and close.
        try (NDArray ctx = vision.context(framesPerScene, textTokens, frames, conditioning, g, videoIndex, cache, audio)) {
            rows = ctx.getShape().get(0);
            cols = ctx.getShape().get(1);
            if (ctx.getDataType() == DataType.FLOAT32) {
                values = ctx.toFloatArray();
            } else {
                try (NDArray f = ctx.toType(DataType.FLOAT32, false)) {
                    values = f.toFloatArray();
                }
            }
        }
        if (rows != plan.visualTokens() || cols != hiddenSize) {
            throw new LongVqaException(ErrorCode.INTERNAL, "TDC context is " + rows + "x" + cols + ", planned "
                    + plan.visualTokens() + "x" + hiddenSize);
        }
        listener.built(new TdcVisualContext.Built(startSec, endSec, conditioning, List.copyOf(framesPerScene), textTokens, plan,
                (System.nanoTime() - t0) / 1_000_000, audio == null ? 0 : TdcPlanner.audioTokensKept(plan,
                (g == null ? settings : settings.forVideo(g.width(), g.height(), g.referenceQuirk())).staticFrameTokens(),
                audio.tokensPerFrame())));
        return new EmbeddingBlock((int) rows, (int) cols, values);
    }

    private ProjectedFrames.Geometry geometry(int width, int height) {
        return referenceGeometry ? new ProjectedFrames.Geometry(width, height, true) : null;
    }

    @Override
    public void close() {
        vision.close();
    }
}
