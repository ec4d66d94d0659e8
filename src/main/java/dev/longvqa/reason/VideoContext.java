package dev.longvqa.reason;

import dev.longvqa.scenes.Scene;
import java.util.List;
import java.util.Objects;

/**
 * The reason stage's view of one video.
 *
 * @param videoHash     a content hash of the video (plus decoding settings); first part of the
 *                      segment cache key, so it must change whenever the frames could
 * @param durationSec   length of the video
 * @param sampledFrames frames sampled (1 fps in the reference); chooses the LVCoT segment count
 * @param scenes        scene boundaries, used for timestamps in the prompts
 * @param provider      builds the input for a range when a pass needs it
 */
public record VideoContext(String videoHash, double durationSec, int sampledFrames, List<Scene> scenes,
                           SegmentContextProvider provider) {
    public VideoContext {
        if (videoHash == null || videoHash.isBlank()) throw new IllegalArgumentException("videoHash is empty");
        if (!(durationSec > 0)) throw new IllegalArgumentException("duration must be positive: " + durationSec);
        if (sampledFrames < 0) throw new IllegalArgumentException("sampledFrames < 0");
        scenes = List.copyOf(Objects.requireNonNullElse(scenes, List.of()));
        Objects.requireNonNull(provider, "provider");
    }

    /** Scenes overlapping {@code [startSec, endSec)}. */
    public List<Scene> scenesIn(double startSec, double endSec) {
        return scenes.stream().filter(s -> s.endSec() > startSec && s.startSec() < endSec).toList();
    }
}
