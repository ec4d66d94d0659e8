package dev.longvqa.worker;

import java.util.List;

/**
 * The whole video as the decode and segment stages stored it, for a pass that builds its own
 * visual context (TDC): every sampled frame (read on demand), every scene and the duration.
 * Handlers pass it only to passes that ask for it ({@link SegmentSummarizer#readsStoredVideo()}).
 */
record StoredVideo(StoredFrames frames, List<SceneInfo> scenes, double durationSec) {
    public StoredVideo {
        scenes = List.copyOf(scenes);
    }
}
