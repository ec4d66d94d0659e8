package dev.longvqa.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.longvqa.local.asl.StatesError;
import dev.longvqa.local.asl.TaskRequest;
import dev.longvqa.local.asl.TaskResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * {@code arn:aws:states:::sqs:sendMessage} (and {@code .waitForTaskToken}, which the executor
 * handles by waiting for the callback after this returns). Reads QueueUrl, MessageBody (an object
 * is sent as its JSON text, as the service does), MessageGroupId, MessageDeduplicationId and
 * DelaySeconds; returns {@code {"MessageId", "MD5OfMessageBody"}}.
 */
public record SqsSendMessageResource(MessageSender sender) implements TaskResource {
    public static final String ARN = "arn:aws:states:::sqs:sendMessage";

    @Override
    public JsonNode call(TaskRequest request) throws Exception {
        JsonNode p = request.parameters();
        if (!p.path("QueueUrl").isTextual() || !p.has("MessageBody")) {
            throw new StatesError("States.Runtime", "sqs:sendMessage needs QueueUrl and MessageBody, got " + p);
        }
        JsonNode bodyNode = p.get("MessageBody");
        String body = bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString();
        String id = sender.send(new MessageSender.SqsMessage(p.get("QueueUrl").asText(), body,
                p.path("MessageGroupId").asText(null), p.path("MessageDeduplicationId").asText(null),
                p.has("DelaySeconds") ? p.get("DelaySeconds").asInt() : null));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        return JsonNodeFactory.instance.objectNode().put("MessageId", id).put("MD5OfMessageBody", md5);
    }
}
