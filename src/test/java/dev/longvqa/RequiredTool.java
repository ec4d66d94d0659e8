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
        need(available, what + " is not installed (.ci/run installs it)");
    }

    /**
     * A condition of the machine that no package provides (e.g. a network interface besides
     * loopback): skipped with the reason on a developer machine, failed under CI, whose machines have it.
     */
    public static void need(boolean met, String why) {
        if (met) return;
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
