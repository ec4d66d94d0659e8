package dev.longvqa.runtime.hub;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintStream;

/** One progress bar per file on stderr (stdout stays clean for piping the model path). */
public final class ProgressBarListener implements DownloadListener {
    private final PrintStream out;
    private ProgressBar bar;

    public ProgressBarListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void started(RemoteFile file, long resumedAt) {
        bar = new ProgressBarBuilder().setTaskName(shorten(file.path()))
                .setInitialMax(Math.max(file.size(), 0)).setUnit("MiB", 1 << 20).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(out)).startsFrom(resumedAt, java.time.Duration.ZERO).build();
    }

    @Override
    public void progress(RemoteFile file, long bytesSoFar) {
        if (bar != null) bar.stepTo(bytesSoFar);
    }

    @Override
    public void finished(RemoteFile file) {
        if (bar != null) bar.close();
        bar = null;
    }

    private static String shorten(String path) {
        return path.length() <= 32 ? path : "…" + path.substring(path.length() - 31);
    }
}
