package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStore;
import dev.longvqa.worker.store.BlobStores;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.TaskResult;
import dev.longvqa.contract.Tokens;
import dev.longvqa.contract.S3Layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.audio.AudioResult;
import dev.longvqa.worker.audio.AudioCost;
import dev.longvqa.worker.audio.JobAudio;
import dev.longvqa.worker.audio.TaskAudio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A "segment" task: the question-independent summary of one LVCoT segment, written to
 * {@code jobs/{jobId}/segments/{i}.json} and cached under {@code cache/segments/{cacheKey}.json}
 * so every later question on the same video skips this pass.
 */
final class SegmentTaskHandler implements TaskHandler<TaskMessage.SegmentTask, TaskResult.SegmentSummarized> {
    private static final System.Logger LOG = System.getLogger(SegmentTaskHandler.class.getName());

    private final BlobStores stores;
    private final String bucket;
    private final SegmentSummarizer summarizer;
    private final int maxFrames;
    private final JobAudio audio;

    public SegmentTaskHandler(BlobStores stores, String bucket, SegmentSummarizer summarizer, int maxFrames) {
        this(stores, bucket, summarizer, maxFrames, JobAudio.off());
    }

    /** @param audio the job's transcript (and sound for TDC audio tokens) for every pass */
    public SegmentTaskHandler(BlobStores stores, String bucket, SegmentSummarizer summarizer, int maxFrames, JobAudio audio) {
        this.stores = stores;
        this.bucket = bucket;
        this.summarizer = summarizer;
        this.maxFrames = maxFrames;
        this.audio = audio;
    }

    /**
     * Everything that decides the summary: the exact object (version or ETag), the model and its
     * settings, the frame budget, and the segment (index and range: a different segment count
     * moves the boundaries).
     */
    public String cacheKey(TaskMessage.SegmentTask t) {
        return cacheKey(t, TaskAudio.NONE);
    }

