package dev.longvqa.worker;

import dev.longvqa.PackageGraph;
import org.junit.jupiter.api.Test;

/** gpu-worker/'s packages form a tree: the blob stores and the sound are leaves the task handlers use. */
class ArchitectureTest {
    @Test
    void packagesAreFreeOfCycles() {
        PackageGraph.assertFreeOfCycles(PackageGraph.classesOf(WorkerApp.class, 30), "dev.longvqa.worker");
    }
}
