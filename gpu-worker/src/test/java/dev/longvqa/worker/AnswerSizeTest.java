package dev.longvqa.worker;

import dev.longvqa.contract.InlineAnswer;
import dev.longvqa.contract.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The answer task's output limit is 256 KiB of UTF-8, not 256 K characters. */
class AnswerSizeTest {

    private static List<InlineAnswer> answers(int n, String text) {
        List<InlineAnswer> a = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add(new InlineAnswer("q" + i, "问题 " + i, "jobs/0123456789abcdef0123456789abcdef/answers/q" + i + ".json", text, null));
        }
        return a;
    }

    @Test
    void twentyLongCjkAnswersAreCutToFitInBytes() throws Exception {
        // 8,000 characters each, the old per-answer character cap: 24 KB each in UTF-8, 480 KB in all
        List<InlineAnswer> a = answers(20, "长".repeat(7_999) + "😀");
        assertThat(Json.mapper().writeValueAsBytes(a).length).isGreaterThan(AnswerTaskHandler.OUTPUT_LIMIT_BYTES);
        int limit = AnswerTaskHandler.OUTPUT_LIMIT_BYTES - AnswerTaskHandler.OUTPUT_RESERVE_BYTES;
        List<InlineAnswer> fitted = AnswerTaskHandler.fitAnswers(a, limit);
        assertThat(Json.mapper().writeValueAsBytes(fitted).length).isLessThanOrEqualTo(limit).isGreaterThan(limit * 9 / 10);
        fitted.forEach(x -> {
            assertThat(x.truncated()).isTrue();
            assertThat(x.answer()).startsWith("长长").doesNotContain("\uFFFD");
        });
    }

    @Test
    void answersThatFitAreLeftWhole() throws Exception {
        List<InlineAnswer> a = answers(20, "短い答え");
        assertThat(AnswerTaskHandler.fitAnswers(a, 1000_000)).isEqualTo(a);
    }

    @Test
    void truncationNeverSplitsACodePoint() {
        assertThat(AnswerTaskHandler.truncateUtf8("a😀b", 4)).isEqualTo("a");
        assertThat(AnswerTaskHandler.truncateUtf8("a😀b", 5)).isEqualTo("a😀");
        assertThat(AnswerTaskHandler.truncateUtf8("长长", 5).getBytes(StandardCharsets.UTF_8)).hasSize(3);
    }
}
