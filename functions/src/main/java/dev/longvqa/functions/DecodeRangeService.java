package dev.longvqa.functions;

import dev.longvqa.contract.EmbeddingsDocument;
import dev.longvqa.contract.DecodeRequest;
import dev.longvqa.contract.DecodeResult;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.contract.DecodeRange;
import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.scenes.FrameEmbedder;
import dev.longvqa.scenes.FrameSignal;
import dev.longvqa.scenes.SceneSegmenter;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.scenes.SignatureEmbedder;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.Images;
import dev.longvqa.video.SampledFrame;
import dev.longvqa.video.SamplingStrategy;
import dev.longvqa.video.SamplingSummary;
import dev.longvqa.video.VideoSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code decode-range}: decodes one time range, keeps the frames on the sampling clock, writes each
 * as a small JPEG for the GPU worker and all their embeddings as one JSON document for segment.
 *
 * <p>Decoding starts one sampling tick before the range (except for the first): that frame is
 * dropped, but it makes the first kept frame carry the decoder's change signal like every other
 * frame, so a cut right at a range boundary is found as surely as one inside a range.
 *
 * <p>Non-reference frames between samples are not decoded, as in the CLI; the frames, their times
 * and the change signal where {@code segment}'s cut rule may read it are exactly those of decoding
 * every frame (see {@link #exactChanges}); elsewhere a frame's change signal compares the decoded
 * frames around it.
 */
public final class DecodeRangeService {
    private static final System.Logger LOG = System.getLogger(DecodeRangeService.class.getName());

    private final ObjectStore store;
    private final VideoAccess access;
    private final Settings settings;
    /** The cut rule's settings, as {@code segment} uses them (SegmentService's default). */
    private static final SegmenterSettings SEGMENTER = SegmenterSettings.DEFAULT;

    private final FrameEmbedder embedder = new SignatureEmbedder();

    public DecodeRangeService(ObjectStore store, VideoAccess access, Settings settings) {
        this.store = store;
        this.access = access;
        this.settings = settings;
    }

    public DecodeResult decode(DecodeRequest req) {
        Requests.present(req);
        VideoRef video = Requests.video(req.jobId(), req.video(), settings);
        DecodeRange range = req.range();
        if (range == null) throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "range is required");
        String bucket = settings.requireBucket();
        double tick = 1 / settings.fps();
        double from = range.index() == 0 ? range.startSec() : Math.max(0, range.startSec() - tick);
        SamplingStrategy strategy = SamplingStrategy.uniform(settings.fps());
        FrameSampler.Builder b = FrameSampler.builder().strategy(strategy).maxSide(settings.frameSide())
                .limits(settings.videoLimits()).range(from, range.endSec()).spoolDir(Requests.tmp(settings));

        long t0 = System.nanoTime();
        Pass pass;
        try (VideoAccess.Lease lease = access.open(video)) {
            VideoSource source = lease.source();
            // As the CLI's scene detector: non-reference frames between samples are left undecoded,
            // then the change signal is re-decoded exactly where the cut rule may read it; that needs
            // a source that can be opened again and seeks (a staged file, a presigned URL).
            boolean skip = source instanceof VideoSource.FileSource || source instanceof VideoSource.UrlSource;
            FrameSampler sampler = b.skipUnsampled(skip).build();
            pass = sampleRange(sampler, source, req, range, bucket);
            if (skip && pass.summary() != null && !exactChanges(sampler, source, pass)) {
                LOG.log(System.Logger.Level.WARNING, "range {0} of job {1}: change signal not recoverable after skipping; decoding every frame",
                        range.index(), req.jobId());
                pass = sampleRange(b.skipUnsampled(false).build(), source, req, range, bucket); // same frames, same keys
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<EmbeddingsDocument.Frame> frames = pass.frames(pass.signals());
        SamplingSummary summary = pass.summary();
        String key = Keys.embeddings(req.jobId(), range.index());
        EmbeddingsDocument.StreamInfo stream = summary == null ? null : StreamInfos.of(summary.info());
        store.putJson(bucket, key, new EmbeddingsDocument(req.jobId(), range.index(), range.startSec(), range.endSec(),
                strategy.id(), embedder.id(), stream, summary == null ? 0 : summary.decodedFrames(), millis, frames));
        return new DecodeResult(range.index(), frames.size(), key);
    }

    /**
     * One decoded range: a signal per sampled frame (the lead-in frame first, if any) and the keys
     * of the frames written. {@code summary} is null for a range past the real end.
     */
    private record Pass(List<FrameSignal> signals, int leadIn, List<String> keys, SamplingSummary summary) {
        List<EmbeddingsDocument.Frame> frames(List<FrameSignal> signals) {
            List<EmbeddingsDocument.Frame> out = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                FrameSignal f = signals.get(i + leadIn);
                out.add(new EmbeddingsDocument.Frame(i, f.timeSec(), f.changeTimeSec(), f.changeScore(), keys.get(i), f.embedding()));
            }
            return out;
        }
    }

    /**
     * The cut rule ({@code segment}) reads the change signal at similarity spikes, over all ranges
     * together: the gaps it may read here are those {@link SceneSegmenter#changeReads} finds in this
     * range, and, since a spike just across the boundary in a neighbouring range reads up to
     * {@code window} gaps into this one, the first and last {@code window + 1} gaps. Those of them
     * where the pass dropped a frame are re-decoded exactly.
     */
    private static boolean exactChanges(FrameSampler sampler, VideoSource source, Pass pass) {
        List<FrameSignal> signals = pass.signals();
        int gaps = signals.size() - 1;
        if (gaps < 1) return true;
        BitSet reads = new SceneSegmenter(SEGMENTER).changeReads(signals);
        int edge = SEGMENTER.window() + 1;
        reads.set(0, Math.min(edge, gaps));
        reads.set(Math.max(0, gaps - edge), gaps);
        return SceneDetector.exactChanges(sampler, source, pass.summary(), reads, signals);
    }

    private Pass sampleRange(FrameSampler sampler, VideoSource source, DecodeRequest req, DecodeRange range, String bucket) {
        List<FrameSignal> signals = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int[] leadIn = {0};
        ExecutorService uploads = Executors.newFixedThreadPool(settings.uploadThreads());
        Semaphore inFlight = new Semaphore(settings.uploadThreads() * 4); // bounds JPEGs held in memory
        List<Future<?>> pending = new ArrayList<>();
        try {
            SamplingSummary summary = sampler.sample(source, (SampledFrame f) -> {
                signals.add(new FrameSignal(f.timeSec(), embedder.embed(f.image()), f.changeTimeSec(), f.changeScore()));
                if (f.timeSec() + 1e-6 < range.startSec()) { // the lead-in frame: signal only
                    leadIn[0]++;
                    return;
                }
                String key = Keys.frame(req.jobId(), range.index(), keys.size());
                keys.add(key);
                byte[] jpeg = Images.toJpeg(f.image());
                inFlight.acquireUninterruptibly();
                pending.add(uploads.submit(() -> {
                    try {
                        store.put(bucket, key, jpeg, "image/jpeg");
                    } finally {
                        inFlight.release();
                    }
                }));
            });
            await(pending);
            return new Pass(signals, leadIn[0], keys, summary);
        } catch (LongVqaException e) {
            // A later range past the real end (declared durations run long) has nothing to decode.
            if (range.index() > 0 && e.code() == ErrorCode.TRUNCATED && keys.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "range {0} of job {1} has no frames: {2}", range.index(), req.jobId(), e.getMessage());
                return new Pass(List.of(), 0, List.of(), null);
            }
            throw e;
        } finally {
            uploads.shutdownNow();
        }
    }

    private static void await(List<Future<?>> pending) {
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LongVqaException(ErrorCode.TRANSIENT, "interrupted while uploading frames", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof LongVqaException l) throw l;
                throw new LongVqaException(ErrorCode.INTERNAL, "frame upload failed: " + e.getCause(), e.getCause());
            }
        }
    }
}
