package dev.longvqa.functions;

import dev.longvqa.contract.Json;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A stage Lambda over the raw event stream, so that the payload records ({@code dev.longvqa.contract})
 * are read and written with the one mapper, {@link Json#mapper()}, exactly as the state machine's
 * other side (the ASL, the local cloud) writes them, and not with the Lambda runtime's own lenient
 * mapper: a field the record does not know is a {@code LongVqa.BAD_REQUEST}, not silently dropped.
 */
abstract class StageHandler<I, O> implements RequestStreamHandler {
    private final String function;
    private final Class<I> input;

    protected StageHandler(String function, Class<I> input) {
        this.function = function;
        this.input = input;
    }

    /** The stage's work; {@code request} is never null. */
    protected abstract O handle(I request);

    /** The job id the log lines and metrics carry; null when the request names none. */
    protected abstract String jobId(I request);

    /** The stage's own metrics for a successful call, beside the duration and error count every call has. */
    protected abstract void metrics(I request, O result, JobMetrics metrics);

    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        O result = Invocation.run(function, context == null ? null : context.getAwsRequestId(), () -> read(in), this::jobId,
                this::handle, this::metrics);
        Json.mapper().writeValue(out, result);
    }

    private I read(InputStream in) {
        try {
            I request = Json.mapper().readValue(in, input);
            if (request == null) throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "no payload");
            return request;
        } catch (JsonProcessingException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "not a " + input.getSimpleName() + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "cannot read the event: " + e.getMessage(), e);
        }
    }
}
