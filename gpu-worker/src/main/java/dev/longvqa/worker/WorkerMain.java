package dev.longvqa.worker;

import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;

/**
 * {@code java -jar longvqa-gpu-worker.jar}: config from the environment, run until SIGTERM. The
 * shutdown hook drains in-flight tasks within WORKER_SHUTDOWN_GRACE_SECONDS (default 90), so the
 * container's stop timeout must be longer (ECS {@code stopTimeout} 120, docker --stop-timeout).
 * Exit codes: 2 bad configuration, 1 could not start.
 */
public final class WorkerMain {
    private WorkerMain() {}

    /**
     * The worker logs through {@code System.Logger}, whose default backend is JUL; this configures
     * that backend, it is no second logging API. JUL's own shutdown hook resets (closes) every handler, racing ours: the drain would then
     * log nothing. This manager ignores that one reset; handlers flush per record anyway.
     */
    public static final class KeepLogsManager extends LogManager {
        @Override
        public void reset() {
            if (!Thread.currentThread().getClass().getName().startsWith("java.util.logging.LogManager$Cleaner")) super.reset();
        }
    }

    public static void main(String[] args) throws Exception {
        // both must be set before the first logger exists (System.Logger's backend is JUL)
        System.setProperty("java.util.logging.manager", KeepLogsManager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        System.Logger log = System.getLogger(WorkerMain.class.getName());
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnvironment();
        } catch (RuntimeException e) {
            System.err.println("longvqa-gpu-worker: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        WorkerApp app;
        try {
            app = WorkerApp.start(config);
        } catch (Exception e) {
            // a LongVqaException's message says what to fix (e.g. an LLM whose width does not fit LONGVQA_TDC)
            String why = e instanceof dev.longvqa.error.LongVqaException l ? l.code() + ": " + l.getMessage() : e.toString();
            log.log(System.Logger.Level.ERROR, "could not start: " + why);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sigterm").unstarted(() -> {
            log.log(System.Logger.Level.INFO, "SIGTERM: draining (grace " + config.shutdownGrace() + ")");
            boolean clean = app.stop(config.shutdownGrace());
            log.log(System.Logger.Level.INFO, clean ? "drained; exiting" : "grace over; unfinished tasks handed back");
            stopped.countDown();
        }));
        stopped.await();
    }
}
