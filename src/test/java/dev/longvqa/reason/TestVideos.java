package dev.longvqa.reason;

import dev.longvqa.scenes.Scene;
import dev.longvqa.video.RgbImage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Synthetic video contexts: solid-colour frames, one per {@code frameEvery} seconds. */
final class TestVideos {
    private TestVideos() {}

    static RgbImage solid(int r, int g, int b) {
        byte[] px = new byte[8 * 6 * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        return new RgbImage(8, 6, px);
    }

    /** A video of {@code duration} s sampled at 1 fps, scenes every 100 s, frames every 100 s. */
    static VideoContext video(String hash, double duration, AtomicInteger providerCalls) {
        List<Scene> scenes = new ArrayList<>();
        for (int s = 0; s * 100 < duration; s++) scenes.add(new Scene(s, s * 100, Math.min(duration, (s + 1) * 100)));
        return new VideoContext(hash, duration, (int) duration, scenes, (start, end) -> {
            providerCalls.incrementAndGet();
            List<TimedFrame> frames = new ArrayList<>();
            for (double t = Math.ceil(start / 100) * 100; t < end; t += 100) frames.add(new TimedFrame(t + 5, solid((int) t % 256, 10, 200)));
            return new SegmentInput(start, end, List.of(), frames, null, "");
        });
    }
}
