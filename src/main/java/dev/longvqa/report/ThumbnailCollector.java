package dev.longvqa.report;

import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;
import dev.longvqa.video.SampledFrame;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * A frame tap for {@code SceneDetector.detect(source, tap)} that keeps what the report needs to
 * show each scene's representative frame. Representative times are only known after the whole
 * video is segmented, so every sampled frame is kept — as a JPEG (a few KB at 160 px) rather than
 * raw RGB, which would be ~75 KB a frame, ~1 GB for a four-hour video at 1 fps.
 */
public final class ThumbnailCollector implements FrameSampler.FrameSink {
    /** The report shows thumbnails 160 px wide; keeping more would only cost memory. */
    public static final int DEFAULT_MAX_SIDE = 160;

    private final int maxSide;
    private final List<Double> times = new ArrayList<>();
    private final List<byte[]> jpegs = new ArrayList<>();

    public ThumbnailCollector() {
        this(DEFAULT_MAX_SIDE);
    }

    /** Frames larger than {@code maxSide} on their longer side are scaled down before they are kept. */
    public ThumbnailCollector(int maxSide) {
        if (maxSide < 8) throw new IllegalArgumentException("maxSide too small: " + maxSide);
        this.maxSide = maxSide;
    }

    @Override
    public synchronized void accept(SampledFrame frame) {
        times.add(frame.timeSec());
        jpegs.add(Images.toJpeg(fit(frame.image(), maxSide)));
    }

    static RgbImage fit(RgbImage img, int maxSide) {
        int longer = Math.max(img.width(), img.height());
        if (longer <= maxSide) return img;
        int w = Math.max(1, Math.round(img.width() * maxSide / (float) longer));
        int h = Math.max(1, Math.round(img.height() * maxSide / (float) longer));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(Images.toBufferedImage(img), 0, 0, w, h, null);
        g.dispose();
        return Images.fromBufferedImage(out);
    }

    public synchronized int size() {
        return times.size();
    }

    /** For every scene, the kept frame nearest its representative time, by scene index. */
    public synchronized Map<Integer, RgbImage> forScenes(ScenesDocument doc) {
        if (times.isEmpty()) return new HashMap<>();
        return forScenes(doc, t -> decode(jpegs.get(nearest(t))), maxSide);
    }

    /**
     * Thumbnails from frames kept elsewhere (e.g. the ask pipeline's frame store), so a second
     * copy is not needed: {@code frameAt} returns the sampled frame nearest a time, or null.
     * Frames are scaled down to {@code maxSide}.
     */
    public static Map<Integer, RgbImage> forScenes(ScenesDocument doc, DoubleFunction<RgbImage> frameAt, int maxSide) {
        Map<Integer, RgbImage> out = new HashMap<>();
        for (ScenesDocument.SceneEntry s : doc.scenes()) {
            RgbImage img = frameAt.apply(s.representativeSec());
            if (img != null) out.put(s.index(), fit(img, maxSide));
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
