package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-invocation metrics as one CloudWatch embedded-metric-format (EMF) line on stdout, written by
 * Powertools' functional API ({@link Metrics#flushMetrics}: an isolated context flushed once,
 * no handler annotation or aspect, which would not run under Quarkus' stream handler). CloudWatch
 * Logs extracts the metrics, and the line stays searchable by {@code jobId}.
 *
 * <p>Dimension: {@code Function} only. {@code jobId} is metadata (a plain property of the line):
 * a dimension per job would create a metric per job.
 */
final class JobMetrics {
    public static final String NAMESPACE = "LongVqa";
    public static final String FUNCTION_DIMENSION = "Function";
    public static final String JOB_ID = "jobId";

    private final String function;
    private String jobId;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, MetricUnit> units = new LinkedHashMap<>();

    public JobMetrics(String function) {
        this.function = function;
    }

    public JobMetrics(String function, String jobId) {
        this.function = function;
        this.jobId = jobId;
    }

    /** The job the line is about, once the request is read. */
    public JobMetrics jobId(String jobId) {
        this.jobId = jobId;
        return this;
    }

    public JobMetrics put(String name, double value, MetricUnit unit) {
        values.put(name, value);
        units.put(name, unit);
        return this;
    }

    /** Writes the line (stdout, EMF) and forgets nothing else: each invocation builds its own. */
    public void flush() {
        MetricsFactory.getMetricsInstance().flushMetrics(m -> {
            m.setNamespace(NAMESPACE);
            m.setDefaultDimensions(DimensionSet.of(FUNCTION_DIMENSION, function));
            if (jobId != null) m.addMetadata(JOB_ID, jobId);
            values.forEach((name, value) -> m.addMetric(name, value, units.get(name)));
        });
    }
}
