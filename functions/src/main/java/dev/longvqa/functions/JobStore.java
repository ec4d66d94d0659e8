package dev.longvqa.functions;

import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.JobRow;

import dev.longvqa.contract.JobStatus;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job table. Every write is conditional: registration only creates, progress only updates an
 * existing, unfinished row, and a terminal state (SUCCEEDED/FAILED) is never replaced by the other.
 */
public final class JobStore {
    private final DynamoDbClient ddb;
    private final String table;
    private final Clock clock;

    /**
     * The table name, checked when first used rather than at injection: a Lambda deployed without
     * {@code LONGVQA_TABLE} then fails its invocation with an INTERNAL error that names the
     * variable, not with the container's "Error injecting ..." that hides it.
     */
    private String table() {
        if (table == null || table.isBlank()) {
            throw new LongVqaException(ErrorCode.INTERNAL, FunctionEnv.TABLE.variable() + " is not set");
        }
        return table;
    }

    public JobStore(DynamoDbClient ddb, String table, Clock clock) {
        this.ddb = ddb;
        this.table = table;
        this.clock = clock;
    }

    public static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    public static AttributeValue n(Number v) {
        return AttributeValue.fromN(String.valueOf(v));
    }

    public String now() {
        return Instant.now(clock).toString();
    }

    /** Creates the row; false when a row with this id already exists (a duplicate event). */
    public boolean create(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> row = new HashMap<>(item);
        String now = now();
        row.putIfAbsent("createdAt", s(now));
        row.put("updatedAt", s(now));
        row.putIfAbsent("timings", AttributeValue.fromM(Map.of()));
        try {
            ddb.putItem(b -> b.tableName(table()).item(row).conditionExpression("attribute_not_exists(jobId)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "PutItem " + table());
        }
    }

    public Optional<Map<String, AttributeValue>> get(String jobId) {
        try {
            var r = ddb.getItem(b -> b.tableName(table()).key(Map.of(JobRow.JOB_ID, s(jobId))).consistentRead(true));
            return r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty();
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "GetItem " + table());
        }
    }

    /**
     * Moves an unfinished job to {@code status} and sets {@code attributes} and {@code timings.<stage>}.
     * A finished job is left alone (returns false): a late stage must not revive it.
     */
    public boolean advance(String jobId, JobStatus status, String stage, Map<String, AttributeValue> attributes, Long stageMillis) {
        Update u = new Update();
        u.set("status", s(status.name()));
        u.set("stage", s(stage));
        attributes.forEach(u::set);
        if (stageMillis != null) u.setTiming(stage, stageMillis);
        u.values.put(":succeeded", s(JobStatus.SUCCEEDED.name()));
        u.values.put(":failed", s(JobStatus.FAILED.name()));
        return u.run(jobId, "attribute_exists(jobId) AND NOT (#status IN (:succeeded, :failed))");
    }

    /**
     * Writes a terminal state unless the row already holds the other one. Returns the status the
     * row has afterwards; empty when there is no row.
     */
    public Optional<JobStatus> finish(String jobId, JobStatus terminal, Map<String, AttributeValue> attributes,
                                      Map<String, Long> timings) {
        if (!terminal.terminal()) throw new IllegalArgumentException(terminal + " is not terminal");
        Update u = new Update();
        u.set("status", s(terminal.name()));
        u.set("stage", s(terminal == JobStatus.SUCCEEDED ? "done" : "failed"));
        attributes.forEach(u::set);
        if (timings != null) timings.forEach(u::setTiming);
        JobStatus other = terminal == JobStatus.SUCCEEDED ? JobStatus.FAILED : JobStatus.SUCCEEDED;
        u.values.put(":other", s(other.name()));
        String condition = "attribute_exists(jobId) AND #status <> :other";
        if (terminal == JobStatus.SUCCEEDED) {
            // once follow-up answers are on the row, a late repeat of the job's own record would SET
            // the answers and cost totals back to the first run's: it has nothing left to write
            u.names.put("#recorded", JobRow.RECORDED_ANSWERS);
            condition += " AND attribute_not_exists(#recorded)";
        }
        if (u.run(jobId, condition)) return Optional.of(terminal);
        return get(jobId).map(item -> JobStatus.valueOf(item.get("status").s()));
    }

    /**
     * One conditional UpdateItem as the caller writes it (follow-up questions and answers append to
     * lists, which {@link #advance} and {@link #finish} do not do); {@code updatedAt} is set too.
     * False when the condition does not hold.
     */
    public boolean update(String jobId, String setExpression, String condition, Map<String, String> names,
                          Map<String, AttributeValue> values) {
        return update(jobId, setExpression, null, condition, names, values);
    }

    /**
     * As {@link #update(String, String, String, Map, Map)}, with an {@code ADD} clause besides
     * ({@code addExpression}, null for none): counters that concurrent writers add to atomically.
     */
    public boolean update(String jobId, String setExpression, String addExpression, String condition, Map<String, String> names,
                          Map<String, AttributeValue> values) {
        Map<String, String> n = new LinkedHashMap<>(names);
        Map<String, AttributeValue> v = new LinkedHashMap<>(values);
        n.put("#updatedAt", "updatedAt");
        v.put(":updatedAt", s(now()));
        try {
            ddb.updateItem(b -> b.tableName(table()).key(Map.of(JobRow.JOB_ID, s(jobId)))
                    .updateExpression("SET " + setExpression + ", #updatedAt = :updatedAt"
                            + (addExpression == null ? "" : " ADD " + addExpression))
                    .conditionExpression(condition)
                    .expressionAttributeNames(n)
                    .expressionAttributeValues(v));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "UpdateItem " + table());
        }
    }

    /** One UpdateItem with placeholder names for every attribute (several are reserved words). */
    private final class Update {
        final List<String> sets = new java.util.ArrayList<>();
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, AttributeValue> values = new LinkedHashMap<>();

        Update() {
            names.put("#status", "status");
        }

        void set(String attribute, AttributeValue value) {
            int i = sets.size();
            names.put("#a" + i, attribute);
            values.put(":v" + i, value);
            sets.add("#a" + i + " = :v" + i);
        }

        void setTiming(String stage, long millis) {
            int i = sets.size();
            names.put("#timings", "timings");
            names.put("#t" + i, stage);
            values.put(":v" + i, n(millis));
            sets.add("#timings.#t" + i + " = :v" + i);
        }

        boolean run(String jobId, String condition) {
            set("updatedAt", s(now()));
            try {
                ddb.updateItem(b -> b.tableName(table()).key(Map.of(JobRow.JOB_ID, s(jobId)))
                        .updateExpression("SET " + String.join(", ", sets))
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values));
                return true;
            } catch (ConditionalCheckFailedException e) {
                return false;
            } catch (SdkException e) {
                throw AwsFaults.classify(e, "UpdateItem " + table());
            }
        }
    }

    /** A job id that has no row: the workflow was started without registration. */
    public static LongVqaException missing(String jobId) {
        return new LongVqaException(ErrorCode.BAD_REQUEST, "job " + jobId + " is not registered");
    }
}
