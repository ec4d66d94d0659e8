package dev.longvqa.functions;

import dev.longvqa.contract.PlanRequest;
import dev.longvqa.contract.PlanResult;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.JobStatus;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.pipeline.TimeRange;
import dev.longvqa.contract.DecodeRange;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.VideoInfo;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.List;
import java.util.Map;

/**
 * {@code plan}: checks the upload against the limits (size first, then what the container
 * declares) before anything is decoded, and splits it into time ranges for the DecodeRanges Map.
 */
public final class PlanService {
    private final ObjectStore store;
    private final VideoAccess access;
    private final JobStore jobs;
    private final Settings settings;

    public PlanService(ObjectStore store, VideoAccess access, JobStore jobs, Settings settings) {
        this.store = store;
        this.access = access;
        this.jobs = jobs;
        this.settings = settings;
    }

    public PlanResult plan(PlanRequest req) {
        Requests.present(req);
        VideoRef video = Requests.video(req.jobId(), req.video(), settings);
        long t0 = System.nanoTime();
        JobProgress.advance(jobs, req.jobId(), JobStatus.DECODING, "plan", Map.of(), null);
        HeadObjectResponse head = store.head(video.bucket(), video.key())
                .orElseThrow(() -> LongVqaException.badInput(ErrorCode.NOT_FOUND, video.key() + " no longer exists"));
        long size = head.contentLength();
        if (size == 0) throw LongVqaException.badInput(ErrorCode.EMPTY, video.key() + " is empty (0 bytes)");
        if (size > settings.videoLimits().maxBytes()) {
            throw LongVqaException.badInput(ErrorCode.TOO_LARGE, video.key() + " has " + size
                    + " bytes, over the limit of " + settings.videoLimits().maxBytes());
        }
        VideoInfo info;
        try (VideoAccess.Lease lease = access.open(video)) {
            info = FrameSampler.builder().limits(settings.videoLimits()).spoolDir(Requests.tmp(settings)).build()
                    .probe(lease.source());
        }
        double duration = info.durationSec();
        List<DecodeRange> ranges = (Double.isFinite(duration) && duration > 0
                ? TimeRange.split(duration, settings.rangeSec())
                // No declared duration: one range to the limit; the sampler stops at the real end.
                : List.of(new TimeRange(0, 0, settings.videoLimits().maxDurationSec() + 1)))
                .stream().map(r -> new DecodeRange(r.index(), r.startSec(), r.endSec())).toList();
        Double declared = Double.isFinite(duration) ? duration : null;
        JobProgress.advance(jobs, req.jobId(), JobStatus.DECODING, "plan",
                declared == null ? Map.of() : Map.of("durationSec", JobStore.n(declared)),
                (System.nanoTime() - t0) / 1_000_000);
        return new PlanResult(declared, info.displayWidth(), info.displayHeight(), ranges);
    }
}
