package dev.longvqa.tdc;

import ai.djl.ndarray.types.DataType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The identity of a loaded TDC context, the video part of the segment cache key: a summary made
 * from TDC embeddings is not the one made from images, nor from another checkpoint, layout,
 * budget or precision.
 *
 * @param value {@code tdc-} and 16 hex digits, plus the compute type when it is not float32
 */
record TdcContextId(String value) {
    /**
     * SHA-256 (first 16 hex) of each file's {@link TdcCheckpoint#stamp stamp}, the tower and
     * Q-Former layout, the settings, the geometry mode, the prompt reserve and the scene split.
     */
    static TdcContextId of(TdcVision.Files files, TdcSettings s, boolean referenceGeometry, int promptReserve,
                           TdcVisualContext.SceneSplit split) {
        List<String> lines = new ArrayList<>();
        lines.add("tdc-context-v1");
        for (Path p : TdcCheckpoint.safetensors(files.checkpoint())) lines.add(TdcCheckpoint.stamp(p));
        for (TdcVision.TowerFile t : files.towers()) {
            var pre = t.preprocessor();
            lines.add(TdcCheckpoint.stamp(t.model()) + " pre=" + pre.size() + "," + Arrays.toString(pre.mean()) + ","
                    + Arrays.toString(pre.std()) + "," + pre.padSquare() + " prefix=" + t.prefixTokens() + " grid=" + t.gridSide());
        }
        lines.add(TdcCheckpoint.stamp(files.bertTokenizer()) + " heads=" + files.qformerHeads());
        lines.add("budget=" + s.budget() + " reserve=" + s.generationReserve() + " chunk=" + s.chunkSize() + " k=" + s.queryTokens()
                + " grid=" + s.gridRows() + "x" + s.gridCols() + " newline=" + s.imageNewline() + " sep=" + s.separators()
                + " maxFrames=" + s.maxFrames() + " refGeometry=" + referenceGeometry + " promptReserve=" + promptReserve
                + (split == TdcVisualContext.SceneSplit.REFERENCE ? " split=reference" : ""));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            return new TdcContextId("tdc-" + HexFormat.of().formatHex(d, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Half-precision contexts differ from float32 ones in the last bits: they never share cached passes. */
    TdcContextId computedIn(DataType type) {
        return type == DataType.FLOAT32 ? this : new TdcContextId(value + "-" + type.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
