import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The launcher's class path for the JDK 25+ AOT cache, with class files it can hold.
 *
 * <p>Why: the AOT cache (JEP 483) stores classes loaded <em>and linked</em>; class files older than
 * version 50 (Java 6) are verified by the old type-inferencing verifier at run time and cannot be
 * linked ahead of time, so the JVM skips them ("Unlinked class not supported by AOTClassLinking")
 * and parses, verifies and links them at every start. picocli (compiled for Java 5) is such a jar:
 * 175 classes, 60-70 ms of every {@code longvqa} start on 2 cores. This tool rewrites such class
 * files as version 52 with the stack map frames the type-checking verifier needs, computed by ASM;
 * the bytecode itself is unchanged, and the JVM still verifies the result when it records the cache.
 *
 * <p>Usage: {@code java -cp ASM_JAR LinkableClassFiles.java OUT_DIR CLASS_PATH}: prints CLASS_PATH
 * with every jar that holds a class file older than version 50 replaced by its rewritten copy in
 * OUT_DIR. Fails (exit 1, nothing printed) on anything it cannot rewrite, e.g. JSR/RET subroutines;
 * the launcher then keeps the original class path.
 */
public final class LinkableClassFiles {
    static final int OLDEST_LINKABLE = Opcodes.V1_6, TARGET = Opcodes.V1_8;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LinkableClassFiles OUT_DIR CLASS_PATH");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<String> entries = new ArrayList<>();
        for (String e : args[1].split(java.io.File.pathSeparator)) {
            Path jar = Path.of(e);
            if (e.endsWith(".jar") && Files.isRegularFile(jar) && hasOldClasses(jar)) {
                Files.createDirectories(out);
                Path copy = out.resolve(jar.getFileName());
                Path tmp = out.resolve(jar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp"); // concurrent first starts
                rewrite(jar, tmp);
                Files.move(tmp, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                entries.add(copy.toString());
            } else {
                entries.add(e);
            }
        }
        System.out.println(String.join(java.io.File.pathSeparator, entries));
    }

    /** The class file's major version, from its header. */
    static int version(byte[] head) {
        return ((head[6] & 0xff) << 8) | (head[7] & 0xff);
    }

    static boolean hasOldClasses(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile(), false)) {
            for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (!isClass(e)) continue;
                try (InputStream in = jf.getInputStream(e)) {
                    byte[] head = in.readNBytes(8);
                    if (head.length == 8 && version(head) < OLDEST_LINKABLE) return true;
                }
            }
        }
        return false;
    }

    private static boolean isClass(JarEntry e) {
        // module-info and multi-release variants are left as they are: they are never old.
        return e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/") && !e.getName().endsWith("module-info.class");
    }

    /** Copies {@code jar} to {@code to} with its old class files rewritten; signature files dropped (the bytes change). */
    static void rewrite(Path jar, Path to) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile(), false);
             URLClassLoader hierarchy = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             JarOutputStream jo = new JarOutputStream(Files.newOutputStream(to))) {
            for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                String name = e.getName();
                if (name.startsWith("META-INF/") && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA") || name.endsWith(".EC"))) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = jf.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                if (isClass(e) && version(bytes) < OLDEST_LINKABLE) bytes = upgrade(bytes, hierarchy);
                JarEntry copy = new JarEntry(name);
                copy.setTime(e.getTime());
                jo.putNextEntry(copy);
                jo.write(bytes);
                jo.closeEntry();
            }
        }
    }

    /** The class at version 52 with frames computed; ASM refuses JSR/RET (which need frames it cannot express). */
    static byte[] upgrade(byte[] bytes, ClassLoader hierarchy) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return hierarchy; // frames need common super classes of the jar's own types
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(TARGET, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return w.toByteArray();
    }

    private LinkableClassFiles() {
    }
}
