package dev.longvqa.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.pipeline.ErrorCode;
import dev.longvqa.pipeline.LongVqaException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An "answer" task: one final pass per question over the segment summaries; each answer is
 * written to {@code jobs/{jobId}/answers/{questionId}.json} and returned inline (abbreviated past
 * {@link #INLINE_CHARS}, so many long answers stay under the 256 KiB task-output limit).
 */
public final class AnswerTaskHandler implements TaskHandler<TaskMessage.AnswerTask> {
    static final int INLINE_CHARS = 8_000;
    private static final Pattern QUESTION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final BlobStores stores;
    private final String bucket;
    private final Answerer answerer;
    private final ObjectMapper json;

    public AnswerTaskHandler(BlobStores stores, String bucket, Answerer answerer, ObjectMapper json) {
        this.stores = stores;
        this.bucket = bucket;
        this.answerer = answerer;
        this.json = json;
    }

    @Override
    public ObjectNode handle(TaskMessage.AnswerTask t) throws InterruptedException {
        for (TaskMessage.QuestionRef q : t.questions()) {
            if (!QUESTION_ID.matcher(q.id()).matches()) {
                throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "question id '" + q.id() + "' cannot name an answer file");
            }
        }
        BlobStore store = stores.forTask(t, bucket);
        List<Answerer.SegmentSummary> segments = new ArrayList<>();
        for (String key : t.segmentKeys()) {
            byte[] b = store.get(key).orElseThrow(() -> new LongVqaException(ErrorCode.INTERNAL, "segment summary " + key + " is missing"));
            JsonNode n;
            try {
                n = json.readTree(b);
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, "segment summary " + key + " is not JSON", e);
            }
            segments.add(new Answerer.SegmentSummary(n.path("index").asInt(segments.size()), n.path("startSec").asDouble(),
                    n.path("endSec").asDouble(), n.path("summary").asText("")));
        }
        segments.sort(Comparator.comparingInt(Answerer.SegmentSummary::index));

        ObjectNode result = json.createObjectNode();
        ArrayNode answers = result.putArray("answers");
        Tokens total = Tokens.NONE;
        for (TaskMessage.QuestionRef q : t.questions()) {
            if (Thread.interrupted()) throw new InterruptedException();
            Answerer.AnswerResult r = answerer.answer(new Answerer.AnswerRequest(t.jobId(), t.video(), segments, q));
            total = total.plus(r.tokens());
            String key = Layout.answer(t.jobId(), q.id());
            ObjectNode doc = json.createObjectNode();
            doc.put("jobId", t.jobId());
            doc.put("questionId", q.id());
            doc.put("question", q.text());
            doc.put("answer", r.answer());
            doc.put("promptTokens", r.tokens().prompt());
            doc.put("completionTokens", r.tokens().completion());
            doc.put("model", answerer.modelId());
            try {
                store.put(key, json.writeValueAsBytes(doc), "application/json");
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise answer", e);
            }
            ObjectNode a = answers.addObject();
            a.put("questionId", q.id());
            // The row shows what was asked; long questions stay whole in the answer file only (state limit).
            a.put("question", q.text().length() > 500 ? q.text().substring(0, 500) : q.text());
            a.put("answerKey", key);
            boolean cut = r.answer().length() > INLINE_CHARS;
            a.put("answer", cut ? r.answer().substring(0, INLINE_CHARS) : r.answer());
            if (cut) a.put("truncated", true);
        }
        ObjectNode tok = result.putObject("tokens");
        tok.put("prompt", total.prompt());
        tok.put("completion", total.completion());
        return result;
    }
}
