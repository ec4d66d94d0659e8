package dev.longvqa.functions;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;

/**
 * Classifies AWS SDK failures into the error contract, so the state machine retries exactly the
 * faults that can heal (throttling, 5xx, network) and fails fast on the rest.
 */
public final class AwsFaults {
    private AwsFaults() {}

    public static LongVqaException classify(SdkException e, String what) {
        String msg = what + " failed: " + e.getMessage();
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            // The SDK recognises throttling by error code; the DynamoDB classes also say so when
            // the error details are missing (as in exceptions built by hand).
            if (s.isThrottlingException() || status == 429 || s instanceof ProvisionedThroughputExceededException
                    || s instanceof RequestLimitExceededException) {
                return new LongVqaException(ErrorCode.THROTTLED, msg, e);
            }
            if (status == 404) return new LongVqaException(ErrorCode.NOT_FOUND, msg, e);
            if (status >= 500) return new LongVqaException(ErrorCode.TRANSIENT, msg, e);
            // 400/403: a deployment or request mistake; retrying repeats it.
            return new LongVqaException(ErrorCode.INTERNAL, msg, e);
        }
        // Client-side faults are connection resets, timeouts, DNS: worth another try.
        if (e instanceof SdkClientException) return new LongVqaException(ErrorCode.TRANSIENT, msg, e);
        return new LongVqaException(ErrorCode.INTERNAL, msg, e);
    }
}
