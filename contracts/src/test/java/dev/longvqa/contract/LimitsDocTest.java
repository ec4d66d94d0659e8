package dev.longvqa.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONFIGURATION.md's "Shared limits" table states every {@link Limits} value, and each text form is its number. */
class LimitsDocTest {

    @Test
    void everyLimitIsDocumentedWithItsValue() throws Exception {
        Map<String, String> documented = ConfigTable.documentedSection("Shared limits");
        int numbers = 0;
        for (Field f : Limits.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getName().endsWith("_TEXT")) continue;
            String value = String.valueOf(f.get(null));
            assertThat(documented.get(f.getName())).as("docs state " + f.getName()).isEqualTo(value);
            numbers++;
            try {
                assertThat(Limits.class.getField(f.getName() + "_TEXT").get(null)).isEqualTo(value);
            } catch (NoSuchFieldException noText) {
                // used in code only, never in an annotation
            }
        }
        assertThat(numbers).isGreaterThanOrEqualTo(9);
    }
}
