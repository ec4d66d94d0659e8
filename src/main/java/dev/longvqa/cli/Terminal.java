package dev.longvqa.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is an interactive terminal. Cursor-moving progress bars belong only there: in CI,
 * Lambda, {@code 2>file} or a pipe they turn logs into escape-code soup.
 */
final class Terminal {
    enum Mode { BAR, PLAIN, NONE }

    private Terminal() {
    }

    /**
     * The progress mode for a {@code --progress} setting ({@code longvqa.progress}): {@code bar},
     * {@code plain} or {@code none} force one (e.g. a terminal the check misreads); {@code auto}
     * draws a bar on a terminal and plain lines elsewhere.
     */
    static Mode progressMode(String setting) {
        return switch (setting == null ? "auto" : setting.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "bar" -> Mode.BAR;
            case "plain" -> Mode.PLAIN;
            case "none", "off" -> Mode.NONE;
            case "auto", "" -> stderrIsTerminal(Path.of("/proc/self/fd/2")) ? Mode.BAR : Mode.PLAIN;
            default -> throw new IllegalArgumentException("--progress must be auto, bar, plain or none, not " + setting);
        };
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
