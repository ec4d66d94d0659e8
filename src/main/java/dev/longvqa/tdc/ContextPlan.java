package dev.longvqa.tdc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * The token layout of one TDC context, before any model runs. Serialises (Jackson) to exactly
 * {@code frames, scenes, chunks, staticTokens, compressedTokens, separatorTokens, totalTokens,
 * lvcotSegments}; the per-chunk detail is for the {@link ContextBuilder} and tests.
 *
 * @param frames           sampled frames that keep at least one token
 * @param scenes           scenes that keep at least one frame after the frame cap
 * @param chunks           chunks (each starts with a static frame)
 * @param staticTokens     tokens of static frames (grid + row newlines)
 * @param compressedTokens Q-Former tokens (K per compressed frame, fewer where trimmed)
 * @param separatorTokens  {@code frame_seg} tokens
 * @param totalTokens      the LLM input length: the three above plus the text tokens
 * @param lvcotSegments    LVCoT parts for this video length (1 = no chain of thought)
 */
@JsonPropertyOrder({"frames", "scenes", "chunks", "staticTokens", "compressedTokens", "separatorTokens",
        "totalTokens", "lvcotSegments"})
public record ContextPlan(int frames, int scenes, int chunks, int staticTokens, int compressedTokens,
                          int separatorTokens, int totalTokens, int lvcotSegments,
                          @JsonIgnore int textTokens, @JsonIgnore int sampledFrames, @JsonIgnore int cappedFrames,
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
