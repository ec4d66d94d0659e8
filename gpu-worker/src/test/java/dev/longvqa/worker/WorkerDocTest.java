package dev.longvqa.worker;

import dev.longvqa.contract.ConfigTable;
import dev.longvqa.contract.WorkerEnv;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONFIGURATION.md's "GPU worker" table names every {@link WorkerEnv} and states {@link WorkerConfig}'s defaults. */
class WorkerDocTest {

    @Test
    void everyVariableIsDocumentedWithTheMappingsDefault() throws Exception {
        Map<String, String> documented = ConfigTable.documentedSection("GPU worker");
        // every WorkerEnv has its row, and every row is a WorkerEnv (no row for a variable that is gone)
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(Arrays.stream(WorkerEnv.values()).map(WorkerEnv::variable).toList());
        var entries = ConfigTable.entries(WorkerConfig.class, "");
        // the mapping reads WorkerEnv names only (AWS_REGION and ECS_AGENT_URI are the SDK's and the agent's)
        assertThat(Arrays.stream(WorkerEnv.values()).map(WorkerEnv::variable).toList())
                .containsAll(entries.stream().map(ConfigTable.Entry::name).toList());
        for (ConfigTable.Entry e : entries) {
            if (e.defaultValue() == null) continue;
            String cell = documented.get(e.name());
            assertThat(cell).as("the default of " + e.name())
                    .satisfiesAnyOf(c -> assertThat(c).isEqualTo(e.defaultValue()), c -> assertThat(c).startsWith(e.defaultValue() + " ("));
        }
    }
}
