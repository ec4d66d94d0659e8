package dev.longvqa.cli;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import picocli.CommandLine;

/**
 * Turns exceptions into one {@code error: ...} line on stderr and the documented exit code:
 * 2 bad input, 3 no model, 1 anything else. Stack traces only with {@code longvqa.debug}
 * ({@code LONGVQA_DEBUG=1}).
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    private final boolean debug;

    Errors(boolean debug) {
        this.debug = debug;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        Throwable t = ex;
        while (!(t instanceof LongVqaException) && t.getCause() != null && t.getCause() != t) t = t.getCause();
        if (debug) ex.printStackTrace();
        if (t instanceof LongVqaException e) {
            cmd.getErr().println("error: " + e.oneLine());
            return e.code().kind().exitCode();
        }
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cmd.getErr().println("error: " + ErrorCode.INTERNAL.name() + ": " + msg.replace('\n', ' ')
                + " (set LONGVQA_DEBUG=1 for details)");
        return ErrorCode.Kind.INTERNAL.exitCode();
    }
}
