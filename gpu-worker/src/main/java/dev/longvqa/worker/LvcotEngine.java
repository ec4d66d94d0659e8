package dev.longvqa.worker;

import dev.longvqa.reason.AnswerOutput;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Lvcot;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.Question;
import dev.longvqa.reason.Scene;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentInput;
import dev.longvqa.reason.SegmentOutput;
import dev.longvqa.reason.TimedFrame;
import dev.longvqa.reason.VideoContext;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The worker's passes run by the core's LVCoT over any {@link LanguageModel} — the embedded DJL
 * runtime on the GPU, or a remote server — so the prompts, timestamps and answer layout are the
 * ones {@code longvqa ask} uses. The worker keeps its own S3 cache, so LVCoT's is off here.
 */
public final class LvcotEngine implements SegmentSummarizer, Answerer, AutoCloseable {
    private final LanguageModel model;
    private final Lvcot lvcot;

    public LvcotEngine(LanguageModel model, LvcotSettings settings) {
        this.model = model;
        // The answer task carries summaries, not frames: the final pass works from text alone.
        this.lvcot = new Lvcot(model, SegmentCache.none(), settings.toBuilder().finalPassVideo(false).build());
    }

    @Override
    public String cacheId() {
        return model.cacheId() + "|" + lvcot.settings().segmentFingerprint();
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public SegmentResult summarize(SegmentRequest r) {
        List<Scene> scenes = r.scenes().stream().map(s -> new Scene(s.index(), s.startSec(), s.endSec())).toList();
        List<TimedFrame> frames = r.frames().stream().map(f -> new TimedFrame(f.timeSec(), decode(f.jpeg()))).toList();
        VideoContext video = new VideoContext(identity(r.video(), r.jobId()), r.endSec(), frames.size(), scenes,
                (start, end) -> new SegmentInput(start, end, scenes, frames, null, ""));
        // Older task messages do not say how many segments there are: "index + 1" is then a true lower bound.
        int count = r.count() > r.index() ? r.count() : r.index() + 1;
        SegmentOutput out = lvcot.segment(video, new Lvcot.SegmentPlan(r.index(), count, r.startSec(), r.endSec()));
        return new SegmentResult(out.summary(), new Tokens(out.promptTokens(), out.completionTokens()));
    }

    @Override
    public AnswerResult answer(AnswerRequest r) {
        double end = r.segments().stream().mapToDouble(SegmentSummary::endSec).max().orElse(1);
        List<SegmentOutput> segments = r.segments().stream()
                .map(s -> new SegmentOutput(s.index(), s.startSec(), s.endSec(), s.summary(), 0, 0)).toList();
        VideoContext video = new VideoContext(identity(r.video(), r.jobId()), Math.max(end, 1e-3), 0, List.of(),
                (start, stop) -> new SegmentInput(start, stop, List.of(), List.of(), null, ""));
        AnswerOutput a = lvcot.answerAll(video, segments, List.of(new Question(r.question().id(), r.question().text()))).getFirst();
        return new AnswerResult(a.answer(), new Tokens(a.promptTokens(), a.completionTokens()));
    }

    private static String identity(VideoRef v, String jobId) {
        return v == null ? jobId : v.bucket() + "/" + v.key() + "@" + (v.versionId() != null ? v.versionId() : v.etag());
    }

    private static RgbImage decode(byte[] jpeg) {
        try {
            return Images.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(jpeg)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
