package dev.longvqa;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.longvqa.error.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The core's package graph: its packages form a tree (a new cycle fails here, naming the classes
 * that close it), the error vocabulary is a leaf, and the library stays free of the cloud so that
 * the CLI, the Lambdas and the worker can all carry it.
 */
class ArchitectureTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = PackageGraph.classesOf(ErrorCode.class, 100);
    }

    @Test
    void packagesAreFreeOfCycles() {
        PackageGraph.assertFreeOfCycles(core, "dev.longvqa");
    }

    @Test
    void oneNamePerType() {
        PackageGraph.assertOneNamePerType(core);
    }

    /** contracts/ cannot use this test jar (the core depends on it), so its graph is checked here. */
    @Test
    void contractPackagesAreFreeOfCycles() {
        PackageGraph.assertFreeOfCycles(PackageGraph.classesOf(dev.longvqa.contract.JobRow.class, 30), "dev.longvqa.contract");
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
