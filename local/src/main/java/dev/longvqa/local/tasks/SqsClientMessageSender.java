package dev.longvqa.local.tasks;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** Sends through the AWS SDK v2: against ElasticMQ locally (endpointOverride), or real SQS. */
public record SqsClientMessageSender(SqsClient sqs) implements MessageSender {

    @Override
    public String send(SqsMessage m) {
        SendMessageRequest.Builder req = SendMessageRequest.builder().queueUrl(m.queueUrl()).messageBody(m.body());
        if (m.messageGroupId() != null) req.messageGroupId(m.messageGroupId());
        if (m.messageDeduplicationId() != null) req.messageDeduplicationId(m.messageDeduplicationId());
        if (m.delaySeconds() != null) req.delaySeconds(m.delaySeconds());
        return sqs.sendMessage(req.build()).messageId();
    }
}
