package dev.longvqa.infra.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longvqa.infra.deploy.SynthesizedAssembly.LambdaFunction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every native library each Lambda ships (in its staged code asset, including those inside its jars)
 * loads on the runtime it is deployed to: none needs a newer glibc or libstdc++ than the runtime's
 * documented ones. The managed java21 runtime runs on Amazon Linux 2023: glibc 2.34, and libstdc++
 * of GCC 11 (GLIBCXX_3.4.29).
 */
class NativeGlibcIT {

  /** Documented base of each managed runtime the stack may use. */
  record RuntimeBase(String os, String glibc, String glibcxx) {}

  static final Map<String, RuntimeBase> RUNTIMES = Map.of(
      "java21", new RuntimeBase("Amazon Linux 2023", "2.34", "3.4.29"),
      "java17", new RuntimeBase("Amazon Linux 2", "2.26", "3.4.24"),
      "provided.al2023", new RuntimeBase("Amazon Linux 2023", "2.34", "3.4.29"));

  private static SynthesizedAssembly assembly;

  @BeforeAll
  static void synth() {
    assembly = SynthesizedAssembly.synth(SynthesizedAssembly.REPO.resolve("infra/target/deploy-it/glibc/cdk.out"));
  }

  @Test
  void theReaderSeesWhatTheLoaderChecks() throws IOException {
    // this JVM's own libjava.so needs glibc versions; the reader must find them (and compare them right)
    Path libjava = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
    assertThat(ElfVersionNeeds.of(Files.readAllBytes(libjava))).anyMatch(v -> v.startsWith("GLIBC_2."));
    assertThat(ElfVersionNeeds.compare("2.35", "2.4")).isPositive();
    assertThat(ElfVersionNeeds.compare("2.34", "2.34")).isZero();
  }

  @Test
  void everyNativeInEveryFunctionLoadsOnItsRuntime() throws IOException {
    List<LambdaFunction> fns = assembly.lambdaFunctions();
    assertThat(fns).isNotEmpty();
    for (LambdaFunction fn : fns) {
      RuntimeBase base = RUNTIMES.get(fn.runtime());
      assertThat(base).as("documented glibc of runtime " + fn.runtime()).isNotNull();
      Map<String, String> tooNew = new TreeMap<>();
      int natives = 0;
      try (InputStream in = Files.newInputStream(fn.stagedCode())) {
        natives = scan(fn.stagedCode().getFileName().toString(), in, base, tooNew);
      }
      assertThat(natives).as("FFmpeg's natives are in " + fn.logicalId()).isGreaterThan(5);
      assertThat(tooNew).as(fn.logicalId() + " ships natives " + base.os() + " cannot load").isEmpty();
    }
  }

  /** Walks a zip (and the jars inside it), checking each ELF entry; returns how many were checked. */
  private static int scan(String where, InputStream zip, RuntimeBase base, Map<String, String> tooNew) throws IOException {
    int count = 0;
    ZipInputStream z = new ZipInputStream(zip);
    for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
      if (e.isDirectory()) continue;
      String name = where + "!/" + e.getName();
      if (e.getName().endsWith(".jar") || e.getName().endsWith(".zip")) {
        count += scan(name, new ByteArrayInputStream(z.readAllBytes()), base, tooNew);
      } else if (e.getName().contains(".so") || e.getName().endsWith(".node")) {
        byte[] bytes = z.readAllBytes();
        if (!ElfVersionNeeds.isElf(bytes)) continue;
        count++;
        List<String> bad = new ArrayList<>();
        for (String v : ElfVersionNeeds.of(bytes)) {
          if (v.startsWith("GLIBC_2.") && ElfVersionNeeds.compare(v.substring(6), base.glibc()) > 0) bad.add(v);
          if (v.startsWith("GLIBCXX_3.") && ElfVersionNeeds.compare(v.substring(8), base.glibcxx()) > 0) bad.add(v);
        }
        if (!bad.isEmpty()) tooNew.put(name, String.join(" ", bad));
      }
    }
    return count;
  }
}
