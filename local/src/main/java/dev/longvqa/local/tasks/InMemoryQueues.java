package dev.longvqa.local.tasks;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Queues in memory, one per URL, for tests and runs without ElasticMQ: a test worker takes
 * messages with {@link #queue(String)}{@code .take()}.
 */
public final class InMemoryQueues implements MessageSender {
    private final Map<String, BlockingQueue<SqsMessage>> queues = new ConcurrentHashMap<>();

    public BlockingQueue<SqsMessage> queue(String url) {
        return queues.computeIfAbsent(url, u -> new LinkedBlockingQueue<>());
    }

    @Override
    public String send(SqsMessage message) {
        queue(message.queueUrl()).add(message);
        return UUID.randomUUID().toString();
    }
}
