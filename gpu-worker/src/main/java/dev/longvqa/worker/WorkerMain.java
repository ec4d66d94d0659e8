package dev.longvqa.worker;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * {@code java -jar longvqa-gpu-worker.jar}: config from the environment, run until SIGTERM. The
 * shutdown hook drains in-flight tasks within WORKER_SHUTDOWN_GRACE_SECONDS (default 90), so the
 * container's stop timeout must be longer (ECS {@code stopTimeout} 120).
 */
public final class WorkerMain {
    private static final Logger LOG = Logger.getLogger(WorkerMain.class.getName());

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnvironment();
        } catch (RuntimeException e) {
            System.err.println("longvqa-gpu-worker: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        WorkerApp app = WorkerApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sigterm").unstarted(() -> {
            LOG.info("SIGTERM: draining");
            app.stop(config.shutdownGrace());
            stopped.countDown();
        }));
        stopped.await();
    }
}
