package dev.longvqa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tools/aot/LinkableClassFiles.java, which the launcher runs once per build on JDK 25+: picocli's
 * Java 5 class files come out as version 52 with verifier frames, with the same classes, members and
 * behaviour, and the JDK's AOT cache then holds them (it skips them as they are published).
 */
class LinkableClassFilesTest {
    @TempDir
    Path dir;

    static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("tools/aot/LinkableClassFiles.java"))) return p;
        }
        throw new AssertionError("no tools/aot above " + Path.of("").toAbsolutePath());
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    record Run(int exit, String out) {}

    static Run run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** Class file major version per class entry. */
    static Map<String, Integer> versions(Path jar) throws IOException {
        Map<String, Integer> v = new TreeMap<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(jf.entries())) {
                if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/")) continue;
                try (InputStream in = jf.getInputStream(e)) {
                    byte[] h = in.readNBytes(8);
                    v.put(e.getName(), ((h[6] & 0xff) << 8) | (h[7] & 0xff));
                }
            }
        }
        return v;
    }

    /** Every method and field of every class, with its access flags: what the rewrite must keep. */
    static List<String> members(Path jar) throws IOException {
        List<String> out = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(jf.entries())) {
                if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/")) continue;
                try (InputStream in = jf.getInputStream(e)) {
                    new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                        String owner;

                        @Override
                        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                            owner = name + " extends " + superName + " " + access;
                            out.add(owner);
                        }

                        @Override
                        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                            out.add(owner + " " + name + descriptor + " " + access);
                            return null;
                        }
                    }, ClassReader.SKIP_CODE);
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    @Test
    void oldJarsAreRewrittenLinkableAndTheCommandLineRunsFromTheAotCache() throws Exception {
        Path picocli = jarOf(picocli.CommandLine.class), asm = jarOf(ClassReader.class);
        Path modern = jarOf(com.fasterxml.jackson.core.JsonFactory.class);
        assertThat(versions(picocli).values()).as("picocli as published: Java 5").contains(49);

        Path lib = dir.resolve("aot-lib");
        String classPath = String.join(File.pathSeparator, picocli.toString(), modern.toString());
        Run tool = run(List.of(java(), "-cp", asm.toString(), root().resolve("tools/aot/LinkableClassFiles.java").toString(),
                lib.toString(), classPath));
        assertThat(tool.exit()).as(tool.out()).isZero();
        Path copy = lib.resolve(picocli.getFileName());
        assertThat(tool.out().strip()).isEqualTo(copy + File.pathSeparator + modern);

        // same classes and members; every class file now linkable ahead of time
        Map<String, Integer> before = versions(picocli), after = versions(copy);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after.values()).allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(50));
        assertThat(members(copy)).isEqualTo(members(picocli));

        // the type-checking verifier accepts every rewritten class (initialising links and verifies it)
        try (URLClassLoader l = new URLClassLoader(new URL[]{copy.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String entry : after.keySet()) {
                Class.forName(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'), true, l);
            }
        }

        // The core command line on the rewritten class path prints the same help as on the published one.
        String published = System.getProperty("java.class.path"), rewritten = published.replace(picocli.toString(), copy.toString());
        assertThat(rewritten).isNotEqualTo(published);
        List<String> scenesHelp = List.of("dev.longvqa.cli.LongVqaCli", "scenes", "--help");
        Run original = run(concat(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", published), scenesHelp));
        Run upgraded = run(concat(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", rewritten), scenesHelp));
        assertThat(original.exit()).as(original.out()).isZero();
        assertThat(upgraded.exit()).as(upgraded.out()).isZero();
        assertThat(upgraded.out()).isEqualTo(original.out()).startsWith("Usage: longvqa scenes");

        if (Runtime.version().feature() < 25) return; // no AOT cache before JDK 25: the launcher leaves the class path alone
        // The JDK's AOT cache (class path of jars only) holds picocli's classes once rewritten, and skips the published ones.
        Path app = dir.resolve("hello.jar");
        try (java.util.jar.JarOutputStream jo = new java.util.jar.JarOutputStream(Files.newOutputStream(app))) {
            for (Class<?> c : new Class<?>[]{Hello.class}) {
                String name = c.getName().replace('.', '/') + ".class";
                jo.putNextEntry(new JarEntry(name));
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(jo);
                }
                jo.closeEntry();
            }
        }
        assertThat(cachedFromAot(app, picocli, "published")).doesNotContain("picocli.CommandLine source: shared objects file");
        assertThat(cachedFromAot(app, copy, "rewritten")).contains("picocli.CommandLine source: shared objects file")
                .contains("Usage: hello [--name=<name>]");
    }

    /** Records, creates and uses an AOT cache for {@link Hello} on this picocli jar; the last run's output with class loading logged. */
    private String cachedFromAot(Path app, Path picocliJar, String label) throws Exception {
        String cp = app + File.pathSeparator + picocliJar;
        Path conf = dir.resolve(label + ".aotconf"), cache = dir.resolve(label + ".aot");
        Run record = run(List.of(java(), "-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf, "-Xlog:aot*=off", "-cp", cp, Hello.class.getName()));
        assertThat(record.exit()).as(record.out()).isZero();
        Run create = run(List.of(java(), "-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf, "-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-cp", cp));
        assertThat(create.exit()).as(create.out()).isZero();
        Run cached = run(List.of(java(), "-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-Xlog:class+load=info", "-cp", cp, Hello.class.getName()));
        assertThat(cached.exit()).as(cached.out()).isZero();
        return cached.out();
    }

    /** A picocli command, alone in a jar with picocli: what an AOT cache is recorded for. */
    @picocli.CommandLine.Command(name = "hello")
    public static final class Hello implements Runnable {
        @picocli.CommandLine.Option(names = "--name")
        String name;

        @Override
        public void run() {
        }

        public static void main(String[] args) {
            picocli.CommandLine cmd = new picocli.CommandLine(new Hello());
            cmd.usage(System.out);
            System.exit(cmd.execute(args));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
