package dev.longvqa.functions;

import dev.longvqa.PackageGraph;
import org.junit.jupiter.api.Test;

/** functions/'s packages form a tree: the API builds on the stage services, never the other way round. */
class ArchitectureTest {
    @Test
    void packagesAreFreeOfCycles() {
        PackageGraph.assertFreeOfCycles(PackageGraph.classesOf(RegisterService.class, 30), "dev.longvqa.functions");
    }
}
