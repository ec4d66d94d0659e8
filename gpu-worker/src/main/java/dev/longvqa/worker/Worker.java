package dev.longvqa.worker;

import dev.longvqa.contract.Json;
import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.TaskResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The task loop: long-polls the GPU queue with at most {@code concurrency} tasks in flight, runs
 * each on a handler built at start-up, keeps the task token and the message alive while it works
 * (SendTaskHeartbeat + ChangeMessageVisibility every {@code heartbeatInterval}), reports the
 * outcome once, then deletes the message.
 *
 * <p>What is never deleted: a message the worker could not read (no task token to report to) and
 * a task it abandoned. Those reappear after their visibility timeout, and the queue's redrive
 * policy moves them to the DLQ after {@code maxReceiveCount} receives.
 */
final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    /** SQS's RedrivePolicy attribute (AWS's JSON, read leniently: SQS may add fields); the count may be a string. */
    record RedrivePolicy(Integer maxReceiveCount) {}

    private static final com.fasterxml.jackson.databind.ObjectReader REDRIVE_POLICY = Json.mapper().readerFor(RedrivePolicy.class)
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private enum Phase { NEW, RUNNING, STOPPING, STOPPED }

    private final WorkerConfig config;
    private final SqsClient sqs;
    private final TaskCallbacks callbacks;
    private final JobRows rows;
    private final TaskHandler.Handlers handlers;
    private final TaskMessages parser;
    private final Semaphore slots;
    private final ExecutorService tasks;
    private final ScheduledExecutorService ticker;
    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    private final TaskProtection protection;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong tokenGone = new AtomicLong();
    private final AtomicLong poison = new AtomicLong();
    private final AtomicLong handedBack = new AtomicLong();
    private volatile Phase phase = Phase.NEW;
    private volatile int maxReceiveCount;
    private Thread poller;

    /** @param rows null when no job table is configured */
    public Worker(WorkerConfig config, SqsClient sqs, TaskCallbacks callbacks, JobRows rows, TaskHandler.Handlers handlers) {
        this(config, sqs, callbacks, rows, handlers, TaskProtection.NONE);
    }

    Worker(WorkerConfig config, SqsClient sqs, TaskCallbacks callbacks, JobRows rows, TaskHandler.Handlers handlers,
           TaskProtection protection) {
        this.protection = protection;
        this.config = config;
        this.sqs = sqs;
        this.callbacks = callbacks;
        this.rows = rows;
        this.handlers = handlers;
        this.parser = new TaskMessages();
        this.slots = new Semaphore(config.concurrency());
        AtomicInteger n = new AtomicInteger();
        this.tasks = Executors.newFixedThreadPool(config.concurrency(),
                r -> Thread.ofPlatform().name("task-" + n.incrementAndGet()).unstarted(r));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("heartbeat").unstarted(r));
    }

    public synchronized void start() {
        if (phase != Phase.NEW) throw new IllegalStateException("already started");
        maxReceiveCount = config.maxReceiveCount() > 0 ? config.maxReceiveCount() : queueMaxReceiveCount();
        phase = Phase.RUNNING;
        poller = Thread.ofPlatform().name("sqs-poller").start(this::pollLoop);
        LOG.log(System.Logger.Level.INFO, "polling " + config.queueUrl() + " with " + config.concurrency() + " slot(s), maxReceiveCount "
                + (maxReceiveCount > 0 ? maxReceiveCount : "unknown"));
    }

    public boolean running() {
        return phase == Phase.RUNNING;
    }

    public WorkerStats stats() {
        long s = succeeded.get(), f = failed.get(), g = tokenGone.get();
        return new WorkerStats(phase == Phase.RUNNING ? "UP" : phase.name(), inFlight.size(), s + f + g, s, f, g,
                poison.get(), handedBack.get());
    }

    /**
     * SIGTERM: stop polling, let in-flight tasks finish within {@code grace}; what is still
     * running then is abandoned (no report) and its message handed back (visibility 0) so
     * another worker starts it at once. True when everything finished in time.
     */
    public boolean shutdown(Duration grace) {
        synchronized (this) {
            if (phase != Phase.RUNNING) return true;
            phase = Phase.STOPPING;
        }
        LOG.log(System.Logger.Level.INFO, "stopping: " + inFlight.size() + " task(s) in flight, grace " + grace);
        poller.interrupt();
        tasks.shutdown();
        boolean finished = await(grace);
        if (!finished) {
            for (InFlight f : inFlight) {
                if (f.abandon()) {
                    synchronized (f.tickLock) {
                        handBack(f.message);
                    }
                    handedBack.incrementAndGet();
                }
            }
            // abandon() interrupted the running tasks; a task already reporting is left to finish
            if (!await(Duration.ofSeconds(5))) tasks.shutdownNow();
        }
        ticker.shutdownNow();
        joinPoller();
        phase = Phase.STOPPED;
        LOG.log(System.Logger.Level.INFO, "stopped: " + stats());
        return finished;
    }

    /**
     * A crash, for tests and emergencies: every task stops at once without reporting, deleting
     * or handing back; its message reappears when its visibility runs out.
     */
    public void kill() {
        synchronized (this) {
            if (phase == Phase.STOPPED) return;
            phase = Phase.STOPPED;
        }
        if (poller != null) poller.interrupt();
        inFlight.forEach(InFlight::abandon);
        tasks.shutdownNow();
        ticker.shutdownNow();
        await(Duration.ofSeconds(5));
        joinPoller();
    }

    @Override
    public void close() {
        shutdown(config.shutdownGrace());
    }

    private void pollLoop() {
        while (phase == Phase.RUNNING) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            int n = 1;
            while (n < 10 && slots.tryAcquire()) n++;
            final int want = n;
            List<Message> messages;
            try {
                messages = sqs.receiveMessage(b -> b.queueUrl(config.queueUrl()).maxNumberOfMessages(want)
                        .waitTimeSeconds(config.waitTimeSeconds())
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            } catch (RuntimeException e) {
                slots.release(want);
                if (phase != Phase.RUNNING) return;
                LOG.log(System.Logger.Level.WARNING, "receive failed; retrying in 1 s", e);
                try {
                    Thread.sleep(1000); // a dead endpoint must not become a tight loop
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            slots.release(want - messages.size());
            for (Message m : messages) {
                if (phase != Phase.RUNNING) {
                    handBack(m); // received while stopping: let another worker have it now
                    slots.release();
                    continue;
                }
                InFlight f = new InFlight(m);
                inFlight.add(f);
                protection.taskStarted(); // no scale-in while a task is in flight
                try {
                    tasks.execute(() -> run(f));
                } catch (RejectedExecutionException e) {
                    protection.taskEnded();
                    inFlight.remove(f);
                    handBack(m);
                    slots.release();
                }
            }
        }
    }

    private void run(InFlight f) {
        try {
            if (f.bind(Thread.currentThread())) process(f);
        } catch (Throwable t) {
            // an Error (e.g. out of memory) is a crash: leave the message; redrive catches a repeat
            LOG.log(System.Logger.Level.ERROR, "task on message " + f.message.messageId() + " crashed; leaving it for redelivery", t);
        } finally {
            f.stopTicker();
            f.unbind();
            inFlight.remove(f);
            protection.taskEnded();
            slots.release();
            Thread.interrupted(); // a late interrupt must not leak into the next task on this thread
        }
    }

    private void process(InFlight f) {
        TaskMessage task;
        try {
            task = parser.parse(f.message.body());
        } catch (BadMessageException e) {
            badMessage(f, e);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "task " + task.type() + " job " + task.jobId() + " (message " + f.message.messageId() + ", receive "
                + receiveCount(f.message) + ")");
        // a redelivered message whose execution already moved on (reported, timed out, stopped):
        // one cheap heartbeat finds out before any model time is spent on it
        try {
            callbacks.heartbeat(task.taskToken());
        } catch (TaskCallbacks.TokenGoneException e) {
            tokenGone.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "task " + task.type() + " job " + task.jobId() + ": token already finished (" + e.getMessage() + "); dropping the message");
            delete(f.message);
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "first heartbeat failed; working anyway", e);
        }
        if (f.state() != InFlight.TaskState.RUNNING) return; // abandoned meanwhile (its interrupt may have been eaten by the SDK)
        long every = config.heartbeatInterval().toMillis();
        f.ticker(ticker.scheduleAtFixedRate(() -> tick(f, task), every, every, TimeUnit.MILLISECONDS));
        try {
            TaskResult output = handlers.dispatch(task);
            report(f, task, output, null);
        } catch (LongVqaException e) {
            report(f, task, null, e);
        } catch (InterruptedException e) {
            settleUnreported(f);
        } catch (RuntimeException e) {
            if (f.state() != InFlight.TaskState.RUNNING) {
                settleUnreported(f); // e.g. an SDK call aborted by our own interrupt
            } else {
                LOG.log(System.Logger.Level.WARNING, "task " + task.type() + " job " + task.jobId() + " failed unexpectedly", e);
                report(f, task, null, new LongVqaException(ErrorCode.INTERNAL, e.toString(), e));
            }
        }
    }

    private void report(InFlight f, TaskMessage task, TaskResult output, LongVqaException error) {
        if (!f.beginCompleting()) {
            settleUnreported(f);
            return;
        }
        try {
            if (error == null) {
                callbacks.success(task.taskToken(), Json.mapper().writeValueAsString(output));
                succeeded.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "task " + task.type() + " job " + task.jobId() + " succeeded: " + output);
            } else {
                callbacks.failure(task.taskToken(), error.code().aslName(), error.getMessage());
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "task " + task.type() + " job " + task.jobId() + " failed: " + error.oneLine());
            }
        } catch (TaskCallbacks.TokenGoneException e) {
            tokenGone.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "task " + task.type() + " job " + task.jobId() + ": token already finished (" + e.getMessage() + "); dropping the message");
        } catch (JsonProcessingException | RuntimeException e) {
            // Step Functions unreachable: keep the message; a redelivery redoes the task (segments are cached)
            LOG.log(System.Logger.Level.WARNING, "could not report task " + task.type() + " job " + task.jobId() + "; leaving the message", e);
            return;
        }
        delete(f.message);
    }

    /** The task ended without a report: delete only when the token is gone; an abandoned task stays queued. */
    private void settleUnreported(InFlight f) {
        if (f.state() == InFlight.TaskState.TOKEN_GONE) {
            tokenGone.incrementAndGet();
            delete(f.message);
        }
    }

    private void tick(InFlight f, TaskMessage task) {
        synchronized (f.tickLock) {
            if (f.state() == InFlight.TaskState.RUNNING) keepAlive(f, task);
        }
    }

    private void keepAlive(InFlight f, TaskMessage task) {
        try {
            callbacks.heartbeat(task.taskToken());
        } catch (TaskCallbacks.TokenGoneException e) {
            LOG.log(System.Logger.Level.WARNING, "job " + task.jobId() + ": token gone during the task (" + e.getMessage() + "); stopping it");
            f.tokenGone();
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "heartbeat failed (will retry next tick)", e);
        }
        try {
            int seconds = (int) Math.min(43_200, Math.max(1, config.visibilityExtension().toSeconds()));
            sqs.changeMessageVisibility(b -> b.queueUrl(config.queueUrl()).receiptHandle(f.message.receiptHandle())
                    .visibilityTimeout(seconds));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "visibility extension failed (will retry next tick)", e);
        }
    }

    private void badMessage(InFlight f, BadMessageException e) {
        Message m = f.message;
        if (e.taskToken() != null) {
            // the execution is waiting on this token: tell it now instead of letting it time out
            try {
                callbacks.failure(e.taskToken(), ErrorCode.BAD_REQUEST.aslName(), "bad GPU task message: " + e.getMessage());
                failed.incrementAndGet();
            } catch (TaskCallbacks.TokenGoneException gone) {
                tokenGone.incrementAndGet();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "could not report bad message " + m.messageId(), ex);
                poisoned(m, e);
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "bad message " + m.messageId() + " reported as " + ErrorCode.BAD_REQUEST.aslName() + ": " + e.getMessage());
            delete(m);
            return;
        }
        poisoned(m, e);
    }

    /** Unreportable: park it (no tight loop), let redrive move it to the DLQ, and say so in the job row. */
    private void poisoned(Message m, BadMessageException e) {
        poison.incrementAndGet();
        int received = receiveCount(m);
        LOG.log(System.Logger.Level.WARNING, "unusable message " + m.messageId() + " (receive " + received + "): " + e.getMessage());
        try {
            int seconds = (int) Math.min(43_200, config.poisonBackoff().toSeconds());
            sqs.changeMessageVisibility(b -> b.queueUrl(config.queueUrl()).receiptHandle(m.receiptHandle()).visibilityTimeout(seconds));
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "could not park message " + m.messageId(), ex);
        }
        if (rows != null && e.jobId() != null && maxReceiveCount > 0 && received >= maxReceiveCount) {
            try {
                rows.markDeadLettered(e.jobId(), e.getMessage(), m.messageId(), received);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "could not mark job " + e.jobId() + " dead-lettered", ex);
            }
        }
    }

    private void delete(Message m) {
        try {
            sqs.deleteMessage(b -> b.queueUrl(config.queueUrl()).receiptHandle(m.receiptHandle()));
        } catch (RuntimeException e) {
            // the outcome is reported; a redelivery finds the token finished and is dropped then
            LOG.log(System.Logger.Level.WARNING, "could not delete message " + m.messageId(), e);
        }
    }

    private void handBack(Message m) {
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(config.queueUrl()).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not hand back message " + m.messageId(), e);
        }
    }

    private int queueMaxReceiveCount() {
        try {
            Map<QueueAttributeName, String> attrs = sqs.getQueueAttributes(b -> b.queueUrl(config.queueUrl())
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes();
            String policy = attrs.get(QueueAttributeName.REDRIVE_POLICY);
            if (policy == null) return 0;
            RedrivePolicy p = REDRIVE_POLICY.readValue(policy);
            return p.maxReceiveCount() == null ? 0 : p.maxReceiveCount();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the queue's redrive policy", e);
            return 0;
        }
    }

    static int receiveCount(Message m) {
        String v = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        try {
            return v == null ? 1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private boolean await(Duration d) {
        try {
            return tasks.awaitTermination(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void joinPoller() {
        try {
            // the SDK may not notice the interrupt inside a long poll; it hands back what it then receives
            poller.join(Math.min(2_000, config.waitTimeSeconds() * 1000L + 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
