package dev.longvqa.worker;

import software.amazon.awssdk.services.sqs.model.Message;

import java.util.concurrent.ScheduledFuture;

/**
 * One received message while it is worked on. Its state decides who may act on it, so a task
 * is reported at most once: the thread that wins {@link #beginCompleting()} reports; a task
 * {@link #abandon()}ed (shutdown, kill) or whose token is gone never reports.
 */
final class InFlight {
    enum TaskState { RUNNING, COMPLETING, ABANDONED, TOKEN_GONE }

    final Message message;
    /**
     * Held by a heartbeat tick and by the hand-back, so a tick already under way cannot extend
     * the visibility again after the message was handed back.
     */
    final Object tickLock = new Object();
    private TaskState state = TaskState.RUNNING;
    private Thread thread;
    private ScheduledFuture<?> ticker;

    InFlight(Message message) {
        this.message = message;
    }

    /** Binds the worker thread; false if the task was abandoned before it started. */
    synchronized boolean bind(Thread t) {
        thread = t;
        return state == TaskState.RUNNING;
    }

    synchronized void unbind() {
        thread = null;
    }

    synchronized TaskState state() {
        return state;
    }

    synchronized void ticker(ScheduledFuture<?> f) {
        ticker = f;
    }

    synchronized boolean beginCompleting() {
        if (state != TaskState.RUNNING) return false;
        state = TaskState.COMPLETING;
        stopTicker();
        return true;
    }

    /** Stops the task without any report; false when it is already reporting. */
    synchronized boolean abandon() {
        if (state != TaskState.RUNNING) return false;
        state = TaskState.ABANDONED;
        stopTicker();
        if (thread != null) thread.interrupt();
        return true;
    }

    /** The token timed out or is invalid: stop working, delete the message, report nothing. */
    synchronized void tokenGone() {
        if (state != TaskState.RUNNING) return;
        state = TaskState.TOKEN_GONE;
        stopTicker();
        if (thread != null) thread.interrupt();
    }

    synchronized void stopTicker() {
        if (ticker != null) ticker.cancel(false);
    }
}
