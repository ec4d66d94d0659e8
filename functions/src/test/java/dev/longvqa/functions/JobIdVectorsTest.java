package dev.longvqa.functions;

import dev.longvqa.pipeline.JobId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Literal SHA-256 vectors (computed independently with Python's hashlib) for both branches of the
 * job id: the deployed bucket is versioned, so AWS events carry a version id and take the "v:"
 * branch; unversioned buckets and emulators take the "e:" (ETag) branch. The status rule's record
 * path derives the same id from the execution's input event.
 */
class JobIdVectorsTest {
    private static final String VERSIONED = "38e8807af24799bcabe9694be50a4e7c";
    private static final String BY_ETAG = "c3cfd85bcd9d43592bbe5a0078a7ee32";

    @Test
    void bothBranchesMatchTheirLiteralVectors() {
        assertThat(JobId.of("longvqa-deployed", "videos/talk.mp4", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
                "d41d8cd98f00b204e9800998ecf8427e").value()).isEqualTo(VERSIONED);
        assertThat(JobId.of("longvqa-deployed", "videos/talk.mp4", null, "d41d8cd98f00b204e9800998ecf8427e").value())
                .isEqualTo(BY_ETAG);
    }

    @Test
    void theExecutionInputGivesTheIdRegisterJobGave() {
        String versioned = """
                {"source":"aws.s3","detail":{"bucket":{"name":"longvqa-deployed"},"object":{"key":"videos/talk.mp4",
                 "etag":"d41d8cd98f00b204e9800998ecf8427e","version-id":"3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"}}}""";
        String plain = """
                {"source":"aws.s3","detail":{"bucket":{"name":"longvqa-deployed"},"object":{"key":"videos/talk.mp4",
                 "etag":"\\"d41d8cd98f00b204e9800998ecf8427e\\""}}}""";
        assertThat(RecordService.jobIdOfExecution(versioned)).isEqualTo(VERSIONED);
        assertThat(RecordService.jobIdOfExecution(plain)).isEqualTo(BY_ETAG);
    }
}
