package dev.longvqa.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The answer task's output limit is 256 KiB of UTF-8, not 256 K characters. */
class AnswerSizeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ArrayNode answers(int n, String text) {
        ArrayNode a = JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            a.addObject().put("questionId", "q" + i).put("question", "问题 " + i)
                    .put("answerKey", "jobs/0123456789abcdef0123456789abcdef/answers/q" + i + ".json").put("answer", text);
        }
        return a;
    }

    @Test
    void twentyLongCjkAnswersAreCutToFitInBytes() throws Exception {
        // 8,000 characters each, the old per-answer character cap: 24 KB each in UTF-8, 480 KB in all
        ArrayNode a = answers(20, "长".repeat(7_999) + "😀");
        assertThat(JSON.writeValueAsBytes(a).length).isGreaterThan(AnswerTaskHandler.OUTPUT_LIMIT_BYTES);
        int limit = AnswerTaskHandler.OUTPUT_LIMIT_BYTES - AnswerTaskHandler.OUTPUT_RESERVE_BYTES;
        AnswerTaskHandler.fitAnswers(a, JSON, limit);
        assertThat(JSON.writeValueAsBytes(a).length).isLessThanOrEqualTo(limit).isGreaterThan(limit * 9 / 10);
        a.forEach(x -> {
            assertThat(x.get("truncated").asBoolean()).isTrue();
            assertThat(x.get("answer").asText()).startsWith("长长").doesNotContain("\uFFFD");
        });
    }

    @Test
    void answersThatFitAreLeftWhole() throws Exception {
        ArrayNode a = answers(20, "短い答え");
        String before = a.toString();
        AnswerTaskHandler.fitAnswers(a, JSON, 1000_000);
        assertThat(a.toString()).isEqualTo(before);
    }

    @Test
    void truncationNeverSplitsACodePoint() {
        assertThat(AnswerTaskHandler.truncateUtf8("a😀b", 4)).isEqualTo("a");
        assertThat(AnswerTaskHandler.truncateUtf8("a😀b", 5)).isEqualTo("a😀");
        assertThat(AnswerTaskHandler.truncateUtf8("长长", 5).getBytes(StandardCharsets.UTF_8)).hasSize(3);
    }
}
