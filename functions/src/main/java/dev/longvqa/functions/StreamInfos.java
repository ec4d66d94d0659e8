package dev.longvqa.functions;

import dev.longvqa.contract.EmbeddingsDocument.StreamInfo;
import dev.longvqa.video.VideoInfo;

/** {@link VideoInfo} (core) to and from the embeddings document's {@link StreamInfo} (contracts). */
final class StreamInfos {
    private StreamInfos() {}

    static StreamInfo of(VideoInfo v) {
        return new StreamInfo(v.container(), v.codec(), v.width(), v.height(), v.displayWidth(), v.displayHeight(),
                v.rotationDeg(), finite(v.durationSec()), finite(v.frameRate()), v.hasAudio(), v.sizeBytes());
    }

    static VideoInfo toVideoInfo(StreamInfo s, String name) {
        return new VideoInfo(name, s.container(), s.codec(), s.width(), s.height(), s.displayWidth(), s.displayHeight(),
                s.rotationDeg(), s.durationSec() == null ? Double.NaN : s.durationSec(),
                s.frameRate() == null ? Double.NaN : s.frameRate(), s.hasAudio(), s.sizeBytes());
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
