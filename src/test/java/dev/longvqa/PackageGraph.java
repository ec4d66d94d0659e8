package dev.longvqa;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package-graph rules every module's architecture test applies to its own classes (the core's
 * test jar carries them to the other modules).
 */
public final class PackageGraph {
    private PackageGraph() {}

    /**
     * Exactly the main classes of the module that holds {@code anchor} (its folder or jar), not the
     * modules it depends on; fails when that is suspiciously little, so a rule never passes on nothing.
     */
    public static JavaClasses classesOf(Class<?> anchor, int atLeast) {
        try {
            var location = Location.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            JavaClasses classes = new ClassFileImporter().importLocations(Set.of(location));
            assertThat(classes.size()).as("classes imported from %s", location).isGreaterThanOrEqualTo(atLeast);
            return classes;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * No cycle between the packages directly under {@code root} (each with its sub-packages), nor
     * between any two packages at all; a failure names the classes that close the cycle.
     */
    public static void assertFreeOfCycles(JavaClasses classes, String root) {
        slices().matching(root + ".(*)..").should().beFreeOfCycles().check(classes);
        slices().matching(root + ".(**)").should().beFreeOfCycles().check(classes);
    }

    /**
     * The main classes of every module on the class path under the given packages (folders and
     * jars alike), without test classes: what {@link #assertOneNamePerType} reads across modules.
     */
    public static JavaClasses mainClassesOnClassPath(int atLeast, String... packages) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                .importPackages(packages);
        assertThat(classes.size()).as("main classes under %s", List.of(packages)).isGreaterThanOrEqualTo(atLeast);
        return classes;
    }

    /**
     * One name per concept: no two named types (top-level or nested, in any of the given classes)
     * share a simple name. Two types of one name in two packages are either one concept written
     * twice (make them one type) or two concepts a reader cannot tell apart (name each for what it
     * is). The one intended repetition is a {@code Builder} nested in the type it builds, the Java
     * idiom ({@code FrameSampler.Builder}, AWS SDK style), always read with its owner's name.
     * Anonymous and local classes have no name to clash and are not counted.
     */
    public static void assertOneNamePerType(JavaClasses classes) {
        assertThat(duplicateNames(classes)).as("simple type names declared more than once (rename one, or make them one type)").isEmpty();
    }

    /** The simple names declared by more than one type, each with the types that declare it. */
    public static Map<String, List<String>> duplicateNames(JavaClasses classes) {
        return classes.stream()
                .filter(c -> !c.isAnonymousClass() && !c.isLocalClass() && !c.getSimpleName().isEmpty())
                .filter(c -> !c.getSimpleName().equals("package-info"))
                .filter(c -> !isBuilderOfItsOwner(c))
                .collect(Collectors.groupingBy(JavaClass::getSimpleName, TreeMap::new,
                        Collectors.mapping(JavaClass::getName, Collectors.toList())))
                .entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static boolean isBuilderOfItsOwner(JavaClass c) {
        return c.getSimpleName().equals("Builder") && c.getEnclosingClass().isPresent();
    }
}
