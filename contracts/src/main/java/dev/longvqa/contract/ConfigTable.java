package dev.longvqa.contract;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration mapping's names and defaults (SmallRye Config's {@code @WithName} and
 * {@code @WithDefault}, read by name so this module needs no SmallRye), and the markdown table that
 * documents them: the functions' and the worker's tests hold their docs against their mappings with
 * it, so a default stated in code is the default the docs state.
 */
public final class ConfigTable {
    /** One setting: its full name, its default ({@code null}: none). */
    public record Entry(String name, String defaultValue) {}

    private static final Pattern ROW = Pattern.compile("^\\|([^|]*)\\|([^|]*)\\|.*$", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private ConfigTable() {}

    /**
     * Every setting of a mapping interface, nested groups included: the name is {@code prefix} plus
     * {@code @WithName} (else the method name in SmallRye's kebab case), joined with {@code .}.
     */
    public static List<Entry> entries(Class<?> mapping, String prefix) {
        List<Entry> out = new ArrayList<>();
        for (Method m : mapping.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) continue;
            String name = annotation(m, "io.smallrye.config.WithName").orElseGet(() -> kebab(m.getName()));
            String full = prefix.isEmpty() ? name : prefix + "." + name;
            Class<?> type = m.getReturnType();
            if (type.isInterface() && type.getName().startsWith("dev.longvqa.") && type.getEnclosingClass() == mapping) {
                out.addAll(entries(type, full));
            } else {
                out.add(new Entry(full, annotation(m, "io.smallrye.config.WithDefault").orElse(null)));
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::name));
        return out;
    }

    /**
     * The first two columns of every markdown table row in {@code markdown}: each name written in
     * code in the first cell, with the text of the second cell (backticks dropped).
     */
    public static Map<String, String> documented(String markdown) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher row = ROW.matcher(markdown);
        while (row.find()) {
            String second = row.group(2).replace("`", "").trim();
            Matcher code = CODE.matcher(row.group(1));
            while (code.find()) out.putIfAbsent(code.group(1).trim(), second);
        }
        return out;
    }

    /**
     * The part of {@code markdown} under the level-2 heading that starts with {@code heading}, up to
     * the next level-2 heading: docs/CONFIGURATION.md documents several mappings, and the same
     * property name (e.g. {@code longvqa.fps}) may mean a different setting in each.
     */
    public static String section(String markdown, String heading) {
        int start = markdown.startsWith("## " + heading) ? 0 : markdown.indexOf("\n## " + heading);
        if (start < 0) throw new IllegalArgumentException("no section '## " + heading + "'");
        int end = markdown.indexOf("\n## ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    /** Where every unit's settings are documented, relative to the repository root. */
    public static final String DOC = "docs/CONFIGURATION.md";

    /**
     * The rows of one section of {@link #DOC}, found in the first directory above the working
     * directory that has it: the modules' tests run in their own directories.
     */
    public static Map<String, String> documentedSection(String heading) throws java.io.IOException {
        for (java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.isRegularFile(p.resolve(DOC))) {
                return documented(section(java.nio.file.Files.readString(p.resolve(DOC)), heading));
            }
        }
        throw new IllegalStateException("no " + DOC + " above " + java.nio.file.Path.of("").toAbsolutePath());
    }

    private static Optional<String> annotation(Method m, String type) {
        for (Annotation a : m.getAnnotations()) {
            if (a.annotationType().getName().equals(type)) {
                try {
                    return Optional.of((String) a.annotationType().getMethod("value").invoke(a));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Optional.empty();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
