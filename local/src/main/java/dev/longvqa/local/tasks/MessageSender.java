package dev.longvqa.local.tasks;

/** Where {@link SqsSendMessageResource} delivers messages: ElasticMQ via the SDK, or memory. */
@FunctionalInterface
public interface MessageSender {

    /** Sends one message and returns its MessageId. */
    String send(SqsMessage message) throws Exception;

    /**
     * @param messageGroupId         FIFO queues only, else null
     * @param messageDeduplicationId FIFO queues only, else null
     * @param delaySeconds           null for the queue's default
     */
    record SqsMessage(String queueUrl, String body, String messageGroupId, String messageDeduplicationId, Integer delaySeconds) {}
}