    /**
     * With the transcript's engine ({@link TaskAudio#cacheSuffix()}: {@code :asr=ENGINE} when the
     * pass reads speech; the summarizer's {@code cacheId} names its BEATs side when its contexts
     * carry audio tokens): a summary is never served for a pass that would have read other words.
     * Without speech the key is the one from before audio support.
     */
    String cacheKey(TaskMessage.SegmentTask t, TaskAudio heard) {
        String model = summarizer.cacheId() + heard.cacheSuffix();
        String s = String.join("\n", t.video().identity(), model, "frames=" + imageBudget(),
                Integer.toString(t.segment().index()), Double.toString(t.segment().startSec()),
                Double.toString(t.segment().endSec()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public TaskResult.SegmentSummarized handle(TaskMessage.SegmentTask t) throws InterruptedException {
        long t0 = System.nanoTime();
        BlobStore store = stores.forTask(t, bucket);
        TaskAudio heard = audio.transcript(store, t.jobId(), t.video());
        String cacheKey = cacheKey(t, heard);
        String segmentKey = S3Layout.segment(t.jobId(), t.segment().index());

        Optional<ObjectNode> cached = store.get(S3Layout.cachedSegment(cacheKey)).flatMap(this::readObject)
                .filter(n -> n.path("summary").isTextual());
        ObjectNode doc;
        Tokens tokens;
        TdcCost tdc = null;
        AudioCost audioCost = heard.cost();
        if (cached.isPresent()) {
            doc = cached.get();
            tokens = Tokens.NONE;
            LOG.log(System.Logger.Level.INFO, "job " + t.jobId() + " segment " + t.segment().index() + ": cache hit " + cacheKey);
        } else {
            SegmentSummarizer.Summarized r;
            SegmentSummarizer.SegmentWork request;
            // the sound itself only for audio tokens, and only on a miss
            long d0 = System.nanoTime();
            try (AudioResult sound = summarizer.usesAudioTokens() ? audio.track(t.video(), t.jobId()) : new AudioResult.Off()) {
                TaskAudio withSound = heard.withTrack(sound.track(), summarizer.usesAudioTokens() ? (System.nanoTime() - d0) / 1_000_000 : 0);
                request = request(store, t, withSound);
                r = summarizer.summarize(request);
                audioCost = withSound.cost().plus(new AudioCost(r.audioTokens(), 0, 0));
            }
            tokens = r.tokens();
            doc = Json.mapper().createObjectNode();
            doc.put("index", t.segment().index());
            doc.put("startSec", t.segment().startSec());
            doc.put("endSec", t.segment().endSec());
            doc.put("summary", r.summary());
            doc.put("promptTokens", tokens.prompt());
            doc.put("completionTokens", tokens.completion());
            doc.put("model", summarizer.cacheId());
            doc.put("cacheKey", cacheKey);
            var times = doc.putArray("frameTimesSec");
            if (request.stored() != null) {
                // the frames the TDC planner picked (and the only ones fetched)
                request.stored().frames().fetchedTimes().forEach(times::add);
            } else {
                request.frames().forEach(f -> times.add(f.timeSec()));
            }
            if (r.tdc() != null) {
                doc.put("visualTokens", r.tdc().visualTokens());
                doc.put("tdcMs", r.tdc().tdcMs());
                doc.put("framesEncoded", r.tdc().framesEncoded());
            }
            if (heard.transcript() != null) {
                doc.put("transcriptEngine", heard.transcript().engine());
                doc.put("speech", heard.notes(t.segment().startSec(), t.segment().endSec()));
            }
            if (r.audioTokens() > 0) doc.put("audioTokens", r.audioTokens());
            tdc = r.tdc();
            store.put(S3Layout.cachedSegment(cacheKey), bytes(doc), "application/json");
        }
        ObjectNode out = doc.deepCopy();
        out.put("jobId", t.jobId());
        out.put("cached", cached.isPresent());
        store.put(segmentKey, bytes(out), "application/json");

        // What this execution spent (nothing on a cache hit), always present: the state machine
        // selects these fields and the record Lambda sums them into the job row.
        TdcCost cost = tdc != null ? tdc : TdcCost.NONE;
        return new TaskResult.SegmentSummarized(segmentKey, cached.isPresent(), tokens, cost.visualTokens(), cost.tdcMs(),
                (System.nanoTime() - t0) / 1_000_000, audioCost.audioTokens(), audioCost.audioMs());
    }

    private SegmentSummarizer.SegmentWork request(BlobStore store, TaskMessage.SegmentTask t, TaskAudio heard) throws InterruptedException {
        double start = t.segment().startSec();
        double end = t.segment().endSec();
        String scenesKey = t.scenesKey() != null ? t.scenesKey() : S3Layout.scenes(t.jobId());
        JsonNode scenesDoc = JobFrames.scenesDocument(store, scenesKey);
        List<SceneInfo> scenes = JobFrames.scenesIn(scenesDoc, start, end);
        // the frame nearest each scene's representative time (else its middle): one frame per shot
        List<Double> targets = new ArrayList<>();
        for (JsonNode s : scenesDoc.path("scenes")) {
            double s0 = s.path("startSec").asDouble(), s1 = s.path("endSec").asDouble();
            if (s1 <= start || s0 >= end) continue;
            double c0 = Math.max(s0, start), c1 = Math.min(s1, end);
            double rep = s.path("representativeSec").asDouble((c0 + c1) / 2);
            targets.add(rep >= c0 && rep <= c1 ? rep : (c0 + c1) / 2);
        }
        int budget = imageBudget();
        List<FrameImage> frames = List.of();
        StoredVideo stored = null;
        double duration = scenesDoc.path("durationSec").asDouble(0);
        if (summarizer.readsStoredVideo()) {
            // TDC: the pass reads the segment's frames itself, only those its planner selects
            FrameCatalog catalog = FrameCatalog.load(store, t.jobId(), duration);
            if (!(duration > 0)) {
                duration = Math.max(end, catalog.entries().isEmpty() ? 0 : catalog.entries().getLast().timeSec());
            }
            stored = new StoredVideo(new StoredFrames(store, catalog), JobFrames.scenesIn(scenesDoc, 0, duration), duration);
        } else if (budget > 0) {
            FrameCatalog catalog = FrameCatalog.load(store, t.jobId(), duration);
            frames = JobFrames.fetch(store, catalog.pick(start, end, targets, budget));
        }
        return new SegmentSummarizer.SegmentWork(t.jobId(), t.video(), t.segment().index(), t.segment().count(), start, end,
                scenes, frames, stored, heard);
    }

    /** Frames per pass: the configured budget, lowered by what the model takes (0 for a text-only one). */
    int imageBudget() {
        return Math.max(0, Math.min(maxFrames, summarizer.maxImages()));
    }

    private Optional<ObjectNode> readObject(byte[] b) {
        try {
            JsonNode n = Json.mapper().readTree(b);
            return n instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // a corrupt cache entry or scenes file is a miss, not a failure
        }
    }

    private byte[] bytes(JsonNode n) {
        try {
            return Json.mapper().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise segment", e);
        }
    }
}
