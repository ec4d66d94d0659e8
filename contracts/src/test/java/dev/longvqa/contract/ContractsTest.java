package dev.longvqa.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContractsTest {

    @Test
    void functionVariablesFollowSmallRyesRule() {
        // the documented mapping of NOTES: longvqa.table is read from LONGVQA_TABLE
        assertThat(FunctionEnv.TABLE.variable()).isEqualTo("LONGVQA_TABLE");
        assertThat(FunctionEnv.BUCKET.variable()).isEqualTo("LONGVQA_BUCKET");
        assertThat(FunctionEnv.HANDLER.variable()).isEqualTo("QUARKUS_LAMBDA_HANDLER");
        assertThat(FunctionEnv.environmentName("longvqa.limits.max-bytes")).isEqualTo("LONGVQA_LIMITS_MAX_BYTES");
    }

    @Test
    void workerSharesTheFunctionsResourceVariables() {
        assertThat(WorkerEnv.BUCKET.variable()).isEqualTo(FunctionEnv.BUCKET.variable());
        assertThat(WorkerEnv.TABLE.variable()).isEqualTo(FunctionEnv.TABLE.variable());
        assertThat(WorkerEnv.CONCURRENCY.property()).isEqualTo("longvqa.worker.concurrency");
        assertThat(WorkerEnv.TDC.property()).isEqualTo("longvqa.tdc");
        assertThat(Arrays.stream(WorkerEnv.values()).map(WorkerEnv::variable).distinct()).hasSize(WorkerEnv.values().length);
        // the constants the worker's mapping annotations use are the very names of the functions' rule
        assertThat(WorkerEnv.Names.BUCKET).isEqualTo(FunctionEnv.BUCKET.variable());
        assertThat(WorkerEnv.Names.TABLE).isEqualTo(FunctionEnv.TABLE.variable());
    }

    @Test
    void handlersAndSubstitutions() {
        assertThat(Handler.DECODE_RANGE.constructId()).isEqualTo("DecodeRange");
        assertThat(Handler.byName("decode-range")).contains(Handler.DECODE_RANGE);
        assertThat(Handler.byName("nope")).isEmpty();
        assertThat(Arrays.stream(Handler.values()).map(Handler::arnSubstitution).distinct()).hasSize(Handler.values().length);
        assertThat(AslSubstitution.byPlaceholder("TaskQueueUrl")).contains(AslSubstitution.TASK_QUEUE_URL);
    }

    @Test
    void layoutKeysAreLiteral() {
        String id = "0123456789abcdef0123456789abcdef";
        assertThat(S3Layout.frame(id, 2, 17)).isEqualTo("jobs/" + id + "/frames/2/17.jpg");
        assertThat(S3Layout.embeddings(id, 3)).isEqualTo("jobs/" + id + "/embeddings/3.json");
        assertThat(S3Layout.scenes(id)).isEqualTo("jobs/" + id + "/scenes.json");
        assertThat(S3Layout.segment(id, 0)).isEqualTo("jobs/" + id + "/segments/0.json");
        assertThat(S3Layout.answer(id, "q1")).isEqualTo("jobs/" + id + "/answers/q1.json");
        assertThat(S3Layout.result(id)).isEqualTo("jobs/" + id + "/result.json");
        assertThat(S3Layout.cachedSegment("k")).isEqualTo("cache/segments/k.json");
        assertThatThrownBy(() -> S3Layout.scenes("../x/y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyVideoUploadsStartJobs() {
        assertThat(S3Layout.isVideoUpload("videos/talk.mp4")).isTrue();
        assertThat(S3Layout.isVideoUpload("questions/talk.mp4.json")).isFalse();
        assertThat(S3Layout.isVideoUpload("videos/")).isFalse();
        assertThat(S3Layout.isVideoUpload("videos/sub/")).isFalse();
        assertThat(S3Layout.isVideoUpload("jobs/x/scenes.json")).isFalse();
    }

    @Test
    void aVideosQuestionsLiveOutsideTheUploadPrefix() {
        assertThat(S3Layout.sidecar("videos/talk.mp4")).isEqualTo("questions/talk.mp4.json");
        assertThat(S3Layout.sidecar("videos/a b/ü.mp4")).isEqualTo("questions/a b/ü.mp4.json");
        // the sidecar's own upload starts no job
        assertThat(S3Layout.isVideoUpload(S3Layout.sidecar("videos/talk.mp4"))).isFalse();
        assertThat(S3Layout.sidecar("videos/talk.mp4")).doesNotStartWith(S3Layout.VIDEOS_PREFIX);
        for (String notAVideo : new String[]{"jobs/x/scenes.json", "videos/", "videos/sub/", "talk.mp4"}) {
            assertThatThrownBy(() -> S3Layout.sidecar(notAVideo)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
