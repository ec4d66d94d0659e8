package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every handler does around its service call: {@code requestId}, {@code function} and
 * {@code jobId} in the log context ({@link LogContext}; the JSON log carries them), one EMF metrics line, and every failure turned into a
 * {@link LambdaError} so that Step Functions sees {@code LongVqa.<CODE>}.
 */
final class Invocation {
    private static final System.Logger LOG = System.getLogger(Invocation.class.getName());

    private Invocation() {}

    /**
     * Reads the request, runs the stage on it and returns its result; a request that cannot be read
     * fails like any other call (typed error, log line, metrics).
     */
    static <I, O> O run(String function, String requestId, Supplier<I> read, Function<I, String> jobIdOf,
                        Function<I, O> call, Metrics<I, O> metrics) {
        LogContext context = LogContext.open(function, requestId);
        long t0 = System.nanoTime();
        JobMetrics m = new JobMetrics(function);
        String error = null;
        try {
            I request = read.get();
            String jobId = jobIdOf.apply(request);
            if (jobId != null) {
                context.job(jobId);
                m.jobId(jobId);
            }
            O out = call.apply(request);
            if (out != null) metrics.add(request, out, m);
            return out;
        } catch (LongVqaException e) {
            error = e.code().name();
            throw log(LambdaError.of(e));
        } catch (SdkException e) {
            LongVqaException c = AwsFaults.classify(e, function);
            error = c.code().name();
            throw log(LambdaError.of(c));
        } catch (RuntimeException e) {
            error = ErrorCode.INTERNAL.name();
            throw log(LambdaError.of(new LongVqaException(ErrorCode.INTERNAL, e.toString(), e)));
        } finally {
            m.put("DurationMs", (System.nanoTime() - t0) / 1e6, MetricUnit.MILLISECONDS);
            m.put("Errors", error == null ? 0 : 1, MetricUnit.COUNT);
            m.flush();
            context.close();
        }
    }

    /** A stage's own metrics for a successful call. */
    @FunctionalInterface
    interface Metrics<I, O> {
        void add(I request, O result, JobMetrics metrics);
    }

    private static LambdaError log(LambdaError e) {
        if (e.code().kind() == ErrorCode.Kind.BAD_INPUT) LOG.log(System.Logger.Level.WARNING, e.code().aslName() + ": " + e.getMessage());
        else LOG.log(System.Logger.Level.ERROR, e.code().aslName() + ": " + e.getMessage(), e);
        return e;
    }
}
