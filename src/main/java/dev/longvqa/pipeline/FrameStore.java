package dev.longvqa.pipeline;

import dev.longvqa.tdc.TdcSegmentContext;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;
import dev.longvqa.video.SampledFrame;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sampled frames spooled to disk as JPEG, so that later passes (model prompts, report thumbnails)
 * can pick any of them while memory stays flat however long the video: an hour at 1 fps is a few
 * tens of megabytes on disk, and nothing in the heap but the timestamps.
 */
public final class FrameStore implements TdcSegmentContext.FrameSource, AutoCloseable {
    private final Path dir;
    private final List<Double> times = new ArrayList<>();

    private FrameStore(Path dir) {
        this.dir = dir;
    }

    public static FrameStore createTemp() {
        try {
            return new FrameStore(Files.createTempDirectory("longvqa-frames-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void add(SampledFrame frame) {
        if (frame.index() != times.size()) throw new IllegalStateException("frames must arrive in order");
        try {
            Files.write(path(frame.index()), Images.toJpeg(frame.image()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        times.add(frame.timeSec());
    }

    public synchronized int size() {
        return times.size();
    }

    public synchronized double timeOf(int index) {
        return times.get(index);
    }

    public RgbImage image(int index) {
        try {
            return Images.fromBufferedImage(ImageIO.read(path(index).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frame sampled nearest to {@code timeSec}. */
    public synchronized int nearest(double timeSec) {
        int best = 0;
        for (int i = 1; i < times.size(); i++) {
            if (Math.abs(times.get(i) - timeSec) < Math.abs(times.get(best) - timeSec)) best = i;
        }
        return best;
    }

    /** Up to {@code max} frames of {@code [startSec, endSec)}, evenly spread over it. */
    public synchronized List<Integer> spread(double startSec, double endSec, int max) {
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            if (times.get(i) >= startSec && times.get(i) < endSec) in.add(i);
        }
        if (in.size() <= max) return in;
        List<Integer> out = new ArrayList<>(max);
        for (int k = 0; k < max; k++) out.add(in.get((int) ((k + 0.5) * in.size() / max)));
        return out;
    }

    private Path path(int index) {
        return dir.resolve(String.format("%07d.jpg", index));
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files: the OS cleans up what we could not
        }
    }
}
