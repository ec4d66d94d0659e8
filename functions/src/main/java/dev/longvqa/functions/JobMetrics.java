package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-invocation metrics as one CloudWatch embedded-metric-format (EMF) line on stdout: CloudWatch
 * Logs extracts the metrics, and the line stays searchable by {@code jobId}. Written by hand
 * (a dozen lines) rather than through Powertools, whose metrics flush hooks into its own handler
 * wrapper and logger, neither of which runs under Quarkus' stream handler.
 *
 * <p>Dimension: {@code Function} only. {@code jobId} is a plain property: a dimension per job would
 * create a metric per job.
 */
public final class JobMetrics {
    public static final String NAMESPACE = "LongVqa";

    private final String function;
    private String jobId;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();

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

    public JobMetrics put(String name, double value, String unit) {
        values.put(name, value);
        units.put(name, unit);
        return this;
    }

    public String toJson(long epochMillis) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", epochMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Function");
        ArrayNode metrics = directive.putArray("Metrics");
        units.forEach((name, unit) -> metrics.addObject().put("Name", name).put("Unit", unit));
        root.put("Function", function);
        if (jobId != null) root.put("jobId", jobId);
        values.forEach(root::put);
        return root.toString();
    }

    public void emit(PrintStream out) {
        out.println(toJson(System.currentTimeMillis()));
    }
}
