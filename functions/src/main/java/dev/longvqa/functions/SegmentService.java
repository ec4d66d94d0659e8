package dev.longvqa.functions;

import dev.longvqa.contract.EmbeddingsDocument;
import dev.longvqa.contract.DecodeResult;
import dev.longvqa.contract.SegmentRequest;
import dev.longvqa.contract.SegmentResult;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.LvcotSegment;
import dev.longvqa.contract.JobStatus;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.LvcotRule;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.pipeline.TimeRange;
import dev.longvqa.scenes.FrameSignal;
import dev.longvqa.scenes.SceneSegmentation;
import dev.longvqa.scenes.SceneSegmenter;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.video.VideoInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code segment}: joins the ranges' embeddings in time order, cuts scenes on the similarity curve
 * (the core's {@link SceneSegmenter}, as the CLI does), writes {@code scenes.json} and splits the
 * video into the LVCoT segments the Reason Map fans out over.
 */
public final class SegmentService {
    private final ObjectStore store;
    private final JobStore jobs;
    private final Settings settings;
    private final SegmenterSettings segmenter;
    private final LvcotRule lvcot;

    public SegmentService(ObjectStore store, JobStore jobs, Settings settings) {
        this(store, jobs, settings, SegmenterSettings.DEFAULT, LvcotRule.REFERENCE);
    }

    public SegmentService(ObjectStore store, JobStore jobs, Settings settings, SegmenterSettings segmenter, LvcotRule lvcot) {
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.segmenter = segmenter;
        this.lvcot = lvcot;
    }

    public SegmentResult segment(SegmentRequest req) {
        Requests.present(req);
        VideoRef video = Requests.video(req.jobId(), req.video(), settings);
        if (req.ranges() == null || req.ranges().isEmpty()) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "ranges (the decode outputs) are required");
        }
        String bucket = settings.requireBucket();
        long t0 = System.nanoTime();
        JobProgress.advance(jobs, req.jobId(), JobStatus.SEGMENTING, "segment", Map.of(), null);

        List<DecodeResult> ranges = new ArrayList<>(req.ranges());
        ranges.sort(Comparator.comparingInt(DecodeResult::index));
        List<FrameSignal> signals = new ArrayList<>();
        VideoInfo info = null;
        String sampling = null, embedder = null;
        long decoded = 0, decodeMillis = 0;
        double last = -1;
        for (DecodeResult r : ranges) {
            // Read by the key we derive, not the one in the payload: a payload cannot redirect reads.
            EmbeddingsDocument doc = store.getJson(bucket, Keys.embeddings(req.jobId(), r.index()), EmbeddingsDocument.class);
            if (!req.jobId().equals(doc.jobId())) throw new LongVqaException(ErrorCode.INTERNAL, "embeddings of another job under " + req.jobId());
            if (info == null && doc.stream() != null) info = StreamInfos.toVideoInfo(doc.stream(), video.key());
            if (sampling == null) sampling = doc.sampling();
            if (embedder == null) embedder = doc.embedder();
            decoded += doc.decodedFrames();
            decodeMillis += doc.decodeMillis();
            for (EmbeddingsDocument.Frame f : doc.frames()) {
                if (f.timeSec() <= last) continue; // ranges are disjoint; never let a repeat fold the curve
                signals.add(new FrameSignal(f.timeSec(), f.embedding(), f.changeTimeSec(), f.changeScore()));
                last = f.timeSec();
            }
        }
        if (signals.isEmpty() || info == null) {
            throw LongVqaException.badInput(ErrorCode.TRUNCATED, video.key() + " yielded no frames");
        }
        double measured = last + (info.frameRate() > 0 ? 1 / info.frameRate() : 0);
        Double declared = req.plan() != null ? req.plan().durationSec() : null;
        double duration = declared == null || !(declared > 0) ? measured : Math.max(declared, last);

        long s0 = System.nanoTime();
        SceneSegmentation seg = new SceneSegmenter(segmenter).segment(signals, duration);
        long segmentMillis = (System.nanoTime() - s0) / 1_000_000;
        ScenesResult result = new ScenesResult(info, duration, signals.size(), decoded, sampling, embedder, seg,
                decodeMillis, segmentMillis);
        String scenesKey = Keys.scenes(req.jobId());
        store.putJson(bucket, scenesKey, result.document(video.key()));

        List<TimeRange> parts = TimeRange.equalParts(duration, lvcot.segments(signals.size()));
        List<LvcotSegment> segments = parts.stream()
                .map(r -> new LvcotSegment(r.index(), parts.size(), r.startSec(), r.endSec())).toList();
        int sceneCount = seg.scenes().size();
        JobProgress.advance(jobs, req.jobId(), JobStatus.REASONING, "segment", Map.of(
                "sceneCount", JobStore.n(sceneCount),
                "scenesKey", JobStore.s(scenesKey),
                "durationSec", JobStore.n(duration),
                "frameCount", JobStore.n(signals.size())), (System.nanoTime() - t0) / 1_000_000);
        return new SegmentResult(scenesKey, sceneCount, signals.size(), segments);
    }
}
