package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.RecordRequest;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small parsers at the edges: events, sidecars, metadata, Catch errors, keys. */
class PayloadParsingTest {
    final QuestionSource questions = new QuestionSource(20, 2000);

    @Test
    void eventsArriveBareOrWrappedWithTheExecutionArn() throws Exception {
        String detail = "{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"videos/a.mp4\",\"size\":12,\"version-id\":\"v1\"},\"reason\":\"CompleteMultipartUpload\"}";
        var bare = RegisterService.ObjectCreated.from(Json.mapper().readTree("{\"detail\":" + detail + "}"));
        var wrapped = RegisterService.ObjectCreated.from(Json.mapper().readTree(
                "{\"event\":{\"detail\":" + detail + "},\"executionArn\":\"arn:x\"}"));
        assertThat(bare.key()).isEqualTo("videos/a.mp4");
        assertThat(bare.size()).isEqualTo(12L);
        assertThat(bare.versionId()).isEqualTo("v1");
        assertThat(bare.executionArn()).isNull();
        assertThat(wrapped.key()).isEqualTo(bare.key());
        assertThat(wrapped.reason()).isEqualTo("CompleteMultipartUpload");
        assertThat(wrapped.executionArn()).isEqualTo("arn:x");
    }

    @Test
    void sidecarObjectOrArrayElseMetadataElseDefault() {
        byte[] obj = "{\"questions\":[\"A?\",\"B?\"]}".getBytes(StandardCharsets.UTF_8);
        byte[] arr = "[\"C?\"]".getBytes(StandardCharsets.UTF_8);
        assertThat(questions.resolve(Optional.of(obj), Map.of("question", "ignored"))).extracting(JobQuestion::text).containsExactly("A?", "B?");
        assertThat(questions.resolve(Optional.of(arr), Map.of())).extracting(JobQuestion::id).containsExactly("q1");
        assertThat(questions.resolve(Optional.empty(), Map.of("question", "Wer kommt zuerst?"))).extracting(JobQuestion::text)
                .containsExactly("Wer kommt zuerst?");
        assertThat(questions.resolve(Optional.empty(), Map.of())).extracting(JobQuestion::text).containsExactly(QuestionSource.DEFAULT);
    }

    @Test
    void nonAsciiMetadataMayBeMimeEncoded() {
        assertThat(QuestionSource.decodeMimeWord("=?UTF-8?B?V2FzIHNpZWh0IG1hbiBhbSBFbmRlPyDwn46s?="))
                .isEqualTo("Was sieht man am Ende? \uD83C\uDFAC");
        assertThat(QuestionSource.decodeMimeWord("=?UTF-8?Q?Qu=C3=A9_pasa?=")).isEqualTo("Qué pasa");
        assertThat(QuestionSource.decodeMimeWord("plain ?= text")).isEqualTo("plain ?= text");
    }

    @Test
    void badSidecarsAreBadQuestions() {
        for (String bad : List.of("not json", "{\"q\":[]}", "[1, 2]", "[]", "[\"   \"]")) {
            assertThatThrownBy(() -> questions.resolve(Optional.of(bad.getBytes(StandardCharsets.UTF_8)), Map.of()))
                    .as(bad).isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_QUESTION));
        }
        // 2000 characters is the limit in code points, not UTF-16 units.
        assertThat(questions.resolve(Optional.empty(), Map.of("question", "\uD83C\uDFAC".repeat(2000)))).hasSize(1);
    }

    @Test
    void catchErrorsBecomeRowErrors() {
        var lambda = RecordService.Failure.of(new RecordRequest.AslError("LongVqa.TOO_LONG",
                "{\"errorType\":\"LongVqa.TOO_LONG\",\"errorMessage\":\"lasts 20000 s\",\"stackTrace\":[]}"));
        assertThat(lambda).isEqualTo(new RecordService.Failure("TOO_LONG", "lasts 20000 s"));
        var states = RecordService.Failure.of(new RecordRequest.AslError("States.TaskFailed", "worker gone"));
        assertThat(states).isEqualTo(new RecordService.Failure("States.TaskFailed", "worker gone"));
        var unknown = RecordService.Failure.of(new RecordRequest.AslError("LongVqa.NOPE", ""));
        assertThat(unknown.type()).isEqualTo("LongVqa.NOPE"); // not a code of ours: kept verbatim
        assertThat(unknown.message()).isEqualTo("LongVqa.NOPE");
        assertThat(RecordService.Failure.of(null).type()).isEqualTo("States.Unknown");
        assertThat(RecordService.Failure.of(new RecordRequest.AslError("X", "y".repeat(10_000))).message())
                .hasSize(RecordService.MAX_MESSAGE_CHARS + 1);
    }

    @Test
    void onlyUploadsUnderVideosStartJobsAndArtifactKeysComeFromTheJobId() {
        assertThat(Keys.isVideoUpload("videos/a b/ü.mp4")).isTrue();
        assertThat(Keys.isVideoUpload("questions/a.mp4.json")).isFalse();
        assertThat(Keys.sidecar("videos/a b/ü.mp4")).isEqualTo("questions/a b/ü.mp4.json");
        assertThat(Keys.isVideoUpload("videos/")).isFalse();
        assertThat(Keys.isVideoUpload("videos/dir/")).isFalse();
        assertThat(Keys.isVideoUpload("jobs/x/scenes.json")).isFalse();
        assertThat(Keys.isVideoUpload("../videos/a.mp4")).isFalse();
        String id = "0123456789abcdef0123456789abcdef";
        assertThat(Keys.frame(id, 2, 17)).isEqualTo("jobs/" + id + "/frames/2/17.jpg");
        assertThat(Keys.embeddings(id, 0)).isEqualTo("jobs/" + id + "/embeddings/0.json");
        assertThatThrownBy(() -> Keys.scenes("../../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThat(VideoAccess.extension("videos/a.MP4")).isEqualTo(".mp4");
        assertThat(VideoAccess.extension("videos/a.tar.gz/../x")).isEmpty();
        assertThat(VideoAccess.extension("videos/noext")).isEmpty();
        assertThat(VideoAccess.extension("videos/a.m p4")).isEmpty();
    }
}
