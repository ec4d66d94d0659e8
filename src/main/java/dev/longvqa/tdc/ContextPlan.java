package dev.longvqa.tdc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * The token layout of one TDC context, before any model runs. Serialises (Jackson) to exactly
 * {@code frames, scenes, chunks, staticTokens, compressedTokens, separatorTokens, totalTokens,
 * lvcotSegments, framesWithTokens}; the per-chunk detail is for the {@link ContextBuilder} and tests.
 *
 * @param frames           sampled frames the context is built from: all of them, or the frame cap's
 *                         uniform pick (224 at 8K), as the reference feeds them to its towers
 *                         before it trims tokens
 * @param scenes           scenes holding at least one of those frames
 * @param chunks           chunks (each starts with a static frame)
 * @param staticTokens     tokens of static frames (grid + row newlines)
 * @param compressedTokens Q-Former tokens (K per compressed frame, fewer where trimmed)
 * @param separatorTokens  {@code frame_seg} tokens
 * @param totalTokens      the LLM input length: the three above plus the text tokens
 * @param lvcotSegments    LVCoT parts for this video length (1 = no chain of thought)
 * @param framesWithTokens frames that keep at least one token after the even per-chunk trim
 *                         (= {@code frames} when nothing is trimmed); the others are never compressed
 */
@JsonPropertyOrder({"frames", "scenes", "chunks", "staticTokens", "compressedTokens", "separatorTokens",
        "totalTokens", "lvcotSegments", "framesWithTokens"})
public record ContextPlan(int frames, int scenes, int chunks, int staticTokens, int compressedTokens,
                          int separatorTokens, int totalTokens, int lvcotSegments,
                          @JsonIgnore int textTokens, @JsonIgnore int sampledFrames, int framesWithTokens,
                          @JsonIgnore int trimPerChunk, @JsonIgnore List<ChunkPlan> chunkDetail) {
    public ContextPlan {
        chunkDetail = List.copyOf(chunkDetail);
    }

    /** Visual tokens only (what the {@link ContextBuilder} produces). */
    @JsonIgnore
    public int visualTokens() {
        return staticTokens + compressedTokens + separatorTokens;
    }
}
