package dev.longvqa.functions;

import dev.longvqa.contract.EmbeddingsDocument;
import dev.longvqa.contract.DecodeRequest;
import dev.longvqa.contract.DecodeResult;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.contract.DecodeRange;
import dev.longvqa.scenes.FrameEmbedder;
import dev.longvqa.scenes.SignatureEmbedder;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.Images;
import dev.longvqa.video.SampledFrame;
import dev.longvqa.video.SamplingStrategy;
import dev.longvqa.video.SamplingSummary;

import java.util.ArrayList;
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
 */
public final class DecodeRangeService {
    private static final System.Logger LOG = System.getLogger(DecodeRangeService.class.getName());

    private final ObjectStore store;
    private final VideoAccess access;
    private final Settings settings;
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
        FrameSampler sampler = FrameSampler.builder().strategy(strategy).maxSide(settings.frameSide())
                .limits(settings.videoLimits()).range(from, range.endSec()).spoolDir(Requests.tmp(settings)).build();

        List<EmbeddingsDocument.Frame> frames = new ArrayList<>();
        ExecutorService uploads = Executors.newFixedThreadPool(settings.uploadThreads());
        Semaphore inFlight = new Semaphore(settings.uploadThreads() * 4); // bounds JPEGs held in memory
        List<Future<?>> pending = new ArrayList<>();
        long t0 = System.nanoTime();
        SamplingSummary summary;
        try (VideoAccess.Lease lease = access.open(video)) {
            summary = sampler.sample(lease.source(), (SampledFrame f) -> {
                if (f.timeSec() + 1e-6 < range.startSec()) return; // the lead-in frame: signal only
                int i = frames.size();
                String key = Keys.frame(req.jobId(), range.index(), i);
                frames.add(new EmbeddingsDocument.Frame(i, f.timeSec(), f.changeTimeSec(), f.changeScore(), key,
                        embedder.embed(f.image())));
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
        } catch (LongVqaException e) {
            // A later range past the real end (declared durations run long) has nothing to decode.
            if (range.index() > 0 && e.code() == ErrorCode.TRUNCATED && frames.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "range {0} of job {1} has no frames: {2}", range.index(), req.jobId(), e.getMessage());
                summary = null;
            } else {
                throw e;
            }
        } finally {
            uploads.shutdownNow();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String key = Keys.embeddings(req.jobId(), range.index());
        EmbeddingsDocument.StreamInfo stream = summary == null ? null : StreamInfos.of(summary.info());
        store.putJson(bucket, key, new EmbeddingsDocument(req.jobId(), range.index(), range.startSec(), range.endSec(),
                strategy.id(), embedder.id(), stream, summary == null ? 0 : summary.decodedFrames(), millis, frames));
        return new DecodeResult(range.index(), frames.size(), key);
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
