package dev.longvqa.infra;

import dev.longvqa.contract.AslSubstitution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The workflow exactly as written in {@code statemachine/longvqa.asl.json}: the stack deploys this
 * text unchanged, and Step Functions fills the {@code ${Name}} placeholders from the state
 * machine's definition substitutions. Keeping the text literal (no CDK tokens in it) is what lets
 * the local cloud run the very same file.
 */
record AslDefinition(Path file, String text) {

  /** Placeholder names documented in docs/ARCHITECTURE.md ("Lambda task payloads"). */
  public static final Set<String> SUBSTITUTIONS = Arrays.stream(AslSubstitution.values())
      .map(AslSubstitution::placeholder).collect(Collectors.toUnmodifiableSet());

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

  public static AslDefinition read(Path file) {
    try {
      return new AslDefinition(file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the workflow definition " + file, e);
    }
  }

  /** The {@code ${Name}} placeholders the text uses, sorted. */
  public Set<String> placeholders() {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) names.add(m.group(1));
    return names;
  }
}
