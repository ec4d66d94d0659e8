package dev.longvqa.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is an interactive terminal. Cursor-moving progress bars belong only there: in CI,
 * Lambda, {@code 2>file} or a pipe they turn logs into escape-code soup.
 */
final class Terminal {
    /** {@code LONGVQA_PROGRESS=bar|plain|none} overrides the detection (e.g. a terminal the check misreads). */
    static final String OVERRIDE_ENV = "LONGVQA_PROGRESS";

    enum Mode { BAR, PLAIN, NONE }

    private Terminal() {
    }

    static Mode progressMode() {
        String forced = System.getenv(OVERRIDE_ENV);
        if (forced != null && !forced.isBlank()) {
            return switch (forced.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "bar" -> Mode.BAR;
                case "none", "off" -> Mode.NONE;
                default -> Mode.PLAIN;
            };
        }
        return stderrIsTerminal(Path.of("/proc/self/fd/2")) ? Mode.BAR : Mode.PLAIN;
    }

    /**
     * Reads where file descriptor 2 points (Linux): a terminal is a {@code /dev/pts/N} or
     * {@code /dev/ttyN} device. Java has no isatty for stderr, and {@code System.console()} speaks
     * for stdin/stdout only (and on JDK 22+ is never null). Elsewhere: no terminal, plain lines.
     */
    static boolean stderrIsTerminal(Path fd2) {
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
