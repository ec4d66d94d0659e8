package dev.longvqa.report;

import dev.longvqa.pipeline.ScenesDocument;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;
import dev.longvqa.video.SampledFrame;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A frame tap for {@code SceneDetector.detect(source, tap)} that keeps what the report needs to
 * show each scene's representative frame. Representative times are only known after the whole
 * video is segmented, so every sampled frame is kept — as a JPEG (a few KB at 160 px) rather than
 * raw RGB, which would be ~75 KB a frame, ~1 GB for a four-hour video at 1 fps.
 */
public final class ThumbnailCollector implements FrameSampler.FrameSink {
    private final List<Double> times = new ArrayList<>();
    private final List<byte[]> jpegs = new ArrayList<>();

    @Override
    public synchronized void accept(SampledFrame frame) {
        times.add(frame.timeSec());
        jpegs.add(Images.toJpeg(frame.image()));
    }

    public synchronized int size() {
        return times.size();
    }

    /** For every scene, the kept frame nearest its representative time, by scene index. */
    public synchronized Map<Integer, RgbImage> forScenes(ScenesDocument doc) {
        Map<Integer, RgbImage> out = new HashMap<>();
        if (times.isEmpty()) return out;
        for (ScenesDocument.SceneEntry s : doc.scenes()) {
            out.put(s.index(), decode(jpegs.get(nearest(s.representativeSec()))));
        }
        return out;
    }

    private int nearest(double t) {
        // Frames arrive in time order: binary search, then compare the two neighbours.
        int lo = 0, hi = times.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times.get(mid) < t) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0 && Math.abs(times.get(lo - 1) - t) <= Math.abs(times.get(lo) - t)) return lo - 1;
        return lo;
    }

    private static RgbImage decode(byte[] jpeg) {
        try {
            return Images.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(jpeg)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
