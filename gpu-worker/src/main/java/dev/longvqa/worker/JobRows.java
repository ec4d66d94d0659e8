package dev.longvqa.worker;

import dev.longvqa.contract.JobRow;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.Map;

/**
 * The worker's only writes to the job table: a note that a task's message is going to the DLQ,
 * and the audio warnings of a job whose sound was skipped.
 * It never touches {@code status}: the execution still owns it and records FAILED when the
 * token times out. The row must exist (registration is the one place a job starts).
 */
final class JobRows {
    private static final System.Logger LOG = System.getLogger(JobRows.class.getName());

    private final DynamoDbClient dynamo;
    private final String table;

    public JobRows(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Adds user-facing audio warnings to the row's {@code audioWarnings} string set (a repeat by
     * another task or worker collapses into the same entry) without touching the status: bad sound
     * never fails a job. False when no row exists.
     */
    public boolean addAudioWarnings(String jobId, java.util.Collection<String> warnings) {
        if (warnings.isEmpty()) return true;
        java.util.List<String> cut = warnings.stream().map(w -> SfnTaskCallbacks.truncate(w, 1000)).distinct().toList();
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(JobRow.JOB_ID, AttributeValue.fromS(jobId)))
                    .updateExpression("ADD " + JobRow.AUDIO_WARNINGS + " :w SET updatedAt = :now")
                    .conditionExpression("attribute_exists(jobId)")
                    .expressionAttributeValues(Map.of(":w", AttributeValue.fromSs(cut), ":now", AttributeValue.fromS(Instant.now().toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            LOG.log(System.Logger.Level.WARNING, "no job row " + jobId + " for audio warnings " + cut);
            return false;
        }
    }

    /** Sets {@code deadLetter = {at, reason, messageId, receiveCount}} and {@code updatedAt}; false when no row exists. */
    public boolean markDeadLettered(String jobId, String reason, String messageId, int receiveCount) {
        String now = Instant.now().toString();
        Map<String, AttributeValue> dl = Map.of(
                "at", AttributeValue.fromS(now),
                "reason", AttributeValue.fromS(SfnTaskCallbacks.truncate(reason, 1000)),
                "messageId", AttributeValue.fromS(messageId),
                "receiveCount", AttributeValue.fromN(Integer.toString(receiveCount)));
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(JobRow.JOB_ID, AttributeValue.fromS(jobId)))
                    .updateExpression("SET deadLetter = :dl, updatedAt = :now")
                    .conditionExpression("attribute_exists(jobId)")
                    .expressionAttributeValues(Map.of(":dl", AttributeValue.fromM(dl), ":now", AttributeValue.fromS(now))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            LOG.log(System.Logger.Level.WARNING, "no job row " + jobId + " to mark dead-lettered");
            return false;
        }
    }
}
