package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the npm {@code asl-validator} (installed by {@code npm ci} in the Maven build, pinned by
 * infra/package-lock.json) on the workflow definition: the same schema and path checks the AWS
 * tooling applies, without an AWS account.
 */
class AslValidatorTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static final Path VALIDATOR = REPO.resolve("infra/node_modules/.bin/asl-validator");

  record Result(int exitCode, String output) {}

  private static Result validate(Path definition) throws IOException, InterruptedException {
    assertThat(VALIDATOR)
        .as("asl-validator is installed by `npm ci` in infra/ (Maven phase process-test-resources)")
        .isExecutable();
    Process p = new ProcessBuilder(List.of(VALIDATOR.toString(), "--json-path", definition.toString()))
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("validator finished").isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void theWorkflowDefinitionIsValid() throws Exception {
    Result r = validate(REPO.resolve(InfraConfig.ASL_FILE));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("is valid");
  }

  @Test
  void theAnswerOnlyDefinitionIsValid() throws Exception {
    Result r = validate(REPO.resolve(InfraConfig.ASL_FILE).resolveSibling("answer.asl.json"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("is valid");
  }

  @Test
  void aBrokenTransitionInTheSameDefinitionIsRejected(@TempDir Path tmp) throws Exception {
    // Proves the validator actually checks this file's shape: retarget one transition to nowhere.
    String text = Files.readString(REPO.resolve(InfraConfig.ASL_FILE));
    String broken = text.replace("\"Next\": \"Segment\"", "\"Next\": \"NoSuchState\"");
    assertThat(broken).isNotEqualTo(text);
    Path file = tmp.resolve("broken.asl.json");
    Files.writeString(file, broken);

    Result r = validate(file);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("NoSuchState");
  }
}
