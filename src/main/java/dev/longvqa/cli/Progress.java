package dev.longvqa.cli;

import dev.longvqa.video.FrameSampler;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * A progress bar on stderr that appears only once work has taken more than a second, so quick
 * commands and early failures print nothing but their result or their one error line.
 */
final class Progress implements FrameSampler.ProgressListener, AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;

    private final String task;
    private final long total;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private ProgressBar bar;

    Progress(String task, double totalSeconds, boolean enabled) {
        this.task = task;
        this.total = Double.isNaN(totalSeconds) || totalSeconds <= 0 ? -1 : (long) Math.ceil(totalSeconds);
        this.enabled = enabled;
    }

    @Override
    public void decodedUpTo(double timeSec) {
        if (!enabled) return;
        if (bar == null) {
            if (System.nanoTime() - start < DELAY_NANOS) return;
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" s", 1)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(
                            new PrintStream(System.err, true))).setUpdateIntervalMillis(250).continuousUpdate().build();
        }
        long t = (long) timeSec;
        if (t > bar.getCurrent()) bar.stepTo(total > 0 ? Math.min(t, total) : t);
    }

    @Override
    public void close() {
        if (bar != null) {
            if (total > 0) bar.stepTo(total);
            bar.close();
        }
    }
}
