package dev.longvqa;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's quiet builds write no escape codes: Maven's jansi resets the colour (ESC[0m) on
 * stdout and stderr at exit even in batch mode with colours off, which showed up as stray "[0m" in
 * logs of `./longvqa scenes` first runs and CI. `./longvqa mvn` runs Maven exactly as the launcher's
 * own builds do.
 */
class LauncherOutputTest {

    @Test
    void aQuietBuildPrintsNoEscapeCodes() throws Exception {
        Path root = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && root == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("longvqa")) && Files.isRegularFile(p.resolve("pom.xml"))) root = p;
        }
        assertThat(root).as("the repository root above the module").isNotNull();
        Process p = new ProcessBuilder("bash", root.resolve("longvqa").toString(), "mvn", "-q", "-o", "-N", "validate")
                .directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("\u001b");
    }
}
