package dev.longvqa;

import org.junit.jupiter.api.Assumptions;

/**
 * A test's external tool (Chromium, python3 with torch, the ffmpeg CLI): on a developer machine a
 * missing one skips the test with the reason; under CI ({@code CI=true}) it fails it, because
 * {@code .ci/run} installs every tool and a silently skipped check is a check that never ran.
 */
public final class RequiredTool {
    private RequiredTool() {
    }

    public static void require(boolean available, String what) {
        if (available) return;
        String why = what + " is not installed (.ci/run installs it)";
        if (inCi()) throw new AssertionError("CI=true: " + why + "; a test that needs it may not skip in CI");
        Assumptions.abort(why);
    }

    private static Boolean pythonTorch;

    /** Whether Debian's {@code /usr/bin/python3} imports torch (checked once per JVM). */
    public static synchronized boolean pythonTorch() {
        if (pythonTorch == null) {
            try {
                Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                pythonTorch = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (java.io.IOException | InterruptedException e) {
                pythonTorch = false;
            }
        }
        return pythonTorch;
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
