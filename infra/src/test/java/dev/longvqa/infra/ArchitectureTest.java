package dev.longvqa.infra;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.longvqa.PackageGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * infra/ describes the deployment and never calls what it deploys: of the project it uses only the
 * contracts (environment names, handler names, ASL substitutions), so a stack synthesizes without
 * the core, the functions or the worker, and its type names are its own. It is one package of
 * constructs around {@link LongVqaStack} (no package graph to check yet: give it
 * {@code PackageGraph.assertFreeOfCycles} when it grows sub-packages).
 */
class ArchitectureTest {
    private static JavaClasses infra;

    @BeforeAll
    static void importInfra() {
        infra = PackageGraph.classesOf(LongVqaStack.class, 10);
    }

    @Test
    void usesOnlyTheContractsOfTheProject() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.longvqa.video..", "dev.longvqa.scenes..",
                "dev.longvqa.tdc..", "dev.longvqa.reason..", "dev.longvqa.runtime..", "dev.longvqa.audio..",
                "dev.longvqa.pipeline..", "dev.longvqa.cli..", "dev.longvqa.functions..", "dev.longvqa.worker..",
                "dev.longvqa.local..", "dev.longvqa.error..").check(infra);
    }

    @Test
    void oneNamePerType() {
        PackageGraph.assertOneNamePerType(infra);
    }
}
