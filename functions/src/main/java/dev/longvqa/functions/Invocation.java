package dev.longvqa.functions;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every handler does around its service call: {@code jobId} and {@code function} in the log
 * MDC (the JSON log carries them), one EMF metrics line, and every failure turned into a
 * {@link LambdaError} so that Step Functions sees {@code LongVqa.<CODE>}.
 */
final class Invocation {
    private static final Logger LOG = Logger.getLogger(Invocation.class);

    private Invocation() {}

    static <T> T run(String function, String jobId, Supplier<T> call, Function<T, JobMetrics> metrics) {
        MDC.put("function", function);
        if (jobId != null) MDC.put("jobId", jobId);
        long t0 = System.nanoTime();
        JobMetrics m = null;
        String error = null;
        try {
            T out = call.get();
            m = metrics.apply(out);
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
            if (m == null) m = new JobMetrics(function, jobId);
            m.put("DurationMs", (System.nanoTime() - t0) / 1e6, "Milliseconds");
            m.put("Errors", error == null ? 0 : 1, "Count");
            m.emit(System.out);
            MDC.remove("jobId");
            MDC.remove("function");
        }
    }

    private static LambdaError log(LambdaError e) {
        if (e.code().kind() == ErrorCode.Kind.BAD_INPUT) LOG.warnf("%s: %s", e.code().aslName(), e.getMessage());
        else LOG.errorf(e, "%s: %s", e.code().aslName(), e.getMessage());
        return e;
    }
}
