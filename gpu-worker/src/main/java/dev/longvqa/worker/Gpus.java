package dev.longvqa.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How many GPUs this process may use, without loading any CUDA library: the container runtime's
 * {@code NVIDIA_VISIBLE_DEVICES} (ECS sets the assigned GPU ids; {@code all} means every GPU the
 * driver lists), else the driver's {@code /proc/driver/nvidia/gpus} entries.
 */
final class Gpus {
    static final Path PROC_GPUS = Path.of("/proc/driver/nvidia/gpus");

    private Gpus() {}

    public static int visible(String nvidiaVisibleDevices, Path procGpus) {
        String v = nvidiaVisibleDevices == null ? "" : nvidiaVisibleDevices.trim();
        if (v.equals("none") || v.equals("void")) return 0;
        if (!v.isEmpty() && !v.equals("all")) return v.split(",").length;
        if (!Files.isDirectory(procGpus)) return 0;
        try (Stream<Path> s = Files.list(procGpus)) {
            return (int) s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** AUTO becomes GPU when one is visible, else CPU (the fallback CI runs on). */
    public static WorkerConfig.Device resolve(WorkerConfig.Device requested, int visibleGpus) {
        if (requested != WorkerConfig.Device.AUTO) return requested;
        return visibleGpus > 0 ? WorkerConfig.Device.GPU : WorkerConfig.Device.CPU;
    }
}
