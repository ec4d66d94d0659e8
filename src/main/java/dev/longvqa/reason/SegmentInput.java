package dev.longvqa.reason;

import dev.longvqa.scenes.Scene;
import java.util.List;
import java.util.Objects;

/**
 * What one pass may show the model about a stretch of video. Backends use what they can take:
 * {@code embeddings} (the TDC context; vLLM prompt_embeds, the DJL runtime), {@code frames}
 * (chat backends that see images), and always the text: times, scenes and {@code notes}
 * (e.g. subtitles or captions; the only view a text-only model gets).
 *
 * @param embeddings may be null when no TDC context was built
 */
public record SegmentInput(double startSec, double endSec, List<Scene> scenes, List<TimedFrame> frames,
                           EmbeddingBlock embeddings, String notes) {
    public SegmentInput {
        scenes = List.copyOf(Objects.requireNonNullElse(scenes, List.of()));
        frames = List.copyOf(Objects.requireNonNullElse(frames, List.of()));
        notes = notes == null ? "" : notes;
        if (!(startSec >= 0) || !(endSec >= startSec)) throw new IllegalArgumentException("bad range " + startSec + ".." + endSec);
    }
}
