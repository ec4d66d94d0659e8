package dev.longvqa.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which code the stage Lambdas get. Synth must work before the functions module is built, so the
 * fallback is a placeholder directory (deployable, but every invocation fails until real code is
 * deployed).
 */
record FunctionCode(Path path, boolean placeholder) {

  static final String BUILT_ZIP = "functions/target/function.zip";
  static final String PLACEHOLDER_DIR = "infra/assets/placeholder-function";

  static FunctionCode resolve(InfraConfig config) {
    if (config.functionCode().isPresent()) {
      Path explicit = config.functionCode().get().toAbsolutePath();
      if (!Files.exists(explicit)) {
        throw new IllegalArgumentException("function code not found: " + explicit);
      }
      return new FunctionCode(explicit, false);
    }
    Path built = config.repoRoot().resolve(BUILT_ZIP);
    if (Files.isRegularFile(built)) return new FunctionCode(built, false);
    if (!config.allowPlaceholders()) {
      throw new IllegalStateException(BUILT_ZIP + " is not built: run `./longvqa build` (or pass --function-code); "
          + "--allow-placeholders synthesizes with a placeholder whose every invocation fails");
    }
    return new FunctionCode(config.repoRoot().resolve(PLACEHOLDER_DIR), true);
  }
}
