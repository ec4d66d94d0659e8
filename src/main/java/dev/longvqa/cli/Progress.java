package dev.longvqa.cli;

import dev.longvqa.video.FrameSampler;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Decode progress on stderr that appears only once work has taken more than a second, so quick
 * commands and early failures print nothing but their result or their one error line. On a
 * terminal it is a bar; anywhere else (CI, a file, a pipe) one plain line every
 * {@link #PLAIN_EVERY_NANOS}, with no escape codes.
 */
final class Progress implements FrameSampler.ProgressListener, AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;
    static final long PLAIN_EVERY_NANOS = 10_000_000_000L;

    private final String task;
    private final long total;
    private final Terminal.Mode mode;
    private final PrintStream err;
    private final LongSupplier clock;
    private final long start;
    private ProgressBar bar;
    private long lastLine = Long.MIN_VALUE;
    private long lastSec = -1;

    Progress(String task, double totalSeconds, Terminal.Mode mode) {
        this(task, totalSeconds, mode, System.err, System::nanoTime);
    }

    Progress(String task, double totalSeconds, Terminal.Mode mode, PrintStream err, LongSupplier clock) {
        this.task = task;
        this.total = Double.isNaN(totalSeconds) || totalSeconds <= 0 ? -1 : (long) Math.ceil(totalSeconds);
        this.mode = mode;
        this.err = err;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    @Override
    public void decodedUpTo(double timeSec) {
        if (mode == Terminal.Mode.NONE) return;
        long now = clock.getAsLong();
        if (now - start < DELAY_NANOS) return;
        long t = total > 0 ? Math.min((long) timeSec, total) : (long) timeSec;
        lastSec = Math.max(lastSec, t);
        if (mode == Terminal.Mode.PLAIN) {
            if (lastLine == Long.MIN_VALUE || now - lastLine >= PLAIN_EVERY_NANOS) {
                lastLine = now;
                err.println(line(lastSec));
            }
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" s", 1)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(
                            new PrintStream(err, true))).setUpdateIntervalMillis(250).continuousUpdate().build();
        }
        if (t > bar.getCurrent()) bar.stepTo(t);
    }

    private String line(long sec) {
        return total > 0
                ? String.format(Locale.ROOT, "%s: %d/%d s of video (%d%%)", task, sec, total, sec * 100 / total)
                : String.format(Locale.ROOT, "%s: %d s of video", task, sec);
    }

    @Override
    public void close() {
        if (bar != null) {
            if (total > 0) bar.stepTo(total);
            bar.close();
        } else if (mode == Terminal.Mode.PLAIN && lastLine != Long.MIN_VALUE) {
            err.println(line(total > 0 ? total : lastSec)); // the last word: done
        }
    }
}
