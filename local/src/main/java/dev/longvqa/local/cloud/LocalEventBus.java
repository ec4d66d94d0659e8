package dev.longvqa.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.local.cloud.stack.Deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The default event bus of the local cloud: every event (S3 object events, Step Functions status
 * changes) is matched against every rule of the template; each matching rule's targets get the
 * input their {@code Input}/{@code InputPath}/{@code InputTransformer} makes of it. As in
 * EventBridge, delivery is asynchronous, a failed delivery is retried up to the target's
 * {@code MaximumRetryAttempts} within {@code MaximumEventAgeInSeconds} (locally with a short,
 * growing pause instead of EventBridge's backoff over hours), and an event that cannot be
 * delivered goes to the target's dead-letter queue.
 */
final class LocalEventBus implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalEventBus.class.getName());

    /** Delivers an input to one target (a state machine start, a Lambda invocation); throws when it fails. */
    @FunctionalInterface
    public interface Delivery {
        void deliver(JsonNode input) throws Exception;
    }

    private final List<Deployment.Rule> rules;
    private final Map<String, Delivery> targets;
    private final Consumer<DeadLetter> deadLetters;
    private final Duration firstRetry;
    private final ExecutorService deliveries = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-bus-", 0).factory());
    private volatile boolean closed;

    /** An event no retry delivered, for the target's dead-letter queue. */
    public record DeadLetter(String queueArn, String ruleArn, String targetArn, JsonNode event, String error) {}

    /**
     * @param targets     how to deliver to each target ARN the rules name; a rule naming another ARN is refused here
     * @param deadLetters sends an undeliverable event to its queue
     * @param firstRetry  the pause before the first retry (doubling, at most 5 s)
     */
    public LocalEventBus(List<Deployment.Rule> rules, Map<String, Delivery> targets, Consumer<DeadLetter> deadLetters, Duration firstRetry) {
        this.rules = List.copyOf(rules);
        this.targets = Map.copyOf(targets);
        this.deadLetters = Objects.requireNonNull(deadLetters);
        this.firstRetry = Objects.requireNonNull(firstRetry);
        for (Deployment.Rule r : rules) {
            for (Deployment.Target t : r.targets()) {
                if (!targets.containsKey(t.arn())) {
                    throw new IllegalStateException("rule " + r.logicalId() + " targets " + t.arn() + ", which the local cloud does not run");
                }
            }
        }
    }

    /** PutEvents: routes {@code event} to every matching rule's targets; returns how many targets it was sent to. */
    public int put(JsonNode event) {
        if (closed) return 0;
        Instant ingested = Instant.now();
        int sent = 0;
        for (Deployment.Rule rule : rules) {
            if (!rule.pattern().matches(event)) continue;
            for (Deployment.Target target : rule.targets()) {
                JsonNode input;
                try {
                    input = target.input().apply(event, rule.arn(), rule.name(), ingested);
                } catch (RuntimeException e) {
                    // EventBridge sends an event its transformer cannot handle to the DLQ
                    deadLetter(rule, target, event, e);
                    continue;
                }
                deliveries.submit(() -> deliver(rule, target, event, input, ingested));
                sent++;
            }
        }
        return sent;
    }

    private void deliver(Deployment.Rule rule, Deployment.Target target, JsonNode event, JsonNode input, Instant ingested) {
        Delivery d = targets.get(target.arn());
        Duration pause = firstRetry;
        for (int attempt = 0; ; attempt++) {
            try {
                d.deliver(input);
                return;
            } catch (Exception e) {
                boolean tooOld = Duration.between(ingested, Instant.now()).toSeconds() >= target.maximumEventAgeSeconds();
                if (closed || attempt >= target.maximumRetryAttempts() || tooOld) {
                    deadLetter(rule, target, event, e);
                    return;
                }
                LOG.log(System.Logger.Level.INFO, "rule " + rule.logicalId() + ": delivery to " + target.arn() + " failed (" + e + "), retrying");
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException stop) {
                    deadLetter(rule, target, event, e);
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
            }
        }
    }

    private void deadLetter(Deployment.Rule rule, Deployment.Target target, JsonNode event, Exception why) {
        LOG.log(System.Logger.Level.WARNING, "rule " + rule.logicalId() + ": event not delivered to " + target.arn() + ": " + why
                + (target.deadLetterArn() == null ? " (no dead-letter queue: dropped)" : " (to " + target.deadLetterArn() + ")"));
        if (target.deadLetterArn() == null || closed) return;
        try {
            deadLetters.accept(new DeadLetter(target.deadLetterArn(), rule.arn(), target.arn(), event, String.valueOf(why)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dead-letter queue " + target.deadLetterArn() + ": " + e);
        }
    }

    /** Stops taking events; deliveries in flight get a moment to end. */
    @Override
    public void close() {
        closed = true;
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(5, TimeUnit.SECONDS)) deliveries.shutdownNow();
        } catch (InterruptedException e) {
            deliveries.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
