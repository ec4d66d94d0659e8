package dev.longvqa.local;

import dev.longvqa.PackageGraph;
import org.junit.jupiter.api.Test;

/** local/'s packages form a tree: the ASL interpreter knows no task resource, the cloud wires both. */
class ArchitectureTest {
    @Test
    void packagesAreFreeOfCycles() {
        PackageGraph.assertFreeOfCycles(PackageGraph.classesOf(LocalCli.class, 30), "dev.longvqa.local");
    }
}
