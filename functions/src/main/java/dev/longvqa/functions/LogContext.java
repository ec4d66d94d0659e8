package dev.longvqa.functions;

import org.jboss.logging.MDC;

/**
 * The per-invocation log context ({@code requestId}, {@code function}, {@code jobId}) that every log
 * line of an invocation carries as fields of Quarkus' JSON log.
 *
 * <p>Why this class touches JBoss Logging, the one place in the functions that does: the log lines
 * themselves go through {@code System.Logger} (the one logging API), but the JDK's facade has no
 * context map, and Quarkus' JSON formatter takes a record's extra fields from the MDC of its log
 * manager (JBoss LogManager) only. {@code System.Logger} records reach that same log manager, on
 * the same thread, so what is put here appears on them. Keeping the MDC behind this class means a
 * change of log backend changes one file.
 */
final class LogContext implements AutoCloseable {
    static final String REQUEST_ID = "requestId";
    static final String FUNCTION = "function";
    static final String JOB_ID = "jobId";

    private LogContext() {}

    /** Opens the context of one invocation; {@code requestId} may be null (a test without a Lambda context). */
    static LogContext open(String function, String requestId) {
        MDC.put(FUNCTION, function);
        if (requestId != null) MDC.put(REQUEST_ID, requestId);
        return new LogContext();
    }

    /** Adds the job, once the request has been read. */
    void job(String jobId) {
        if (jobId != null) MDC.put(JOB_ID, jobId);
    }

    /** The value of a context field now (tests, and code that must hand the context to another thread). */
    static String get(String key) {
        Object v = MDC.get(key);
        return v == null ? null : v.toString();
    }

    @Override
    public void close() {
        MDC.remove(JOB_ID);
        MDC.remove(REQUEST_ID);
        MDC.remove(FUNCTION);
    }
}
