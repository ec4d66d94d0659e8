package dev.longvqa;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The name rule itself: it sees a clash between two nested types, and lets an owner's Builder be. */
class PackageGraphTest {
    static final class Left {
        record Pair(int a) {}

        static final class Builder {}
    }

    static final class Right {
        record Pair(int b) {}

        static final class Builder {}
    }

    @Test
    void twoTypesOfOneNameAreFound() {
        var classes = new ClassFileImporter().importClasses(Left.class, Left.Pair.class, Left.Builder.class,
                Right.class, Right.Pair.class, Right.Builder.class);
        assertThat(PackageGraph.duplicateNames(classes)).containsOnlyKeys("Pair");
        assertThat(PackageGraph.duplicateNames(classes).get("Pair")).containsExactlyInAnyOrder(Left.Pair.class.getName(), Right.Pair.class.getName());
        assertThatThrownBy(() -> PackageGraph.assertOneNamePerType(classes)).isInstanceOf(AssertionError.class).hasMessageContaining("Pair");
    }

    @Test
    void buildersNestedInTheirOwnersAreTheIdiom() {
        var classes = new ClassFileImporter().importClasses(Left.class, Left.Builder.class, Right.class, Right.Builder.class);
        assertThat(PackageGraph.duplicateNames(classes)).isEmpty();
    }
}
