package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStore;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.EmbeddingsDocument;
import dev.longvqa.contract.S3Layout;


import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which sampled frame (S3 key) was taken at which video time, for one job. Read from the decode
 * step's {@code embeddings/{range}.json} with the record decode-range writes it with
 * ({@link EmbeddingsDocument}); a frame without a key has the documented
 * {@code frames/{range}/{index}.jpg} ({@link S3Layout#frame}). Without any such file it lists
 * {@code frames/} and spreads the frames evenly over the video (or 1 fps, the reference sampling
 * rate, when the duration is unknown).
 */
final class FrameCatalog {
    private static final System.Logger LOG = System.getLogger(FrameCatalog.class.getName());
    private static final Pattern RANGE_FILE = Pattern.compile(".*/(\\d+)\\.json$");
    private static final Pattern FRAME_FILE = Pattern.compile(".*/frames/(\\d+)/(\\d+)\\.[A-Za-z]+$");

    /** One frame: when it was sampled and where its JPEG is. */
    public record FrameKey(double timeSec, String key) {}

    private final List<FrameKey> entries;

    FrameCatalog(List<FrameKey> entries) {
        this.entries = entries.stream().sorted(Comparator.comparingDouble(FrameKey::timeSec)).toList();
    }

    public List<FrameKey> entries() {
        return entries;
    }

    public static FrameCatalog load(BlobStore store, String jobId, double durationSec) {
        List<FrameKey> found = new ArrayList<>();
        for (String key : store.list(S3Layout.embeddingsPrefix(jobId), 10_000)) {
            if (!key.endsWith(".json")) continue;
            Matcher m = RANGE_FILE.matcher(key);
            int range = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            store.get(key).ifPresent(bytes -> found.addAll(parseEmbeddings(bytes, jobId, range, key)));
        }
        if (!found.isEmpty()) return new FrameCatalog(found);
        return fromListing(store.list(S3Layout.framesPrefix(jobId), 100_000), durationSec);
    }

    static List<FrameKey> parseEmbeddings(byte[] bytes, String jobId, int rangeFromName, String key) {
        EmbeddingsDocument doc;
        try {
            doc = Json.mapper().readValue(bytes, EmbeddingsDocument.class);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable " + key + ": " + e.getMessage());
            return List.of();
        }
        if (doc == null || doc.frames() == null) return List.of();
        int range = rangeFromName >= 0 ? rangeFromName : doc.index();
        List<FrameKey> out = new ArrayList<>();
        for (EmbeddingsDocument.Frame f : doc.frames()) {
            String k = f.key() != null && !f.key().isBlank() ? f.key() : S3Layout.frame(jobId, range, f.frameIndex());
            out.add(new FrameKey(f.timeSec(), k));
        }
        return out;
    }

    static FrameCatalog fromListing(List<String> keys, double durationSec) {
        record Numbered(int range, int index, String key) {}
        List<Numbered> frames = new ArrayList<>();
        for (String k : keys) {
            Matcher m = FRAME_FILE.matcher(k);
            if (m.matches()) frames.add(new Numbered(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), k));
        }
        frames.sort(Comparator.comparingInt(Numbered::range).thenComparingInt(Numbered::index));
        double step = durationSec > 0 && !frames.isEmpty() ? durationSec / frames.size() : 1.0;
        List<FrameKey> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) out.add(new FrameKey(i * step, frames.get(i).key()));
        return new FrameCatalog(out);
    }

    /**
     * Up to {@code max} frames for a segment: the one nearest each target time (scene midpoints),
     * de-duplicated; targets are thinned evenly when there are more than {@code max}.
     */
    public List<FrameKey> pick(double startSec, double endSec, List<Double> targets, int max) {
        List<FrameKey> inside = entries.stream().filter(e -> e.timeSec() >= startSec && e.timeSec() <= endSec).toList();
        if (inside.isEmpty() || max == 0) return List.of();
        List<Double> want = targets.isEmpty() ? evenly(startSec, endSec, max) : thin(targets, max);
        List<FrameKey> chosen = new ArrayList<>();
        for (double t : want) {
            FrameKey best = inside.stream().min(Comparator.comparingDouble(e -> Math.abs(e.timeSec() - t))).orElseThrow();
            if (!chosen.contains(best)) chosen.add(best);
        }
        chosen.sort(Comparator.comparingDouble(FrameKey::timeSec));
        return chosen;
    }

    /**
     * Up to {@code max} frames of {@code [startSec, endSec)}, evenly spread over it: the rule
     * of the core's {@code FrameStore.spread} behind {@code AskPipeline}, so the worker's final
     * pass shows what {@code longvqa ask} would.
     */
    public List<FrameKey> spread(double startSec, double endSec, int max) {
        List<FrameKey> inside = entries.stream().filter(e -> e.timeSec() >= startSec && e.timeSec() < endSec).toList();
        if (max <= 0) return List.of();
        if (inside.size() <= max) return inside;
        List<FrameKey> out = new ArrayList<>(max);
        for (int k = 0; k < max; k++) out.add(inside.get((int) ((k + 0.5) * inside.size() / max)));
        return out;
    }

    private static List<Double> evenly(double start, double end, int n) {
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(start + (end - start) * (i + 0.5) / n);
        return out;
    }

    private static List<Double> thin(List<Double> targets, int max) {
        if (targets.size() <= max) return targets;
        List<Double> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) out.add(targets.get((int) ((long) i * targets.size() / max)));
        return out;
    }
}
