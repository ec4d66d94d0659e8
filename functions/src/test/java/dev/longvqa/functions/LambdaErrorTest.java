package dev.longvqa.functions;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.assertj.core.api.Assertions.assertThat;

/** The error names Step Functions sees are the contract's {@code LongVqa.<CODE>}. */
class LambdaErrorTest {
    @Test
    void everyCodeHasAClassNamedLikeItsAslName() {
        for (ErrorCode code : ErrorCode.values()) {
            RuntimeException thrown = LambdaError.of(new LongVqaException(code, "why " + code));
            // What both Lambda runtimes put in errorType:
            assertThat(thrown.getClass().getName()).isEqualTo(code.aslName());
            assertThat(thrown.getMessage()).isEqualTo("why " + code);
            assertThat(((LongVqaException) thrown).code()).isEqualTo(code);
        }
    }

    @Test
    void awsFaultsRetryOnlyWhatCanHeal() {
        assertThat(AwsFaults.classify(ProvisionedThroughputExceededException.builder().statusCode(400).message("slow down").build(), "x").code())
                .isEqualTo(ErrorCode.THROTTLED);
        assertThat(AwsFaults.classify((S3Exception) S3Exception.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").build()).build(), "x").code())
                .isEqualTo(ErrorCode.THROTTLED);
        assertThat(AwsFaults.classify((S3Exception) S3Exception.builder().statusCode(500).build(), "x").code()).isEqualTo(ErrorCode.TRANSIENT);
        assertThat(AwsFaults.classify((S3Exception) S3Exception.builder().statusCode(404).build(), "x").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(AwsFaults.classify((S3Exception) S3Exception.builder().statusCode(403).build(), "x").code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(AwsFaults.classify(SdkClientException.create("connection reset"), "x").code()).isEqualTo(ErrorCode.TRANSIENT);
        assertThat(ErrorCode.THROTTLED.retryable() && ErrorCode.TRANSIENT.retryable() && !ErrorCode.INTERNAL.retryable()).isTrue();
    }
}
