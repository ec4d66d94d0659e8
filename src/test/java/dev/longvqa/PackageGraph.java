package dev.longvqa;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;

import java.net.URISyntaxException;
import java.util.Set;

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
}
