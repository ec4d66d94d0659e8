package dev.longvqa.worker;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.worker.store.BlobStore;
import dev.longvqa.worker.store.BlobStores;

import dev.longvqa.contract.InlineAnswer;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.TaskResult;
import dev.longvqa.contract.JobQuestion;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An "answer" task: one final pass per question over the segment summaries and, for a model that
 * sees images, up to the frame budget of stored frames spread over the whole video (as the
 * reference's final pass sees the video); each answer is written to
 * {@code jobs/{jobId}/answers/{questionId}.json} and returned inline (abbreviated past
 * {@link #INLINE_CHARS}, then cut in UTF-8 bytes so that all answers together fit the 256 KiB task-output
 * limit: {@link #fitAnswers}).
 */
final class AnswerTaskHandler implements TaskHandler<TaskMessage.AnswerTask, TaskResult.QuestionsAnswered> {
    static final int INLINE_CHARS = 8_000;
    /** Step Functions' limit on a task's output (SendTaskSuccess), in UTF-8 bytes of the JSON. */
    static final int OUTPUT_LIMIT_BYTES = 256 * 1024;
    /** Room for what follows the answers in the output (tokens, timings) and the state's own fields. */
    static final int OUTPUT_RESERVE_BYTES = 8 * 1024;
    private static final Pattern QUESTION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final BlobStores stores;
    private final String bucket;
    private final Answerer answerer;
    private final int maxFrames;
    private final JobAudio audio;

    public AnswerTaskHandler(BlobStores stores, String bucket, Answerer answerer, int maxFrames) {
        this(stores, bucket, answerer, maxFrames, JobAudio.off());
    }

    /** @param audio the job's transcript (and sound for TDC audio tokens) for the final passes */
    public AnswerTaskHandler(BlobStores stores, String bucket, Answerer answerer, int maxFrames, JobAudio audio) {
        this.stores = stores;
        this.bucket = bucket;
        this.answerer = answerer;
        this.maxFrames = maxFrames;
        this.audio = audio;
    }

    /** Frames per pass: the configured budget, lowered by what the model takes (0 for a text-only one). */
    int imageBudget() {
        return Math.max(0, Math.min(maxFrames, answerer.maxImages()));
    }

    @Override
    public TaskResult.QuestionsAnswered handle(TaskMessage.AnswerTask t) throws InterruptedException {
        long t0 = System.nanoTime();
        for (JobQuestion q : t.questions()) {
            if (!QUESTION_ID.matcher(q.id()).matches()) {
                throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "question id '" + q.id() + "' cannot name an answer file");
            }
        }
        BlobStore store = stores.forTask(t, bucket);
        List<SegmentSummary> segments = new ArrayList<>();
        for (String key : t.segmentKeys()) {
            byte[] b = store.get(key).orElseThrow(() -> new LongVqaException(ErrorCode.INTERNAL, "segment summary " + key + " is missing"));
            JsonNode n;
            try {
                n = Json.mapper().readTree(b);
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, "segment summary " + key + " is not JSON", e);
            }
            segments.add(new SegmentSummary(n.path("index").asInt(segments.size()), n.path("startSec").asDouble(),
                    n.path("endSec").asDouble(), n.path("summary").asText("")));
        }
        segments.sort(Comparator.comparingInt(SegmentSummary::index));
        VideoView view = videoView(store, t, segments);
        TaskAudio heard = audio.transcript(store, t.jobId(), t.video());
        long d0 = System.nanoTime();
        try (AudioResult sound = answerer.usesAudioTokens() ? audio.track(t.video(), t.jobId()) : new AudioResult.Off()) {
            return answer(t, store, segments, view,
                    heard.withTrack(sound.track(), answerer.usesAudioTokens() ? (System.nanoTime() - d0) / 1_000_000 : 0), t0);
        }
    }

    private TaskResult.QuestionsAnswered answer(TaskMessage.AnswerTask t, BlobStore store, List<SegmentSummary> segments,
                                                VideoView view, TaskAudio heard, long t0) throws InterruptedException {
        List<InlineAnswer> answers = new ArrayList<>();
        Tokens total = Tokens.NONE;
        TdcCost tdcTotal = TdcCost.NONE;
        long audioTokens = 0;
        for (JobQuestion q : t.questions()) {
            if (Thread.interrupted()) throw new InterruptedException();
            Answerer.AnswerResult r = answerer.answer(new Answerer.AnswerRequest(t.jobId(), t.video(), segments, q,
                    view.durationSec(), view.scenes(), view.frames(), view.stored(), heard));
            total = total.plus(r.tokens());
            audioTokens += r.audioTokens();
            if (r.tdc() != null) tdcTotal = tdcTotal.plus(r.tdc());
            String key = S3Layout.answer(t.jobId(), q.id());
            ObjectNode doc = Json.mapper().createObjectNode();
            doc.put("jobId", t.jobId());
            doc.put("questionId", q.id());
            doc.put("question", q.text());
            doc.put("answer", r.answer());
            doc.put("promptTokens", r.tokens().prompt());
            doc.put("completionTokens", r.tokens().completion());
            doc.put("model", answerer.modelId());
            var times = doc.putArray("frameTimesSec");
            if (view.stored() != null) {
                // the frames the TDC planner picked over the whole video (the same for every question)
                view.stored().frames().fetchedTimes().forEach(times::add);
            } else {
                view.frames().forEach(f -> times.add(f.timeSec()));
            }
            if (r.tdc() != null) {
                doc.put("visualTokens", r.tdc().visualTokens());
                doc.put("tdcMs", r.tdc().tdcMs());
                doc.put("framesEncoded", r.tdc().framesEncoded());
            }
            try {
                store.put(key, Json.mapper().writeValueAsBytes(doc), "application/json");
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise answer", e);
            }
            boolean cut = r.answer().length() > INLINE_CHARS;
            // The row shows what was asked; long questions stay whole in the answer file only (state limit).
            answers.add(new InlineAnswer(q.id(), q.text().length() > 500 ? q.text().substring(0, 500) : q.text(), key,
                    cut ? r.answer().substring(0, INLINE_CHARS) : r.answer(), cut ? Boolean.TRUE : null));
        }
        // always present, as for segments: the record Lambda puts them into the job row
        AudioCost audioCost = heard.cost().plus(new AudioCost(audioTokens, 0, 0));
        return new TaskResult.QuestionsAnswered(fitAnswers(answers, OUTPUT_LIMIT_BYTES - OUTPUT_RESERVE_BYTES), total,
                tdcTotal.visualTokens(), tdcTotal.tdcMs(), (System.nanoTime() - t0) / 1_000_000, audioCost.audioTokens(), audioCost.audioMs());
    }

    /**
     * The inline answers cut until the serialized list fits {@code limitBytes} of UTF-8: characters
     * are not bytes (20 answers of 8,000 CJK characters are 480 KB), so the budget is shared evenly
     * in bytes among the answers that need it, each cut on a code-point boundary and flagged
     * {@code truncated}; the whole answer stays in its answer file.
     */
    static List<InlineAnswer> fitAnswers(List<InlineAnswer> answers, int limitBytes) {
        List<InlineAnswer> fitted = List.copyOf(answers);
        int size = utf8Size(fitted);
        int each = Integer.MAX_VALUE;
        while (size > limitBytes && !fitted.isEmpty()) {
            int answerBytes = 0;
            for (InlineAnswer a : fitted) answerBytes += utf8Size(a.answer());
            int share = Math.max(0, (limitBytes - (size - answerBytes)) / fitted.size());
            each = Math.min(share, each == Integer.MAX_VALUE ? share : each * 9 / 10); // escapes: shrink until it fits
            final int cutAt = each;
            fitted = fitted.stream().map(a -> {
                String cut = truncateUtf8(a.answer(), cutAt);
                return cut.equals(a.answer()) ? a : new InlineAnswer(a.questionId(), a.question(), a.answerKey(), cut, true);
            }).toList();
            int after = utf8Size(fitted);
            if (after >= size && each == 0) {
                throw new LongVqaException(ErrorCode.INTERNAL, "answers do not fit the task output even empty: " + after + " bytes");
            }
            size = after;
        }
        return fitted;
    }

    /** The longest prefix of {@code s} whose UTF-8 encoding has at most {@code maxBytes} bytes. */
    static String truncateUtf8(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > maxBytes) break;
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    private static int utf8Size(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value).length;
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise answers", e);
        }
    }

    /** What every question's pass shows of the video: the same frames for all of them, read once. */
    private record VideoView(double durationSec, List<SceneInfo> scenes, List<FrameImage> frames, StoredVideo stored) {}

    private VideoView videoView(BlobStore store, TaskMessage.AnswerTask t, List<SegmentSummary> segments)
            throws InterruptedException {
        int budget = imageBudget();
        // a text-only model answers from the summaries: nothing to read
        if (budget == 0 && !answerer.readsStoredVideo()) return new VideoView(0, List.of(), List.of(), null);
        String scenesKey = t.scenesKey() != null ? t.scenesKey() : S3Layout.scenes(t.jobId());
        JsonNode scenesDoc = JobFrames.scenesDocument(store, scenesKey);
        double duration = scenesDoc.path("durationSec").asDouble(0);
        if (!(duration > 0)) duration = segments.stream().mapToDouble(SegmentSummary::endSec).max().orElse(0);
        FrameCatalog catalog = FrameCatalog.load(store, t.jobId(), duration);
        if (!(duration > 0) && !catalog.entries().isEmpty()) duration = catalog.entries().getLast().timeSec();
        List<SceneInfo> scenes = JobFrames.scenesIn(scenesDoc, 0, Math.max(duration, 1e-3));
        if (answerer.readsStoredVideo()) {
            // TDC: each question's pass reads the frames its planner selects; each JPEG is fetched once per task
            return new VideoView(duration, scenes, List.of(), new StoredVideo(new StoredFrames(store, catalog), scenes, duration));
        }
        // the whole video, its last frame included (the core's AskPipeline does the same)
        List<FrameImage> frames = JobFrames.fetch(store, catalog.spread(0, duration + 1e-6, budget));
        return new VideoView(duration, scenes, frames, null);
    }
}
