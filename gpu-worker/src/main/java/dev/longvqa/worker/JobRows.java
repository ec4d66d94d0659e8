package dev.longvqa.worker;

import dev.longvqa.contract.JobRow;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.Map;

/**
 * The worker's only writes to the job table: a note that a task's message is going to the DLQ.
 * It never touches {@code status}: the execution still owns it and records FAILED when the
 * token times out. The row must exist (registration is the one place a job starts).
 */
public final class JobRows {
    private static final System.Logger LOG = System.getLogger(JobRows.class.getName());

    private final DynamoDbClient dynamo;
    private final String table;

    public JobRows(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
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
