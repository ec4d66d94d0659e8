package dev.longvqa.worker;

import dev.longvqa.contract.WorkerEnv;

import java.util.Map;

/** A worker environment a test builds up by {@link WorkerEnv} name, then reads as the worker does. */
final class WorkerEnvironment {
    private final Map<WorkerEnv, String> values = WorkerConfig.values();

    WorkerEnvironment set(WorkerEnv name, Object value) {
        values.put(name, String.valueOf(value));
        return this;
    }

    WorkerEnvironment unset(WorkerEnv name) {
        values.remove(name);
        return this;
    }

    WorkerConfig build() {
        return WorkerConfig.of(values);
    }
}
