package dev.longvqa.runtime.hub;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Download progress on stderr (stdout stays clean for piping the model path): one bar per file on
 * a terminal; elsewhere (CI, logs, {@code 2>file}) plain lines at the start, each quarter and the
 * end of a file, with no carriage returns or escape codes.
 */
public final class ProgressBarListener implements DownloadListener {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private int quartersShown;

    public ProgressBarListener(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void started(RemoteFile file, long resumedAt) {
        if (!interactive) {
            quartersShown = quarter(file, resumedAt);
            out.printf(Locale.ROOT, "%s: %s%.1f MiB%n", file.path(), resumedAt > 0 ? "resuming, " : "", Math.max(file.size(), 0) / 1048576.0);
            return;
        }
        bar = new ProgressBarBuilder().setTaskName(shorten(file.path()))
                .setInitialMax(Math.max(file.size(), 0)).setUnit("MiB", 1 << 20).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(out)).startsFrom(resumedAt, java.time.Duration.ZERO).build();
    }

    @Override
    public void progress(RemoteFile file, long bytesSoFar) {
        if (bar != null) bar.stepTo(bytesSoFar);
        if (!interactive) {
            int q = quarter(file, bytesSoFar);
            if (q > quartersShown && q < 4) {
                quartersShown = q;
                out.printf(Locale.ROOT, "%s: %d%%%n", file.path(), q * 25);
            }
        }
    }

    @Override
    public void finished(RemoteFile file) {
        if (bar != null) bar.close();
        bar = null;
        if (!interactive) out.printf(Locale.ROOT, "%s: 100%%%n", file.path());
    }

    private static int quarter(RemoteFile file, long bytes) {
        return file.size() > 0 ? (int) Math.min(4, bytes * 4 / file.size()) : 0;
    }

    private static String shorten(String path) {
        return path.length() <= 32 ? path : "…" + path.substring(path.length() - 31);
    }
}
