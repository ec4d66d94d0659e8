package dev.longvqa.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The GPU task records read back what they wrote, with the one mapper, and say which type they are. */
class TaskMessageTest {
    private static final VideoRef VIDEO = new VideoRef("b", "videos/a.mp4", null, "\"e1\"", 42L);

    @Test
    void segmentTaskRoundTripsWithItsType() throws Exception {
        TaskMessage m = new TaskMessage.SegmentTask("t", "j", "b", VIDEO, "jobs/j/scenes.json", new LvcotSegment(1, 3, 10, 20));
        JsonNode tree = Json.mapper().valueToTree(m);
        assertThat(tree.path(TaskMessage.TYPE).asText()).isEqualTo(TaskMessage.SEGMENT);
        assertThat(Json.mapper().treeToValue(tree, TaskMessage.class)).isEqualTo(m);
    }

    @Test
    void answerTaskRoundTripsWithItsType() throws Exception {
        TaskMessage m = new TaskMessage.AnswerTask("t", "j", "b", null, null, List.of("k0"), List.of(new JobQuestion("q0", "Why?")));
        String text = Json.mapper().writeValueAsString(m);
        assertThat(Json.mapper().readTree(text).path(TaskMessage.TYPE).asText()).isEqualTo(TaskMessage.ANSWER);
        assertThat(Json.mapper().readValue(text, TaskMessage.class)).isEqualTo(m);
    }

    @Test
    void resultsRoundTrip() throws Exception {
        var seg = new TaskResult.SegmentSummarized("jobs/j/segments/0.json", false, new Tokens(5, 7), 100, 9, 11, 50, 1200);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsBytes(seg), TaskResult.SegmentSummarized.class)).isEqualTo(seg);
        var ans = new TaskResult.QuestionsAnswered(List.of(new InlineAnswer("q0", "Why?", "jobs/j/answers/q0.json", "Because", null)),
                Tokens.NONE, 0, 0, 3, 0, 0);
        JsonNode tree = Json.mapper().valueToTree(ans);
        assertThat(tree.path("answers").get(0).has("truncated")).as("absent unless cut").isFalse();
        assertThat(Json.mapper().treeToValue(tree, TaskResult.QuestionsAnswered.class)).isEqualTo(ans);
    }

    @Test
    void theEnvelopeIsPartOfEveryTask() {
        Set<String> envelope = components(TaskMessage.Envelope.class);
        assertThat(components(TaskMessage.SegmentTask.class)).containsAll(envelope);
        assertThat(components(TaskMessage.AnswerTask.class)).containsAll(envelope);
    }

    @Test
    void unknownFieldsAndBadValuesAreRefused() {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"type\":\"answer\",\"taskToken\":\"t\",\"jobId\":\"j\","
                + "\"questions\":[{\"id\":\"q\",\"text\":\"x\"}],\"extra\":1}", TaskMessage.class)).hasMessageContaining("extra");
        assertThatThrownBy(() -> Json.mapper().readValue("{\"index\":0,\"startSec\":9,\"endSec\":3}", LvcotSegment.class))
                .hasMessageContaining("bad segment");
        assertThatThrownBy(() -> Json.mapper().readValue("{\"startSec\":0,\"endSec\":3}", LvcotSegment.class))
                .hasMessageContaining("index");
        assertThatThrownBy(() -> Json.mapper().readValue("{\"index\":0,\"startSec\":3,\"endSec\":3}", DecodeRange.class))
                .hasMessageContaining("bad range");
    }

    private static Set<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toSet());
    }
}
