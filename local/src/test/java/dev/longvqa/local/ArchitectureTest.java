package dev.longvqa.local;

import dev.longvqa.PackageGraph;
import org.junit.jupiter.api.Test;

/**
 * local/'s packages form a tree: the ASL interpreter knows no task resource, the cloud wires both.
 * local/ sees the main classes of every deployable module (core, contracts, functions, worker,
 * infra, emulators), so the one-name-per-type rule across all of them lives here.
 */
class ArchitectureTest {
    @Test
    void packagesAreFreeOfCycles() {
        PackageGraph.assertFreeOfCycles(PackageGraph.classesOf(LocalCli.class, 30), "dev.longvqa.local");
    }

    @Test
    void oneNamePerTypeAcrossModules() {
        PackageGraph.assertOneNamePerType(PackageGraph.mainClassesOnClassPath(600, "dev.longvqa", "LongVqa"));
    }
}
