package dev.longvqa.functions.api;

import java.time.Duration;

/**
 * What the API adds to the functions' settings, as {@link ApiConfig} reads them (the defaults are its).
 *
 * @param answerStateMachineArn   the answer-only workflow ({@code FunctionEnv.ANSWER_STATE_MACHINE}); null: follow-up
 *                                questions are refused with INTERNAL naming the variable
 * @param multipartThresholdBytes uploads of this size and above get one presigned URL per part
 * @param partSizeBytes           part size of a multipart upload (S3: at least 5 MiB, at most 10 000 parts)
 * @param urlTtl                  how long presigned URLs live
 */
public record ApiSettings(String answerStateMachineArn, long multipartThresholdBytes, long partSizeBytes, Duration urlTtl) {
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    public static final int MAX_PARTS = 10_000;

    public ApiSettings {
        if (partSizeBytes < MIN_PART_BYTES) throw new IllegalArgumentException("partSizeBytes must be at least 5 MiB, not " + partSizeBytes);
        if (multipartThresholdBytes < partSizeBytes) throw new IllegalArgumentException("the multipart threshold must be at least one part");
        if (urlTtl.isNegative() || urlTtl.isZero() || urlTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("urlTtl must be between 1 s and 7 days (SigV4), not " + urlTtl);
        }
    }

    public ApiSettings withMultipart(long thresholdBytes, long partBytes) {
        return new ApiSettings(answerStateMachineArn, thresholdBytes, partBytes, urlTtl);
    }
}
