package dev.longvqa.pipeline;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.tdc.TdcSegmentContext;
import dev.longvqa.tdc.TdcVisualContext;
import dev.longvqa.audio.AudioAnalysis;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Lvcot;
import dev.longvqa.reason.LvcotResult;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.scenes.Scene;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentContextProvider;
import dev.longvqa.reason.SegmentInput;
import dev.longvqa.reason.TimedFrame;
import dev.longvqa.reason.VideoContext;
import dev.longvqa.video.VideoSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole local pipeline for one video: decode → sample → embed → segment (one pass, frames
 * spooled to a {@link FrameStore}), then LVCoT over the segments with a {@link LanguageModel}.
 * Passes show the model sampled frames as images, or, after {@link #withTdc}, the TDC context as
 * input embeddings.
 */
public final class AskPipeline {
    private final SceneDetector detector;
    private final String detectorId;
    private final LanguageModel model;
    private final SegmentCache cache;
    private final LvcotSettings settings;
    private final TdcVisualContext tdc;
    private final AudioAnalysis audio;

    public AskPipeline(SceneDetector detector, String detectorId, LanguageModel model, SegmentCache cache, LvcotSettings settings) {
        this(detector, detectorId, model, cache, settings, null, null);
    }

    private AskPipeline(SceneDetector detector, String detectorId, LanguageModel model, SegmentCache cache,
                        LvcotSettings settings, TdcVisualContext tdc, AudioAnalysis audio) {
        this.detector = Objects.requireNonNull(detector);
        this.detectorId = Objects.requireNonNull(detectorId);
        this.model = Objects.requireNonNull(model);
        this.cache = Objects.requireNonNull(cache);
        this.settings = Objects.requireNonNull(settings);
        this.tdc = tdc;
        this.audio = audio;
    }

    /**
     * The same pipeline with the sound track decoded and, when {@code audio} has a recogniser,
     * its timed transcript given as text to every pass (segment and final; every backend reads
     * text). Bad sound is a warning in {@link Outcome#audio()}, never a failure.
     */
    public AskPipeline withAudio(AudioAnalysis audio) {
        return new AskPipeline(detector, detectorId, model, cache, settings, tdc, Objects.requireNonNull(audio, "audio"));
    }

    /**
     * The same pipeline with every pass shown the video as a TDC context (input embeddings).
     * Checked here, before any decoding: the model must take embeddings of the context's width.
     * The caller keeps ownership of {@code tdc} (load once, close after the last question).
     */
    public AskPipeline withTdc(TdcVisualContext tdc) {
        Objects.requireNonNull(tdc, "tdc").requireCompatible(model);
        return new AskPipeline(detector, detectorId, model, cache, settings, tdc, audio);
    }

    /**
     * What one run produced; close it to drop the spooled frames and samples.
     *
     * @param audio {@link AudioAnalysis.Result#off()} when the pipeline has no audio stage
     */
    public record Outcome(ScenesResult scenes, LvcotResult answers, FrameStore frames, long totalMillis,
                          AudioAnalysis.Result audio) implements AutoCloseable {
        public Outcome(ScenesResult scenes, LvcotResult answers, FrameStore frames, long totalMillis) {
            this(scenes, answers, frames, totalMillis, AudioAnalysis.Result.off());
        }

        @Override
        public void close() {
            frames.close();
            audio.close();
        }
    }

    public Outcome ask(Path video, List<JobQuestion> questions) {
        long t0 = System.nanoTime();
        FrameStore frames = FrameStore.createTemp();
        AudioAnalysis.Result sound = AudioAnalysis.Result.off();
        // the sound (a light demux pass, then the recogniser) runs beside the picture decode
        CompletableFuture<Heard> heardAside = audio == null ? null : CompletableFuture.supplyAsync(() -> {
            String content = contentHash(video);
            return new Heard(content, audio.analyse(video, content));
        }, Thread.ofVirtual()::start);
        try {
            ScenesResult scenes;
            try {
                scenes = detector.detect(VideoSource.of(video), frames::add);
            } catch (RuntimeException e) {
                // the video's typed error wins; the sound's result is dropped when it is ready
                if (heardAside != null) heardAside.whenComplete((h, x) -> { if (h != null) h.result().close(); });
                throw e;
            }
            List<Scene> sceneList = scenes.segmentation().scenes();
            Heard heard = heardAside == null ? null : join(heardAside);
            String content = heard != null ? heard.content() : contentHash(video);
            String hash = content + ":" + detectorId;
            if (heard != null) {
                sound = heard.result();
                // summaries that read a transcript are keyed apart; without speech nothing changes
                if (sound.transcript() != null && !sound.transcript().isEmpty()) hash += ":asr=" + sound.transcriptId();
            }
            AudioAnalysis.Result heardNow = sound;
            SegmentContextProvider provider = (start, end) -> input(frames, sceneList, start, end, heardNow);
            TdcSegmentContext tdcContext = null;
            if (tdc != null) {
                // summaries made from TDC embeddings are keyed apart from image ones, and per checkpoint/settings
                hash += ":" + tdc.cacheId();
                // frames carry audio tokens when the context has BEATs and the video has a sound track
                var track = tdc.hasAudio() ? sound.audio().track() : null;
                if (track != null) hash += ":" + tdc.audioId();
                tdcContext = tdc.provider(frames, sceneList, scenes.durationSec(), provider, track);
                provider = tdcContext;
            }
            VideoContext context = new VideoContext(hash, scenes.durationSec(), scenes.sampledFrames(), sceneList, provider);
            LvcotResult result;
            try {
                result = new Lvcot(model, cache, settings).answer(context, questions);
            } finally {
                if (tdcContext != null) tdcContext.close();
            }
            return new Outcome(scenes, result, frames, (System.nanoTime() - t0) / 1_000_000, sound);
        } catch (RuntimeException e) {
            frames.close();
            sound.close();
            throw e;
        }
    }

    /** The video's content hash and what its sound gave. */
    private record Heard(String content, AudioAnalysis.Result result) {}

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private SegmentInput input(FrameStore frames, List<Scene> scenes, double start, double end, AudioAnalysis.Result sound) {
        // The last range ends at the video's end: include the frame sampled exactly there.
        List<TimedFrame> shown = frames.spread(start, end + 1e-6, Math.max(1, settings.maxImagesPerPass())).stream()
                .map(i -> new TimedFrame(frames.timeOf(i), frames.image(i))).toList();
        List<Scene> in = scenes.stream().filter(s -> s.endSec() > start && s.startSec() < end).toList();
        // the last range ends at the video's end: a word said in its last instant still counts
        return new SegmentInput(start, end, in, shown, null, sound.notes(start, end + 1e-6));
    }

    /** SHA-256 of the file's bytes: the same video under another name shares cached summaries. */
    static String contentHash(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
