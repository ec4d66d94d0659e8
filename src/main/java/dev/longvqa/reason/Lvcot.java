package dev.longvqa.reason;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.scenes.Scene;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Long-video chain of thought (LVCoT, arXiv 2504.10443; reference {@code eval/cot.py}).
 *
 * <ol>
 *   <li>Split the video into N time-equal segments ({@link SegmentRule}; N = 1 means no split).</li>
 *   <li>Each segment gets one pass with a fixed, question-independent prompt; its summary is
 *       cached ({@link SegmentCache}) so later questions on the same video reuse it.</li>
 *   <li>Per question, a final pass sees the whole video and the summaries joined inside
 *       {@code <think>…</think>} right before the question.</li>
 * </ol>
 * Every summary is prefixed with its time range and each pass lists scene and frame times, so the
 * model can say when things happen.
 *
 * <p>The two halves are callable separately ({@link #segment}, {@link #answerAll}) because the
 * workflow runs segment passes as a Map of GPU tasks and the answers as one task afterwards.
 */
public final class Lvcot {
    /** How a pass shows the video, picked from what the model accepts and what the input has. */
    enum VideoInput { EMBEDDINGS, IMAGES, TEXT }

    /** One planned segment: index and time range. */
    public record SegmentPlan(int index, int count, double startSec, double endSec) {}

    private final LanguageModel model;
    private final SegmentCache cache;
    private final LvcotSettings settings;
    // one lock per cache key, so two questions racing on a fresh video pay for each segment once
    private final ConcurrentMap<String, Object> keyLocks = new ConcurrentHashMap<>();

    public Lvcot(LanguageModel model, SegmentCache cache, LvcotSettings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public LvcotSettings settings() {
        return settings;
    }

    /**
     * Whether passes follow the reference's wording and cutting ({@link LvcotSettings.Profile}):
     * AUTO picks it for TDC contexts (text-conditioned providers), which is what a TDC checkpoint saw.
     */
    public boolean referenceProfile(VideoContext video) {
        return switch (settings.profile()) {
            case REFERENCE -> true;
            case ANNOTATED -> false;
            case AUTO -> video.provider().textConditioned();
        };
    }

    /**
     * The parts; empty when the rule gives one (no chain of thought). The reference profile cuts
     * them by sampled-frame count where the provider knows its frames ({@code eval/cot.py}:
     * {@code frames // n} each, the remainder in no part), otherwise they are time-equal.
     */
    public List<SegmentPlan> plan(VideoContext video) {
        int n = settings.rule().segmentsFor(video.sampledFrames());
        if (n <= 1) return List.of();
        List<SegmentPlan> plans = new ArrayList<>(n);
        List<double[]> byFrames = referenceProfile(video) ? video.provider().framePartRanges(n) : List.of();
        if (!byFrames.isEmpty()) {
            for (int i = 0; i < byFrames.size(); i++) plans.add(new SegmentPlan(i, n, byFrames.get(i)[0], byFrames.get(i)[1]));
            return plans;
        }
        for (int i = 0; i < n; i++) {
            double start = video.durationSec() * i / n;
            double end = i == n - 1 ? video.durationSec() : video.durationSec() * (i + 1) / n;
            plans.add(new SegmentPlan(i, n, start, end));
        }
        return plans;
    }

    /** Runs every segment pass, then one final pass per question. */
    public LvcotResult answer(VideoContext video, List<JobQuestion> asked) {
        if (asked.isEmpty()) throw new IllegalArgumentException("no questions");
        List<JobQuestion> questions = QuestionRule.checked(asked);
        List<PassRecord> passes = new ArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        long t0 = System.nanoTime();
        List<SegmentOutput> segments = runSegments(video, plan(video), passes, requests);
        long t1 = System.nanoTime();
        List<AnswerOutput> answers = answerAll(video, segments, questions, passes, requests);
        long t2 = System.nanoTime();
        return new LvcotResult(model.id(), video.videoHash(), video.durationSec(), segments, answers, passes,
                requests.get(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    private List<SegmentOutput> runSegments(VideoContext video, List<SegmentPlan> plans, List<PassRecord> passes, AtomicInteger requests) {
        List<SegmentOutput> segments = new ArrayList<>();
        int threads = Math.min(settings.segmentParallelism(), plans.size());
        if (threads <= 1) {
            for (SegmentPlan p : plans) segments.add(runSegment(video, p, passes, requests));
            return segments;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofVirtual().factory());
        try {
            List<Future<SegmentOutput>> futures = new ArrayList<>();
            List<List<PassRecord>> passLists = new ArrayList<>();
            for (SegmentPlan p : plans) {
                List<PassRecord> own = new ArrayList<>();
                passLists.add(own);
                futures.add(pool.submit(() -> runSegment(video, p, own, requests)));
            }
            for (int i = 0; i < futures.size(); i++) {
                segments.add(await(futures.get(i)));
                passes.addAll(passLists.get(i)); // in segment order, whatever finished first
            }
            return segments;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LongVqaException(ErrorCode.TRANSIENT, "interrupted while waiting for segment passes", e);
        }
    }

    /** One segment pass (or its cached result); what a GPU "segment" task runs. */
    public SegmentOutput segment(VideoContext video, SegmentPlan plan) {
        return runSegment(video, plan, new ArrayList<>(), new AtomicInteger());
    }

    /** The final passes over precomputed segment outputs; what a GPU "answer" task runs. */
    public List<AnswerOutput> answerAll(VideoContext video, List<SegmentOutput> segments, List<JobQuestion> questions) {
        return answerAll(video, segments, QuestionRule.checked(questions), new ArrayList<>(), new AtomicInteger());
    }

    private SegmentOutput runSegment(VideoContext video, SegmentPlan p, List<PassRecord> passes, AtomicInteger requests) {
        String key = SegmentCache.key(video.videoHash(), model.cacheId(), settings.segmentFingerprint(), p.count(), p.index());
        Object lock = keyLocks.computeIfAbsent(key, k -> new Object());
        try {
            synchronized (lock) {
                return runSegmentLocked(video, p, key, passes, requests);
            }
        } finally {
            // later callers find the cache entry instead; the map must not grow with every video seen
            keyLocks.remove(key, lock);
        }
    }

    private SegmentOutput runSegmentLocked(VideoContext video, SegmentPlan p, String key, List<PassRecord> passes, AtomicInteger requests) {
        var hit = cache.get(key);
        if (hit.isPresent()) {
            passes.add(new PassRecord("segment", p.index(), true, hit.get().promptTokens(), hit.get().completionTokens(), 0));
            return hit.get();
        }
        long t = System.nanoTime();
        // conditioned on the fixed segment prompt, never the question: the summary is cached across questions
        List<Part> parts = new ArrayList<>();
        Prompt prompt;
        if (referenceProfile(video)) {
            // eval/cot.py: "<image>\nDescribe the video segment in detail." and nothing else
            String text = settings.segmentPrompt();
            String system = referenceSystem();
            int textTokens = textTokens(system, text);
            SegmentInput input = video.provider().range(p.startSec(), p.endSec(), settings.segmentPrompt(), textTokens);
            parts.addAll(renderVideo(input));
            parts.add(Part.text(text));
            prompt = new Prompt(system, parts);
        } else {
            SegmentInput input = video.provider().range(p.startSec(), p.endSec(), settings.segmentPrompt());
            parts.add(Part.text("Video segment " + (p.index() + 1) + " of " + p.count() + ", from "
                    + Timestamps.range(p.startSec(), p.endSec()) + "." + scenesLine(video, input, p.startSec(), p.endSec()) + "\n"));
            parts.addAll(renderVideo(input));
            parts.add(Part.text(notes(input) + settings.segmentPrompt()));
            prompt = new Prompt(settings.systemPrompt(), parts);
        }
        Completion c = model.complete(prompt, new DecodingSettings(settings.segmentMaxTokens(), settings.temperature()));
        requests.incrementAndGet();
        SegmentOutput out = new SegmentOutput(p.index(), p.startSec(), p.endSec(), c.text().strip(), c.promptTokens(), c.completionTokens());
        cache.put(key, out);
        passes.add(new PassRecord("segment", p.index(), false, c.promptTokens(), c.completionTokens(), (System.nanoTime() - t) / 1_000_000));
        return out;
    }

    private List<AnswerOutput> answerAll(VideoContext video, List<SegmentOutput> segments, List<JobQuestion> questions,
                                         List<PassRecord> passes, AtomicInteger requests) {
        // The whole-video input is the same for every question unless the provider conditions it
        // on text (TDC's Q-Former reads the question): then it is built per question.
        SegmentContextProvider provider = video.provider();
        boolean reference = referenceProfile(video);
        VideoParts shared = settings.finalPassVideo() && !provider.textConditioned() && !reference
                ? wholeVideo(video, provider.range(0, video.durationSec())) : null;
        String think = segments.isEmpty() ? "" : "<think>" + (reference ? referenceThinkText(segments) : thinkText(segments)) + "</think>";
        List<AnswerOutput> answers = new ArrayList<>();
        for (int qi = 0; qi < questions.size(); qi++) {
            JobQuestion q = questions.get(qi);
            long t = System.nanoTime();
            // what the LLM reads after the think block; the reference's Q-Former reads exactly this
            // too (generate(prompt=instruct)), the think block and the template not included
            String instruct = q.text() + settings.answerSuffix();
            Prompt prompt;
            if (reference) {
                String system = referenceSystem();
                List<Part> parts = new ArrayList<>();
                if (settings.finalPassVideo()) {
                    int textTokens = textTokens(system, think + instruct);
                    parts.addAll(renderVideo(provider.range(0, video.durationSec(), instruct, textTokens)));
                }
                parts.add(Part.text(think + instruct));
                prompt = new Prompt(system, parts);
            } else {
                VideoParts videoParts = !settings.finalPassVideo() ? VideoParts.NONE
                        : shared != null ? shared : wholeVideo(video, provider.range(0, video.durationSec(), q.text()));
                List<Part> parts = new ArrayList<>(videoParts.parts());
                parts.add(Part.text(videoParts.notes() + think + q.text() + settings.answerSuffix()));
                prompt = new Prompt(settings.systemPrompt(), parts);
            }
            Completion c = model.complete(prompt, new DecodingSettings(settings.answerMaxTokens(), settings.temperature()));
            requests.incrementAndGet();
            long ms = (System.nanoTime() - t) / 1_000_000;
            passes.add(new PassRecord("answer", qi, false, c.promptTokens(), c.completionTokens(), ms));
            answers.add(new AnswerOutput(q.id(), q.text(), c.text().strip(), c.finishReason(), c.promptTokens(), c.completionTokens(), ms));
        }
        return answers;
    }

    /** The rendered whole-video input of a final pass and its notes. */
    private record VideoParts(List<Part> parts, String notes) {
        static final VideoParts NONE = new VideoParts(List.of(), "");
    }

    private VideoParts wholeVideo(VideoContext video, SegmentInput whole) {
        List<Part> parts = new ArrayList<>();
        parts.add(Part.text("Video from " + Timestamps.range(0, video.durationSec()) + "."
                + scenesLine(video, whole, 0, video.durationSec()) + "\n"));
        parts.addAll(renderVideo(whole));
        return new VideoParts(List.copyOf(parts), notes(whole));
    }

    /** The reference's system turn unless one is configured. */
    private String referenceSystem() {
        return settings.systemPrompt() != null ? settings.systemPrompt() : LvcotSettings.REFERENCE_SYSTEM;
    }

    /**
     * The real text length of a reference-profile pass ({@code len(input_ids)} less the image
     * placeholder: the system turn, the template, {@code "\n" + text}), or -1 when the model
     * cannot count (the provider then estimates).
     */
    private int textTokens(String system, String text) {
        List<Part> skeleton = List.of(new Part.Embeddings(new EmbeddingBlock(0, 1, new float[0])), Part.text("\n" + text));
        return model.textTokens(new Prompt(system, skeleton)).orElse(-1);
    }

    /** {@code eval_videomme.py}: the part outputs joined with single spaces, nothing added. */
    static String referenceThinkText(List<SegmentOutput> segments) {
        return segments.stream().map(SegmentOutput::summary).collect(Collectors.joining(" "));
    }

    /** The reference joins summaries with spaces; each carries its range ("From 0s to 300s: …"). */
    static String thinkText(List<SegmentOutput> segments) {
        return segments.stream()
                .map(s -> "From " + Timestamps.range(s.startSec(), s.endSec()) + ": " + s.summary())
                .collect(Collectors.joining(" "));
    }

    private VideoInput mode(SegmentInput input) {
        Capabilities caps = model.capabilities();
        if (caps.embeddings() && input.embeddings() != null) return VideoInput.EMBEDDINGS;
        if (caps.images() && !input.frames().isEmpty() && caps.maxImages() > 0) return VideoInput.IMAGES;
        return VideoInput.TEXT;
    }

    private List<Part> renderVideo(SegmentInput input) {
        List<Part> parts = new ArrayList<>();
        switch (mode(input)) {
            case EMBEDDINGS -> {
                parts.add(new Part.Embeddings(input.embeddings()));
                parts.add(Part.text("\n"));
            }
            case IMAGES -> {
                int max = Math.min(settings.maxImagesPerPass(), model.capabilities().maxImages());
                for (TimedFrame f : thin(input.frames(), max)) {
                    parts.add(Part.text("[" + Timestamps.seconds(f.timeSec()) + "] "));
                    parts.add(new Part.Image(f.image()));
                }
                parts.add(Part.text("\n"));
            }
            case TEXT -> {
                if (!input.frames().isEmpty()) {
                    // a text-only model cannot see frames; still tell it when they were taken
                    parts.add(Part.text("Frames sampled at: " + input.frames().stream()
                            .map(f -> Timestamps.seconds(f.timeSec())).collect(Collectors.joining(", ")) + ".\n"));
                }
            }
        }
        return parts;
    }

    private static String notes(SegmentInput input) {
        return input.notes().isBlank() ? "" : input.notes().strip() + "\n";
    }

    private static String scenesLine(VideoContext video, SegmentInput input, double start, double end) {
        List<Scene> scenes = input.scenes().isEmpty() ? video.scenesIn(start, end) : input.scenes();
        if (scenes.isEmpty()) return "";
        return " Scenes: " + scenes.stream()
                .map(s -> Timestamps.seconds(Math.max(start, s.startSec())) + "–" + Timestamps.seconds(Math.min(end, s.endSec())))
                .collect(Collectors.joining(", ")) + ".";
    }

    /** Evenly spaced subset, first and last kept, order preserved. */
    static <T> List<T> thin(List<T> items, int max) {
        if (items.size() <= max) return items;
        if (max <= 0) return List.of();
        if (max == 1) return List.of(items.get(items.size() / 2));
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) out.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
        return out;
    }
}
