package dev.longvqa;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import dev.longvqa.error.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core's package graph: its top-level packages form a tree (a new cycle fails here, naming the
 * classes that close it), the error vocabulary is a leaf, and the library stays free of the cloud
 * so that the CLI, the Lambdas and the worker can all carry it.
 */
class ArchitectureTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() throws URISyntaxException {
        // exactly this module's classes (a folder or a jar), not the contracts or anything else on the class path
        var location = Location.of(ErrorCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        core = new ClassFileImporter().importLocations(Set.of(location));
        assertThat(core.size()).as("classes imported from %s", location).isGreaterThan(100);
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        slices().matching("dev.longvqa.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void everyPackageIsFreeOfCycles() {
        slices().matching("dev.longvqa.(**)").should().beFreeOfCycles().check(core);
    }

    @Test
    void coreNeverImportsAwsOrQuarkus() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "io.quarkus..").check(core);
    }

    @Test
    void theErrorVocabularyIsALeaf() {
        noClasses().that().resideInAPackage("dev.longvqa.error..")
                .should().dependOnClassesThat(resideInAPackage("dev.longvqa..").and(not(resideInAPackage("dev.longvqa.error.."))))
                .check(core);
    }
}
