package dev.longvqa.worker;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.Tokens;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.tdc.TdcSegmentContext;
import dev.longvqa.tdc.TdcVisualContext;
import dev.longvqa.tdc.ProjectedFrameCache;
import dev.longvqa.reason.AnswerOutput;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Lvcot;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.reason.QuestionRule;
import dev.longvqa.scenes.Scene;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentContextProvider;
import dev.longvqa.reason.SegmentInput;
import dev.longvqa.reason.SegmentOutput;
import dev.longvqa.reason.TimedFrame;
import dev.longvqa.reason.VideoContext;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;
import dev.longvqa.worker.audio.TaskAudio;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The worker's passes run by the core's LVCoT over any {@link LanguageModel} — an
 * OpenAI-compatible server, Bedrock, the embedded DJL runtime on the GPU, llama.cpp — so the
 * prompts, timestamps and answer layout are the ones {@code longvqa ask} uses. The worker keeps
 * its own S3 cache, so LVCoT's is off here.
 *
 * <p>Frames: both passes show the frames the handlers fetched (scene frames for a segment,
 * frames spread over the whole video for the answer), as images when the model's
 * {@link Capabilities} accept them; {@link #maxImages()} tells the handlers how many are worth
 * fetching. A text-only model gets none and answers from the summaries.
 *
 * <p>With a {@link TdcVisualContext} (the worker's {@code LONGVQA_TDC}) both passes show the
 * model the TDC context as input embeddings instead, as {@code longvqa ask --tdc} does: the
 * handlers fetch no image frames but hand over the {@link StoredVideo}, whose JPEGs the TDC
 * planner reads on demand; the segment pass's context is conditioned on the fixed segment prompt
 * (its summary stays question-independent and cacheable), the final pass's on each question.
 */
public final class LvcotEngine implements SegmentSummarizer, Answerer, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LvcotEngine.class.getName());

    private final LanguageModel model;
    private final Lvcot segments;
    /** The final pass with frames of the whole video before the summaries (the reference's layout). */
    private final Lvcot answersWithVideo;
    /** The final pass from the summaries alone: a text-only model, or a video with no stored frames. */
    private final Lvcot answersFromText;
    /** The TDC vision side, or null: frames are shown as images. */
    private final TdcVisualContext tdc;

    public LvcotEngine(LanguageModel model, LvcotSettings settings) {
        this(model, settings, null);
    }

    /**
     * Both passes over the TDC context of {@code tdc} (null: images). The model must take input
     * embeddings of the context's width ({@link TdcVisualContext#requireCompatible}); the engine
     * owns {@code tdc} and closes it.
     */
    public LvcotEngine(LanguageModel model, LvcotSettings settings, TdcVisualContext tdc) {
        if (tdc != null) tdc.requireCompatible(model);
        this.tdc = tdc;
        this.model = model;
        this.segments = new Lvcot(model, SegmentCache.none(), settings);
        this.answersWithVideo = new Lvcot(model, SegmentCache.none(), settings.toBuilder().finalPassVideo(true).build());
        this.answersFromText = new Lvcot(model, SegmentCache.none(), settings.toBuilder().finalPassVideo(false).build());
    }

    /**
     * Model, prompt version and settings; with TDC also {@link TdcVisualContext#cacheId()} (files,
     * budget, layout), as {@code AskPipeline.withTdc} keys its summaries: a summary made from TDC
     * embeddings is never served for an image pass, nor for another checkpoint or budget.
     */
    @Override
    public String cacheId() {
        return model.cacheId() + "|" + segments.settings().segmentFingerprint() + (tdc != null ? "|" + tdc.cacheId() : "")
                + (usesAudioTokens() ? ":" + tdc.audioId() : "");
    }

    /** True with TDC: the passes read the stored video themselves. */
    @Override
    public boolean readsStoredVideo() {
        return tdc != null;
    }

    @Override
    public String modelId() {
        return model.id();
    }

    /** Frames one pass can show: the settings' budget, capped by what the model accepts (0: text only). */
    @Override
    public int maxImages() {
        if (tdc != null) return 0; // the TDC context replaces the images: none worth fetching
        Capabilities caps = model.capabilities();
        return caps.images() ? Math.max(0, Math.min(segments.settings().maxImagesPerPass(), caps.maxImages())) : 0;
    }

    @Override
    public Summarized summarize(SegmentWork r) throws InterruptedException {
        if (tdc != null && r.stored() != null) return summarizeWithTdc(r);
        List<Scene> scenes = r.scenes().stream().map(s -> new Scene(s.index(), s.startSec(), s.endSec())).toList();
        List<TimedFrame> frames = decode(r.frames());
        VideoContext video = new VideoContext(identity(r.video(), r.jobId()), r.endSec(), frames.size(), scenes,
                (start, end) -> new SegmentInput(start, end, scenes, frames, null, notes(r.audio(), start, end)));
        // Older task messages do not say how many segments there are: "index + 1" is then a true lower bound.
        int count = r.count() > r.index() ? r.count() : r.index() + 1;
        SegmentOutput out = pass(() -> segments.segment(video, new Lvcot.SegmentPlan(r.index(), count, r.startSec(), r.endSec())));
        return new Summarized(out.summary(), tokens(out.promptTokens(), out.completionTokens()));
    }

    @Override
    public AnswerResult answer(AnswerRequest r) throws InterruptedException {
        if (tdc != null && r.stored() != null) return answerWithTdc(r);
        List<SegmentOutput> summaries = r.segments().stream()
                .map(s -> new SegmentOutput(s.index(), s.startSec(), s.endSec(), s.summary(), 0, 0)).toList();
        List<TimedFrame> frames = maxImages() > 0 ? decode(r.frames()) : List.of();
        double end = Math.max(r.durationSec(), r.segments().stream().mapToDouble(SegmentSummary::endSec).max().orElse(0));
        if (!frames.isEmpty()) end = Math.max(end, frames.getLast().timeSec());
        List<Scene> scenes = r.scenes().stream().map(s -> new Scene(s.index(), s.startSec(), s.endSec())).toList();
        VideoContext video = new VideoContext(identity(r.video(), r.jobId()), Math.max(end, 1e-3), frames.size(), scenes,
                (start, stop) -> new SegmentInput(start, stop,
                        scenes.stream().filter(s -> s.endSec() > start && s.startSec() < stop).toList(),
                        frames.stream().filter(f -> f.timeSec() >= start && f.timeSec() <= stop).toList(), null,
                        notes(r.audio(), start, stop)));
        // what was said reaches every backend's final pass, a text-only one's too: with speech the
        // pass gets the whole-video text part (times, scenes, transcript) even without frames
        Lvcot lvcot = frames.isEmpty() && !r.audio().hasSpeech() ? answersFromText : answersWithVideo;
        JobQuestion q = QuestionRule.checked(r.question());
        AnswerOutput a = pass(() -> lvcot.answerAll(video, summaries, List.of(q)).getFirst());
        return new AnswerResult(a.answer(), tokens(a.promptTokens(), a.completionTokens()));
    }

    private Summarized summarizeWithTdc(SegmentWork r) throws InterruptedException {
        List<Scene> scenes = scenes(r.scenes());
        MeasuredContext context = tdcContext(r.stored(), scenes, r.audio());
        VideoContext video = new VideoContext(identity(r.video(), r.jobId()), r.endSec(), r.stored().frames().size(), scenes, context);
        int count = r.count() > r.index() ? r.count() : r.index() + 1;
        Lvcot.SegmentPlan plan = referencePart(video, context, r.index(), count)
                .orElse(new Lvcot.SegmentPlan(r.index(), count, r.startSec(), r.endSec()));
        // Lvcot.segment asks the provider with the fixed segment prompt as conditioning
        SegmentOutput out;
        try (context) {
            out = pass(() -> segments.segment(video, plan));
        }
        return new Summarized(out.summary(), tokens(out.promptTokens(), out.completionTokens()), context.cost(), context.audioTokens());
    }

    /**
     * Under the reference profile a part is cut by sampled-frame count ({@code eval/cot.py}:
     * {@code frames // count} each, the remainder in no part), whatever time range the workflow's
     * Map item names: the workflow splits by time for every backend, the worker knows the frames.
     */
    private java.util.Optional<Lvcot.SegmentPlan> referencePart(VideoContext video, MeasuredContext context, int index, int count) {
        if (!segments.referenceProfile(video)) return java.util.Optional.empty();
        List<double[]> parts = context.framePartRanges(count);
        if (index >= parts.size()) return java.util.Optional.empty();
        return java.util.Optional.of(new Lvcot.SegmentPlan(index, count, parts.get(index)[0], parts.get(index)[1]));
    }

    private AnswerResult answerWithTdc(AnswerRequest r) throws InterruptedException {
        List<SegmentOutput> summaries = r.segments().stream()
                .map(s -> new SegmentOutput(s.index(), s.startSec(), s.endSec(), s.summary(), 0, 0)).toList();
        List<Scene> scenes = scenes(r.scenes());
        MeasuredContext context = tdcContext(r.stored(), scenes, r.audio());
        VideoContext video = new VideoContext(identity(r.video(), r.jobId()), Math.max(r.stored().durationSec(), 1e-3),
                r.stored().frames().size(), scenes, context);
        JobQuestion q = QuestionRule.checked(r.question());
        // the provider is text-conditioned: Lvcot builds the whole-video context for this question
        AnswerOutput a;
        try (context) {
            a = pass(() -> answersWithVideo.answerAll(video, summaries, List.of(q)).getFirst());
        }
        return new AnswerResult(a.answer(), tokens(a.promptTokens(), a.completionTokens()), context.cost(), context.audioTokens());
    }

    /**
     * The TDC provider over the stored video; the base input under it carries the range's scenes
     * (for the times the pass lists) and no image frames.
     */
    private MeasuredContext tdcContext(StoredVideo stored, List<Scene> scenes, TaskAudio audio) {
        SegmentContextProvider base = (start, end) -> new SegmentInput(start, end,
                scenes.stream().filter(s -> s.endSec() > start && s.startSec() < end).toList(), List.of(), null,
                notes(audio, start, end));
        // one projected-frame cache per task: an answer task's questions share the final pass's frames;
        // frames carry audio tokens when this worker has BEATs and the video a sound track (as ask --tdc)
        return new MeasuredContext(tdc.provider(stored.frames(), scenes(stored.scenes()), stored.durationSec(), base,
                stored.frames().projectedFrames(tdc::newFrameCache), usesAudioTokens() ? audio.track() : null), stored.frames());
    }

    /** The transcript of a range, as {@code longvqa ask} gives it to its passes. */
    private static String notes(TaskAudio audio, double start, double end) {
        return audio.notes(start, end + 1e-6);
    }

    /** True with a TDC context whose frames carry BEATs audio tokens: the handlers then decode the sound. */
    @Override
    public boolean usesAudioTokens() {
        return tdc != null && tdc.hasAudio();
    }

    private static List<Scene> scenes(List<SceneInfo> infos) {
        return infos.stream().map(s -> new Scene(s.index(), s.startSec(), s.endSec())).toList();
    }

    /**
     * The audio tokens of the contexts built on this thread inside {@link MeasuredContext#range}:
     * the TDC side's listener ({@link #countAudioTokens}) is told of every context on the thread
     * that computes it, which is the task's own.
     */
    private static final ThreadLocal<long[]> BUILT_AUDIO_TOKENS = new ThreadLocal<>();

    /** For the TDC builder's listener: adds a built context's audio tokens to the task computing it. */
    static void countAudioTokens(TdcVisualContext.Built built) {
        long[] counter = BUILT_AUDIO_TOKENS.get();
        if (counter != null) counter[0] += built.audioTokens();
    }

    /**
     * The TDC provider of one task: before each context it fetches the frames the context will
     * read, concurrently; it times the whole (frame reads included) and counts the visual tokens
     * it returned.
     */
    private static final class MeasuredContext implements SegmentContextProvider, AutoCloseable {
        private final TdcSegmentContext inner;
        private final StoredFrames frames;
        private long visualTokens;
        private long millis;
        private long encoded;
        private long audioTokens;

        MeasuredContext(TdcSegmentContext inner, StoredFrames frames) {
            this.inner = inner;
            this.frames = frames;
        }

        @Override
        public SegmentInput range(double startSec, double endSec) {
            return range(startSec, endSec, TdcVisualContext.SEGMENT_CONDITIONING); // as the core provider does
        }

        @Override
        public SegmentInput range(double startSec, double endSec, String conditioning) {
            return range(startSec, endSec, conditioning, -1);
        }

        /** With the prompt's real token count (the core's reference profile sends it), as the core provider plans. */
        @Override
        public synchronized SegmentInput range(double startSec, double endSec, String conditioning, int textTokens) {
            long t0 = System.nanoTime();
            List<Integer> toRead = inner.framesToRead(startSec, endSec, conditioning, textTokens);
            try {
                frames.prefetch(toRead);
            } catch (InterruptedException e) {
                // the flag is set again: LvcotEngine.pass reports the interrupt, not this error
                Thread.currentThread().interrupt();
                throw new LongVqaException(ErrorCode.TRANSIENT, "task abandoned while reading frames", e);
            }
            long missesBefore = inner.frameCacheStats().map(ProjectedFrameCache.Stats::misses).orElse(0L);
            long[] heard = new long[1];
            BUILT_AUDIO_TOKENS.set(heard);
            SegmentInput in;
            try {
                in = inner.range(startSec, endSec, conditioning, textTokens);
            } finally {
                BUILT_AUDIO_TOKENS.remove();
            }
            audioTokens += heard[0];
            millis += (System.nanoTime() - t0) / 1_000_000;
            encoded += inner.frameCacheStats().map(st -> st.misses() - missesBefore).orElse((long) toRead.size());
            if (in.embeddings() != null) visualTokens += in.embeddings().tokens();
            return in;
        }

        @Override
        public boolean textConditioned() {
            return inner.textConditioned();
        }

        @Override
        public List<double[]> framePartRanges(int n) {
            return inner.framePartRanges(n);
        }

        synchronized TdcCost cost() {
            return new TdcCost(visualTokens, millis, encoded);
        }

        /** BEATs tokens of the static frames in the contexts it built. */
        synchronized long audioTokens() {
            return audioTokens;
        }

        /** Frees the encoded audio windows (the track stays the handler's). */
        @Override
        public void close() {
            inner.close();
        }
    }

    /**
     * One model call. The core backends turn an interrupt (the worker abandoning the task on
     * shutdown or a lost token) into a TRANSIENT error with the flag set; the worker must see it
     * as the interrupt it is, so it neither reports nor deletes the message.
     *
     * <p>"Connection refused" is MODEL_UNAVAILABLE in the core (on a laptop it means no server was
     * started). Here the server is the worker's sidecar, which was up at start-up
     * ({@link ModelServerWait}): refusing now means it is restarting, so the task fails TRANSIENT
     * and the state machine's bounded Retry gives it another go.
     */
    private static <T> T pass(Supplier<T> call) throws InterruptedException {
        try {
            return call.get();
        } catch (LongVqaException e) {
            if (Thread.interrupted()) {
                InterruptedException ie = new InterruptedException("task abandoned: " + e.getMessage());
                ie.initCause(e);
                throw ie;
            }
            if (e.code() == ErrorCode.MODEL_UNAVAILABLE && refused(e)) {
                throw new LongVqaException(ErrorCode.TRANSIENT, "model server stopped listening (restarting?): " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) return true;
        }
        return false;
    }

    /** Backends report -1 when a server sends no usage: the task output counts what is known. */
    private static Tokens tokens(long prompt, long completion) {
        return new Tokens(Math.max(0, prompt), Math.max(0, completion));
    }

    private static String identity(VideoRef v, String jobId) {
        return v == null ? jobId : v.bucket() + "/" + v.key() + "@" + (v.versionId() != null ? v.versionId() : v.etag());
    }

    /** Stored JPEGs to frames; one that does not decode is skipped, as a missing one is. */
    private static List<TimedFrame> decode(List<FrameImage> jpegs) throws InterruptedException {
        List<TimedFrame> out = new java.util.ArrayList<>(jpegs.size());
        for (FrameImage f : jpegs) {
            if (Thread.interrupted()) throw new InterruptedException();
            RgbImage image = decode(f);
            if (image != null) out.add(new TimedFrame(f.timeSec(), image));
        }
        return out;
    }

    private static RgbImage decode(FrameImage f) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(f.jpeg()));
            if (img != null) return Images.fromBufferedImage(img);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "frame " + f.key() + " does not decode (" + e + "); the pass goes on without it");
            return null;
        }
        LOG.log(System.Logger.Level.WARNING, "frame " + f.key() + " is not an image; the pass goes on without it");
        return null;
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            if (tdc != null) tdc.close();
        }
    }
}
